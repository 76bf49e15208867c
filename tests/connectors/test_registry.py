"""The registry: plug-ins, recognition, errors that always name the source, preview."""

from __future__ import annotations

import logging
from importlib import metadata

import pandas as pd
import pytest

from connectors import (
    ENTRY_POINT_GROUP,
    Probe,
    SourceFrame,
    SourceReadError,
    connectors,
    preview,
    probe_file,
    read_source,
    recognise,
    register_connector,
)
from connectors import registry as registry_module

from .conftest import shared_data, spec, write


class FakeConnector:
    """A third-party style connector that claims any .fake file."""

    label = "Fake"
    domain = "sales"

    def __init__(self, key: str = "fake", fail: Exception | None = None):
        self.key = key
        self.fail = fail

    def detect(self, probe: Probe) -> int:
        return 99 if probe.suffix == ".fake" else 0

    def read(self, spec) -> SourceFrame:
        if self.fail:
            raise self.fail
        frame = pd.DataFrame({"order_id": ["x"], "ordered_at": [pd.Timestamp("2025-04-03")], "amount": [1.0],
                              "_row": [2]})
        return SourceFrame(frame, self.key, True)


class FakeEntryPoint:
    def __init__(self, name: str, loader):
        self.name = name
        self._loader = loader

    def load(self):
        return self._loader()


@pytest.fixture
def isolated_registry(monkeypatch):
    """Plug-ins registered by a test disappear afterwards."""
    connectors()  # built-ins loaded before the snapshot
    monkeypatch.setattr(registry_module, "_registry", dict(registry_module._registry))
    monkeypatch.setattr(registry_module, "_state", dict(registry_module._state))


def test_builtins_registered():
    keys = set(connectors())
    assert {"csv", "json", "excel", "shopify", "woocommerce", "zkteco", "salesforce", "hubspot", "zoho",
            "indiamart", "seed_sales", "seed_leads", "seed_attendance"} <= keys


def test_broken_entry_point_is_logged_and_skipped(monkeypatch, isolated_registry, caplog):
    def broken():
        raise ImportError("no module named fake_vendor_sdk")

    good_list = FakeEntryPoint("good", lambda: lambda: [FakeConnector("fake1"), FakeConnector("fake2")])
    good_obj = FakeEntryPoint("obj", lambda: FakeConnector("fake3"))
    not_a_connector = FakeEntryPoint("junk", lambda: 42)
    seen_groups = []

    def fake_entry_points(group=None):
        seen_groups.append(group)
        return [FakeEntryPoint("broken", broken), good_list, good_obj, not_a_connector]

    monkeypatch.setattr(metadata, "entry_points", fake_entry_points)
    with caplog.at_level(logging.ERROR, logger="business_orchestrator.connectors"):
        found = connectors(refresh=True)
    assert seen_groups == [ENTRY_POINT_GROUP]
    assert {"fake1", "fake2", "fake3", "shopify"} <= set(found)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "'broken'" in messages and "'junk'" in messages


def test_duplicate_key_replaces_with_warning(isolated_registry, caplog):
    replacement = FakeConnector("csv")
    with caplog.at_level(logging.WARNING, logger="business_orchestrator.connectors"):
        register_connector(replacement)
    assert connectors()["csv"] is replacement
    assert "replaced" in caplog.text


def test_plugin_exception_becomes_source_read_error(tmp_path, isolated_registry):
    register_connector(FakeConnector("fake", fail=ZeroDivisionError("boom")))
    path = write(tmp_path / "data.fake", "anything")
    with pytest.raises(SourceReadError) as err:
        read_source(spec(path, "sales", name="Vendor feed"))
    assert err.value.issue.source == "Vendor feed"
    assert "ZeroDivisionError: boom" in str(err.value)


def test_plugin_returning_wrong_columns_is_rejected(tmp_path, isolated_registry):
    class Lazy(FakeConnector):
        def read(self, spec):
            return SourceFrame(pd.DataFrame({"amount": [1.0]}), self.key, True)

    register_connector(Lazy("fake"))
    path = write(tmp_path / "data.fake", "anything")
    with pytest.raises(SourceReadError, match="order_id"):
        read_source(spec(path, "sales"))


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(SourceReadError) as err:
        read_source(spec(missing, "sales", name="Shop"))
    assert str(err.value) == f"'Shop': file not found: {missing}"


def test_unknown_layout_names_file_and_expected_columns(tmp_path):
    path = write(tmp_path / "weird.csv", "foo,bar\n1,2\n")
    with pytest.raises(SourceReadError) as err:
        read_source(spec(path, "sales"))
    text = str(err.value)
    assert "weird.csv" in text and "'amount'" in text and "'grand total'" in text and "'foo', 'bar'" in text


def test_unrecognisable_binary_file(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(SourceReadError, match=r"photo\.png is not a CSV/Excel/JSON export: it is a PNG image"):
        read_source(spec(path, "sales"))


def test_unknown_format_lists_valid_keys(tmp_path):
    path = write(tmp_path / "s.csv", "order_id,amount\n1,2\n")
    with pytest.raises(SourceReadError) as err:
        recognise(spec(path, "sales", format="shopfy"))
    assert "unknown format 'shopfy'" in str(err.value) and "shopify" in str(err.value)


def test_preset_for_wrong_domain(tmp_path):
    path = write(tmp_path / "s.csv", "order_id,amount\n1,2\n")
    with pytest.raises(SourceReadError, match="format 'shopify' reads sales, but this source is leads"):
        recognise(spec(path, "leads", format="shopify"))


def test_auto_ignores_presets_of_other_domains():
    path = shared_data("shopify_orders_export_dev_store_eur.csv")
    # as a leads source the Shopify preset is not a candidate; the generic CSV reader is tried instead
    assert recognise(spec(path, "leads")).key == "csv"


def test_probe_file_reads_header():
    probe = probe_file(shared_data("shopify_orders_export_dev_store_eur.csv"))
    assert probe.suffix == ".csv"
    assert len(probe.header) == 79 and probe.header[:3] == ("Name", "Email", "Financial Status")


def test_preview_shows_raw_and_canonical_rows():
    path = shared_data("shopify_orders_export_dev_store_eur.csv")
    raw, sf = preview(spec(path, "sales"), rows=6)
    assert len(raw) == 6 and raw.iloc[0]["Name"] == "#1001"
    assert all(isinstance(v, str) for v in raw.iloc[1])
    # rows 2-7 hold #1001 (4 line items) and #1002 (2): two orders
    assert sf.frame["order_id"].tolist() == ["#1001", "#1002"]


def test_preview_zkteco_raw_columns():
    raw, sf = preview(spec(shared_data("zkteco_attlog_2days.dat"), "attendance"), rows=3)
    assert list(raw.columns[:2]) == ["user id", "timestamp"]
    assert raw.iloc[0]["user id"] == "17"
    assert len(sf.frame) == 3


def test_preview_json_and_excel(tmp_path):
    import json

    import openpyxl

    path = tmp_path / "leads.json"
    path.write_text(json.dumps({"results": [{"Lead Source": "Web", "Created": "2025-04-03 10:00", "n": i}
                                            for i in range(30)]}))
    raw, sf = preview(spec(path, "leads"), rows=5)
    assert len(raw) == 5 and raw.iloc[0]["n"] == "0"
    assert len(sf.frame) == 5 and sf.frame["source"].eq("Web").all()

    wb = openpyxl.Workbook()
    wb.active.append(["Order ID", "Date", "Amount"])
    for i in range(10):
        wb.active.append([i, "2025-04-03", i * 10])
    xlsx = tmp_path / "s.xlsx"
    wb.save(xlsx)
    raw, sf = preview(spec(xlsx, "sales"), rows=3)
    assert raw["Amount"].tolist() == ["0", "10", "20"]
    # 0 + 10 + 20 = 30
    assert sf.frame["amount"].sum() == 30


def test_preview_refuses_a_binary_file_in_a_sentence_instead_of_showing_its_bytes(tmp_path):
    """Issue 16 item 8: the source editor showed a corrupt file's binary garbage as its columns."""
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\x00\x13\xfe" * 10000)
    with pytest.raises(SourceReadError) as err:
        preview(spec(path, "sales"))
    assert str(err.value).endswith("orders.csv is not a CSV/Excel/JSON export: it looks like a binary file "
                                   "(damaged, or not the export you meant); export it again")


def test_preview_cuts_huge_cells_and_a_folder_is_called_a_folder(tmp_path):
    path = write(tmp_path / "orders.csv", "Order ID,Date,Note,Amount\n1,2025-04-03," + "x" * 1_000_000 + ",10\n")
    raw, sf = preview(spec(path, "sales"))
    assert raw["Note"].str.len().max() <= 200 and sf.frame["amount"].tolist() == [10.0]
    with pytest.raises(SourceReadError, match="is a folder, not a file: choose the export file inside it"):
        read_source(spec(tmp_path, "sales"))

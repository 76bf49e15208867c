"""A third-party service registers through the same entry-point group as a file format."""

from __future__ import annotations

from importlib import metadata

import pandas as pd
import pytest

from connectors import registry as registry_module
from connectors.base import Page, Record, ServiceConnector, SourceFrame, SourceReadError, SourceSpec
from connectors.registry import ENTRY_POINT_GROUP, connectors, service_for, services
from tests.live.conftest import NOW, make_live


class PosService:
    key = "pos_cloud"
    label = "POS cloud"
    domain = "sales"
    incremental = True
    fields = ()

    def fetch(self, request):
        yield Page([Record("A1", {"id": "A1", "at": "2026-11-24 10:00:00", "amount": "120.5"})])

    def frame(self, spec, records):
        frame = pd.DataFrame({"order_id": [r["id"] for r in records], "ordered_at": pd.to_datetime(
            [r["at"] for r in records]), "amount": [float(r["amount"]) for r in records], "_row": range(1, 1 + len(
                records))})
        return SourceFrame(frame, self.key, True)


class FakeEntryPoint:
    name = "pos"

    def load(self):
        return PosService


@pytest.fixture
def isolated(monkeypatch):
    connectors()
    monkeypatch.setattr(registry_module, "_registry", dict(registry_module._registry))
    monkeypatch.setattr(registry_module, "_services", dict(registry_module._services))
    monkeypatch.setattr(registry_module, "_state", dict(registry_module._state))
    real = metadata.entry_points

    def entry_points(**selection):  # only our group: a library loading its own plug-ins meanwhile gets the real ones
        return [FakeEntryPoint()] if selection.get("group") == ENTRY_POINT_GROUP else real(**selection)

    monkeypatch.setattr(metadata, "entry_points", entry_points)


def test_plugin_service_is_found_by_kind_and_fetched(isolated, store, sleeps):
    assert isinstance(PosService(), ServiceConnector)
    assert "pos_cloud" in services(refresh=True)
    assert "pos_cloud" not in connectors()  # not a file format
    spec = SourceSpec(name="POS", domain="sales", path="", kind="pos_cloud", service={"url": "https://pos.example"})
    live = make_live(store, sleeps, {})
    assert live.fetch(spec, now=NOW).ok
    assert live.load(spec)[0].frame["amount"].tolist() == [120.5]


def test_unknown_kind_and_wrong_domain_are_sentences():
    with pytest.raises(SourceReadError, match=r"unknown source kind 'tally_xml'; valid kinds: file, .*shopify"):
        service_for(SourceSpec(name="T", domain="sales", path="", kind="tally_xml"))
    with pytest.raises(SourceReadError, match="kind 'shopify' gives sales, but this source is leads"):
        service_for(SourceSpec(name="T", domain="leads", path="", kind="shopify"))

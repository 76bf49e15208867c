"""Google Sheets links through a real server on 127.0.0.1: published CSV, not shared, recognition, snapshot."""

from __future__ import annotations

import importlib.util
import json

import pytest

from connectors.base import SourceSpec
from connectors.google_sheets import csv_link
from tests.live.conftest import NOW, ZONE, make_live
from tests.live.servers import SheetsServer

LEADS = "Date,Source,Name\n24/11/2026,IndiaMART,Asha\n24/11/2026,Website,Ravi\n23/11/2026,IndiaMART,Mehul\n"


def sheet_spec(server: SheetsServer, path: str = "/spreadsheets/d/e/2PACX-abc/pub?gid=0&output=csv") -> SourceSpec:
    return SourceSpec(name="Leads sheet", domain="leads", path="", kind="google_sheets",
                      service={"url": server.url + path, "timezone": ZONE, "backfill_days": 60},
                      options={"date_format": "%d/%m/%Y"})


@pytest.fixture
def sheet():
    server = SheetsServer(LEADS)
    yield server
    server.close()


def test_published_csv_goes_through_the_file_recognition(sheet, store, sleeps):
    live = make_live(store, sleeps, {})
    result = live.fetch(sheet_spec(sheet), now=NOW)
    assert result.ok, result.message
    assert sheet.seen[0].query == {"gid": ["0"], "output": ["csv"]}
    frame, fresh = live.load(sheet_spec(sheet))
    assert frame.connector == "csv"
    assert list(frame.frame["source"]) == ["IndiaMART", "Website", "IndiaMART"]
    assert str(frame.frame["received_at"].iloc[0]) == "2026-11-24 00:00:00"
    assert fresh.as_of == NOW


def test_each_fetch_is_a_snapshot(sheet, store, sleeps):
    live = make_live(store, sleeps, {})
    live.fetch(sheet_spec(sheet), now=NOW)
    sheet.csv_text = "Date,Source\n24/11/2026,Walk-in\n"
    live.fetch(sheet_spec(sheet), now=NOW)
    assert list(live.load(sheet_spec(sheet))[0].frame["source"]) == ["Walk-in"]


def test_a_sheet_that_is_not_shared_is_one_sentence(sheet, store, sleeps):
    live = make_live(store, sleeps, {})
    live.fetch(sheet_spec(sheet), now=NOW)
    sheet.published = False
    result = live.fetch(sheet_spec(sheet), now=NOW)
    assert not result.ok
    assert result.message.startswith("the sheet is not shared or published")
    assert len(live.load(sheet_spec(sheet))[0].frame) == 3  # the last good snapshot is kept


def test_unknown_link_and_unreadable_columns(sheet, store, sleeps):
    live = make_live(store, sleeps, {})
    result = live.fetch(sheet_spec(sheet, "/nothing-here"), now=NOW)
    assert not result.ok and "not shared or published" in result.message
    sheet.csv_text = "Colour,Size\nred,XL\n"
    assert live.fetch(sheet_spec(sheet), now=NOW).ok
    with pytest.raises(Exception, match="Leads sheet"):
        live.load(sheet_spec(sheet))


@pytest.mark.parametrize(("pasted", "expected"), [
    ("https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=42",
     "https://docs.google.com/spreadsheets/d/1AbC_d-9/export?format=csv&gid=42"),
    ("https://docs.google.com/spreadsheets/d/1AbC/edit?usp=sharing",
     "https://docs.google.com/spreadsheets/d/1AbC/export?format=csv"),
    ("https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pubhtml?gid=7",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pub?output=csv&gid=7"),
    ("https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pub?gid=0&single=true&output=csv",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pub?gid=0&single=true&output=csv"),
    ("docs.google.com/spreadsheets/d/1AbC/export?format=csv&gid=3",
     "https://docs.google.com/spreadsheets/d/1AbC/export?format=csv&gid=3"),
])
def test_links_owners_paste_become_csv_links(pasted, expected):
    assert csv_link(pasted) == expected


def test_private_sheet_without_the_optional_part_says_how(sheet, store, sleeps, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "gspread", None)  # as in the installer, which leaves it out
    account = json.dumps({"client_email": "bot@project.iam.gserviceaccount.com", "private_key": "x"})
    result = make_live(store, sleeps, {"service_account_json": account}).fetch(sheet_spec(sheet), now=NOW)
    assert not result.ok and "business-orchestrator[sheets]" in result.message and not sheet.seen


def _account(server_url: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "shop", "private_key_id": "k1", "private_key": pem,
            "client_email": "reports@shop.iam.gserviceaccount.com", "client_id": "1",
            "token_uri": f"{server_url}/token"}
    return json.dumps(info), key.public_key()


@pytest.fixture
def google():
    from tests.live.servers import GoogleApiServer

    server = GoogleApiServer([["Order", "Date", "Amount"], ["A-1", "24/11/2026", "1,200"],
                              ["A-2", "24/11/2026", "800"]], None)
    yield server
    server.close()


@pytest.mark.skipif(importlib.util.find_spec("gspread") is None, reason="the optional [sheets] part is not installed")
def test_private_sheet_through_gspread_and_a_service_account(google, store, sleeps):
    account, public_key = _account(google.url)
    google.public_key = public_key
    spec = SourceSpec(name="Private sheet", domain="sales", path="", kind="google_sheets",
                      service={"url": "https://docs.google.com/spreadsheets/d/1PrivateKey/edit#gid=0",
                               "google_api_base": google.url, "timezone": ZONE},
                      columns={"order_id": "Order", "date": "Date", "amount": "Amount"},
                      options={"date_format": "%d/%m/%Y"})
    live = make_live(store, sleeps, {"service_account_json": account})
    result = live.fetch(spec, now=NOW)
    assert result.ok, result.message
    assert google.scopes == ["https://www.googleapis.com/auth/spreadsheets.readonly"]
    paths = [s.path for s in google.seen]
    assert paths[0] == "/token" and "/v4/spreadsheets/1PrivateKey" in paths
    assert paths[-1] == "/v4/spreadsheets/1PrivateKey/values/%27Sheet1%27"
    assert google.seen[1].headers["user-agent"] == "BusinessOrchestrator/test"
    frame = live.load(spec)[0].frame
    assert frame["amount"].tolist() == [1200.0, 800.0]
    google.shared = False
    result = live.fetch(spec, now=NOW)
    assert not result.ok and "share the sheet with reports@shop.iam.gserviceaccount.com" in result.message
    other, _ = _account(google.url)  # a key Google does not know
    result = make_live(store, sleeps, {"service_account_json": other}).fetch(spec, now=NOW)
    assert not result.ok and "Google refused the service-account key" in result.message

"""Tally's XML gateway, served by a local HTTP server on 127.0.0.1 answering as TallyPrime does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from connectors import read_source
from connectors.base import SourceSpec
from connectors.tally import classify_type, clean_xml, parse_vouchers, tally_request
from desktop_app.pipeline import build_report, read_sources
from desktop_app.settings import Settings
from tests.live.conftest import IST, ZONE, Sleeps, make_live
from tests.live.tally_server import TallyServer, Voucher

CUBIX = Path(__file__).parents[1] / "connectors" / "data" / "tally" / "cubix_day_book_2022-05-09.xlsx"
COMPANY = "Cubix Automation Pvt.Ltd"
DAY = dt.date(2022, 5, 9)
EVENING = dt.datetime(2022, 5, 9, 18, 0, tzinfo=IST)


def cubix_vouchers() -> list[Voucher]:
    """Every voucher of the real Day Book export, as Tally holds them (party amount and its side)."""
    sheet = openpyxl.load_workbook(CUBIX, read_only=True, data_only=True).worksheets[0]
    vouchers = []
    for row in sheet.iter_rows(min_row=9, values_only=True):
        date, party, kind, number, debit, credit = row[0], row[1], row[6], row[7], row[8], row[9]
        if not kind:
            continue
        side = "Dr" if debit else "Cr"
        parent = {"sale": "Sales", "return": "Credit Note"}.get(classify_type(kind), kind)
        vouchers.append(Voucher(date.date(), kind, str(number), str(party), float(debit or credit or 0), side,
                                parent=parent))
    return vouchers


def tally_spec(url: str, **service: object) -> SourceSpec:
    return SourceSpec(name="Tally", domain="sales", path="", kind="tally",
                      service={"url": url, "backfill_days": 60, "overlap_days": 3, "timezone": ZONE,
                               "company": COMPANY, **service})


def live(store):
    return make_live(store, Sleeps(), {})


@pytest.fixture
def tally():
    vouchers = cubix_vouchers()
    # Things the Day Book export does not show but the gateway sends: an optional voucher (not in the books)
    # and a sales voucher whose party name carries Tally's control character.
    vouchers.append(Voucher(DAY, "Sales", "22-23/OPT1", "Trial Customer", 50000.0, optional=True))
    server = TallyServer(vouchers)
    yield server
    server.close()


def test_live_route_equals_the_excel_export_of_the_same_vouchers(tally, store):
    settings = Settings()
    sources = live(store)
    result = sources.fetch(tally_spec(tally.url), now=EVENING)
    assert result.ok, result.message
    assert result.pages == 9  # 60 days back + today, a week per request
    sources.fetch_on_read = False
    from_live = read_sources(settings, [tally_spec(tally.url)], DAY, live=sources)
    from_file = read_sources(settings, [SourceSpec(name="Tally", domain="sales", path=str(CUBIX))], DAY)
    assert from_live.statuses[0].status == "ok", from_live.statuses[0].message
    live_report, file_report = build_report(settings, from_live, DAY, {}), build_report(settings, from_file, DAY, {})
    assert live_report.sales == file_report.sales
    assert live_report.sales.total == 665310.65  # the hand sum of tests/connectors/test_tally.py
    assert "invoice value, GST included" in (live_report.sources[0].message or "")
    live_rows = from_live.domains["sales"].frame[["order_id", "ordered_at", "amount", "status", "channel"]]
    file_rows = from_file.domains["sales"].frame[["order_id", "ordered_at", "amount", "status", "channel"]]
    key = ["order_id"]
    assert live_rows.sort_values(key).reset_index(drop=True).equals(file_rows.sort_values(key).reset_index(drop=True))
    frame, _fresh = sources.load(tally_spec(tally.url))
    assert any("1 optional voucher(s) left out" in note for note in frame.notes)


def test_requests_name_the_window_and_the_company(tally, store):
    assert live(store).fetch(tally_spec(tally.url), now=EVENING).ok
    bodies = [seen.body.decode() for seen in tally.seen]
    assert all(f"<SVCURRENTCOMPANY>{COMPANY}</SVCURRENTCOMPANY>" in body for body in bodies)
    assert '<SVFROMDATE TYPE="Date">20220503</SVFROMDATE>' in bodies[0]  # newest week first
    assert '<SVTODATE TYPE="Date">20220509</SVTODATE>' in bodies[0]
    assert '<SVFROMDATE TYPE="Date">20220310</SVFROMDATE>' in bodies[-1]  # 60 days before 9 May
    assert all(seen.method == "POST" and seen.headers["content-type"].startswith("text/xml") for seen in tally.seen)


def test_utf16_answers_and_control_characters(store):
    vouchers = [Voucher(DAY, "GST Sales", "1", "Shree\x04 Traders", 1180.0, parent="Sales",
                        taxes={"Output CGST 9%": 90.0, "Output SGST 9%": 90.0}),
                Voucher(DAY, "Credit Note", "CN-1", "Shree\x04 Traders", 236.0, side="Cr"),
                Voucher(DAY, "Sales", "2", "Cash", 0.0, cancelled=True),
                Voucher(DAY, "Receipt", "R-1", "Shree\x04 Traders", 5000.0, side="Cr"),
                Voucher(DAY, "Sales Order", "SO-9", "Mehta", 9999.0)]
    server = TallyServer(vouchers, encoding="utf-16")
    try:
        spec = tally_spec(server.url)
        sources = live(store)
        assert sources.fetch(spec, now=EVENING).ok
        frame, _ = sources.load(spec)
        counted = frame.frame[frame.frame["status"] != "cancelled"]
        assert sorted(counted["amount"]) == [-236.0, 1180.0]
        assert frame.frame[frame.frame["status"] == "cancelled"]["order_id"].tolist() == ["Sales 2"]
        taxable, _ = sources.load(
            SourceSpec(**{**spec.__dict__, "options": {"gst": "taxable"}}))
        assert sorted(taxable.frame[taxable.frame["status"] != "cancelled"]["amount"]) == [-236.0, 1000.0]
    finally:
        server.close()


def test_live_knows_custom_sales_types_by_their_parent_in_tally(store):
    vouchers = [Voucher(DAY, "Counter Bill", "CB-1", "Walk-in", 590.0, parent="Sales"),
                Voucher(DAY, "Sales", "7", "Mehta", 1000.0),
                Voucher(DAY, "Party Order", "PO-3", "Mehta", 5000.0, parent="Sales Order"),
                Voucher(DAY, "Return Memo", "RM-1", "Walk-in", 90.0, side="Cr", parent="Credit Note")]
    server = TallyServer(vouchers)
    try:
        spec = tally_spec(server.url)
        sources = live(store)
        assert sources.fetch(spec, now=EVENING).ok
        frame, _ = sources.load(spec)
        assert sorted(frame.frame["amount"]) == [-90.0, 590.0, 1000.0]  # the name alone would miss both
        own_list = SourceSpec(**{**spec.__dict__, "options": {"sales_voucher_types": ["Sales"]}})
        listed, _ = sources.load(own_list)
        assert listed.frame["amount"].tolist() == [1000.0]  # the owner's own list replaces Tally's parents
    finally:
        server.close()
    assert "<COMPUTE>BOParent : $Parent:VoucherType:$VoucherTypeName</COMPUTE>" in server.seen[0].body.decode()


def test_no_company_open_is_a_sentence_naming_it(store):
    server = TallyServer(cubix_vouchers(), company=None)
    try:
        result = live(store).fetch(tally_spec(server.url), now=EVENING)
    finally:
        server.close()
    assert not result.ok
    assert result.message.startswith(f"Tally is running but no company is open: open {COMPANY} in Tally")


def test_an_empty_answer_means_no_company_open(store):
    server = TallyServer(cubix_vouchers(), company="Another Company", empty_when_closed=True)
    try:
        result = live(store).fetch(tally_spec(server.url), now=EVENING)
    finally:
        server.close()
    assert not result.ok and f"open {COMPANY} in Tally" in result.message


def test_refused_connection_says_how_to_turn_the_gateway_on(store):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = live(store).fetch(tally_spec(f"http://127.0.0.1:{port}"), now=EVENING)
    assert not result.ok
    assert "Tally is not running, or its HTTP server is off" in result.message
    assert "Gateway of Tally → F1 Help → Settings → Connectivity" in result.message


def test_lan_address_over_plain_http_is_allowed_for_tally_only():
    from connectors.base import ServiceError
    from connectors.http import check_url

    assert check_url("Tally", "http://192.168.1.20:9000", lan_http=True).host == "192.168.1.20"
    assert check_url("Tally", "http://ACCOUNTS-PC:9000", lan_http=True).host == "accounts-pc"
    with pytest.raises(ServiceError):
        check_url("Shop", "http://192.168.1.20:9000")
    with pytest.raises(ServiceError):
        check_url("Tally", "http://tally.example.com:9000", lan_http=True)


def test_clean_xml_drops_what_strict_parsers_refuse():
    text = "<A><B>x&#4;y\x01z&#x1F;&#10;&amp;&#233;</B></A>"
    assert clean_xml(text) == "<A><B>xyz&#10;&amp;&#233;</B></A>"
    assert parse_vouchers("Tally", "<ENVELOPE><BODY><DATA><COLLECTION></COLLECTION></DATA></BODY></ENVELOPE>") == []
    assert "<SVFROMDATE" in tally_request(DAY, DAY, "A & B") and "A &amp; B" in tally_request(DAY, DAY, "A & B")


def test_tally_live_and_export_rows_after_a_real_file_read():
    """The export route is what the owner can check by eye: the same 31 vouchers as above."""
    assert len(read_source(SourceSpec("Tally", "sales", str(CUBIX))).frame) == 31

"""IndiaMART Lead Manager CRM API v2 against a local server that enforces IndiaMART's own rules."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from connectors.base import SourceSpec
from connectors.http import HttpClient
from desktop_app.live import LiveSources
from desktop_app.pipeline import build_report, read_sources
from desktop_app.settings import Settings
from tests.live.conftest import ZONE
from tests.live.indiamart_server import IST, Clock, IndiaMARTServer, lead

NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=IST)  # Tuesday evening in Ahmedabad
DAY = NOW.date()
KINDS = ["W", "B", "P", "BIZ", "WA", "B", "W"]


def sixty_days_of_leads() -> list[dict]:
    """Three leads a day for 61 days (the backfill's first midnight to now), one of them after 23:00 IST."""
    leads, number = [], 0
    for back in range(61):
        day = (NOW - dt.timedelta(days=back)).date()
        for hour in (10, 15, 23):
            when = dt.datetime.combine(day, dt.time(hour, 30), IST)
            if when <= NOW:
                number += 1
                leads.append(lead(number, when, KINDS[number % len(KINDS)]))
    return leads


def api_spec(url: str, **service: object) -> SourceSpec:
    return SourceSpec(name="IndiaMART", domain="leads", path="", kind="indiamart",
                      service={"url": f"{url}/wservce/crm/crmListing/v2/", "backfill_days": 60, "overlap_days": 3,
                               "timezone": ZONE, **service})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock):
    running = IndiaMARTServer(sixty_days_of_leads(), clock)
    yield running
    running.close()


def live(store, clock: Clock, key: str = IndiaMARTServer.KEY) -> LiveSources:
    def client() -> HttpClient:
        return HttpClient(user_agent="BusinessOrchestrator/test", timeout_s=2.0, retries=1, backoff_s=0.01,
                          sleep=clock)

    return LiveSources(store, client=client, secrets=lambda source, name: key if name == "crm_key" else None)


def test_sixty_day_backfill_stays_within_the_rate_limits(server, clock, store):
    result = live(store, clock).fetch(api_spec(server.url), now=NOW)
    assert result.ok, result.message
    # 60 days back from midnight + today = 60 days 18 hours: nine 7-day windows, one call each
    assert len(server.calls) == result.pages == 9
    assert all(end - start <= dt.timedelta(days=7) for start, end in server.calls)
    assert server.rate_limited == 0  # the server's own 5-minute rule was never broken
    assert clock.seconds == 8 * 300  # 40 minutes of waiting, simulated: the test does not wait
    assert store.count("IndiaMART") == len(server.leads) == 182
    assert server.calls[0][1] == dt.datetime(2026, 11, 24, 17, 59, 59, tzinfo=IST)  # newest window first


def test_leads_counted_once_per_query_id_with_their_source(server, clock, store):
    sources = live(store, clock)
    assert sources.fetch(api_spec(server.url), now=NOW).ok
    # 20 minutes later: the overlap re-reads three days; nothing is counted twice
    later = NOW + dt.timedelta(minutes=20)
    server.leads.append(lead(999, later - dt.timedelta(minutes=5), "B"))
    again = sources.fetch(api_spec(server.url), now=later)
    assert again.ok and again.records > 1
    assert store.count("IndiaMART") == 183
    sources.fetch_on_read = False
    data = read_sources(Settings(), [api_spec(server.url)], DAY, live=sources)
    report = build_report(Settings(), data, DAY, {})
    assert report.leads.count == 3  # 10:30, 15:30 and the new buy-lead at 18:15 (23:30 has not come yet)
    assert set(report.leads.by_source) <= {"IndiaMART · Direct enquiry", "IndiaMART · Buy-lead",
                                           "IndiaMART · Phone call", "IndiaMART · Catalogue view",
                                           "IndiaMART · WhatsApp"}
    assert report.leads.by_source.get("IndiaMART · Buy-lead", 0) >= 1


def test_query_time_is_india_time_without_an_offset(server, clock, store):
    sources = live(store, clock)
    assert sources.fetch(api_spec(server.url), now=NOW).ok
    frame, _ = sources.load(api_spec(server.url))
    late = frame.frame[frame.frame["received_at"].dt.hour == 23]
    assert not late.empty and (late["received_at"].dt.minute == 30).all()  # 23:30 IST stays on its own day
    dubai, _ = sources.load(api_spec(server.url, timezone="Asia/Dubai"))
    assert (dubai.frame["received_at"].dt.hour == 22).sum() == len(late)  # 23:30 IST = 22:00 in Dubai


def test_no_poll_within_fifteen_minutes_whatever_the_schedule(server, clock, store):
    sources = live(store, clock)
    assert sources.fetch(api_spec(server.url), now=NOW).ok
    calls = len(server.seen)
    soon = sources.fetch(api_spec(server.url), now=NOW + dt.timedelta(minutes=10))
    assert soon.ok and "allows one fetch every 15 minutes" in soon.message
    assert len(server.seen) == calls  # no request at all
    assert store.count("IndiaMART") == 182  # what was fetched is kept


def test_code_429_waits_five_minutes_then_goes_on(server, clock, store):
    server.forced = [429]
    result = live(store, clock).fetch(api_spec(server.url), now=NOW)
    assert result.ok, result.message
    assert server.rate_limited == 1 and clock.seconds == 300 + 8 * 300


def test_repeated_429_is_a_sentence_and_keeps_the_store(server, clock, store):
    sources = live(store, clock)
    assert sources.fetch(api_spec(server.url), now=NOW).ok
    server.forced = [429, 429]
    result = sources.fetch(api_spec(server.url), now=NOW + dt.timedelta(hours=1))
    assert not result.ok and result.status == 429
    assert "used too often" in result.message and "5 minutes" in result.message
    assert store.count("IndiaMART") == 182


def test_code_204_is_no_leads_not_an_error(clock, store):
    empty = IndiaMARTServer([], clock)
    try:
        result = live(store, clock).fetch(api_spec(empty.url), now=NOW)
    finally:
        empty.close()
    assert result.ok and result.records == 0


def test_code_401_says_a_new_key_stops_the_old_one(server, clock, store):
    result = live(store, clock, key="an-old-key").fetch(api_spec(server.url), now=NOW)
    assert not result.ok and result.status == 401
    assert "Generating a new key in Lead Manager stops the old one" in result.message


def test_missing_key_says_where_to_enter_it(server, clock, store):
    result = live(store, clock, key="").fetch(api_spec(server.url), now=NOW)
    assert not result.ok and "no IndiaMART CRM key is stored" in result.message


def test_windows_never_reach_further_back_than_365_days(server, clock, store):
    result = live(store, clock).fetch(api_spec(server.url, backfill_days=400), now=NOW)
    assert result.ok
    assert min(start for start, _ in server.calls) >= NOW - dt.timedelta(days=365)


def test_contact_details_never_reach_logs_messages_or_the_report(server, clock, store, caplog):
    caplog.set_level(logging.DEBUG)
    sources = live(store, clock)
    assert sources.fetch(api_spec(server.url), now=NOW).ok
    server.forced = [429, 429]
    failed = sources.fetch(api_spec(server.url), now=NOW + dt.timedelta(hours=1))
    sources.fetch_on_read = False
    report = build_report(Settings(), read_sources(Settings(), [api_spec(server.url)], DAY, live=sources), DAY, {})
    said = " ".join([caplog.text, failed.message, *report.warnings, str(report.to_dict())])
    for item in server.leads[:20]:
        for field in ("SENDER_NAME", "SENDER_MOBILE", "SENDER_EMAIL", "SENDER_ADDRESS", "SENDER_COMPANY"):
            assert item[field] not in said
    assert IndiaMARTServer.KEY not in said


def test_a_check_never_waits_on_429(server, clock, store):
    server.forced = [429]
    result = live(store, clock).fetch(api_spec(server.url), now=NOW, max_pages=1)
    assert not result.ok and result.status == 429 and clock.seconds == 0

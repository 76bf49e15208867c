"""WooCommerce REST API v3 through a real server on 127.0.0.1: paging headers, auth, failures, semantics."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.live.conftest import NOW, ist, make_live, service_spec
from tests.live.servers import WooCommerceServer, woo_order

SECRETS = {"consumer_key": WooCommerceServer.KEY, "consumer_secret": WooCommerceServer.SECRET}


@pytest.fixture
def site():
    server = WooCommerceServer()
    yield server
    server.close()


def spec_for(server):
    return service_spec("woocommerce", server.url, name="Woo")


def test_pages_by_total_pages_header_with_gmt_dates(site, store, sleeps):
    site.orders = [woo_order(i, ist(1 + i % 23, 10), 50.0) for i in range(250)]
    live = make_live(store, sleeps, SECRETS)
    totals = []
    result = live.fetch(spec_for(site), now=NOW, progress=lambda pages, total, records: totals.append(total))
    assert result.ok, result.message
    assert (result.records, result.pages, totals) == (250, 3, [3, 3, 3])
    query = site.seen[0].query
    assert query["per_page"] == ["100"] and query["dates_are_gmt"] == ["true"] and query["page"] == ["1"]
    assert query["modified_after"] == ["2026-09-24T18:30:00"]
    assert [s.query["page"] for s in site.seen] == [["1"], ["2"], ["3"]]
    assert site.seen[0].headers["authorization"].startswith("Basic ")
    assert "consumer_key" not in str(site.seen[0].query)  # the key travels in the header, never in the URL


def test_statuses_refunds_and_local_dates(site, store, sleeps):
    site.orders = [
        woo_order(1, ist(24, 10), 1000.0),
        woo_order(2, ist(24, 11), 500.0, status="cancelled"),
        woo_order(3, ist(24, 12), 300.0, status="failed"),
        woo_order(4, ist(24, 13), 200.0, status="trash"),
        woo_order(5, ist(24, 14), 800.0, refunds=[100.0, 50.0]),
        woo_order(6, ist(24, 23, 45), 400.0, status="refunded", refunds=[400.0]),
    ]
    live = make_live(store, sleeps, SECRETS)
    assert live.fetch(spec_for(site), now=NOW).ok
    frame = live.load(spec_for(site))[0].frame.set_index("order_id")
    assert frame.loc["702", "status"] == "cancelled" and frame.loc["703", "status"] == "failed"
    assert frame.loc["704", "status"] == "cancelled"  # trash
    assert frame.loc["705", "amount"] == pytest.approx(650.0)
    assert frame.loc["706", "amount"] == pytest.approx(0.0)
    assert str(frame.loc["706", "ordered_at"]) == "2026-11-24 23:45:00"  # GMT without Z -> Ahmedabad time


def test_refund_later_updates_the_order_and_its_day(site, store, sleeps):
    site.orders = [woo_order(1, ist(20, 10), 1000.0), woo_order(2, ist(20, 11), 200.0)]
    live = make_live(store, sleeps, SECRETS)
    live.fetch(spec_for(site), now=ist(20, 20))
    site.orders[0] = woo_order(1, ist(20, 10), 1000.0, status="refunded", refunds=[1000.0], modified=ist(22, 9))
    assert live.fetch(spec_for(site), now=ist(22, 20)).ok
    assert site.seen[-1].query["modified_after"] == ["2026-11-17T14:30:00"]
    frame = live.load(spec_for(site))[0].frame
    assert store.count("Woo") == 2
    assert frame.loc[frame["ordered_at"].dt.date == dt.date(2026, 11, 20), "amount"].sum() == pytest.approx(200.0)


def test_429_and_503_from_shared_hosts_are_retried_with_backoff(site, store, sleeps):
    site.orders = [woo_order(1, ist(24, 10), 10.0)]
    site.failures = ["429", "503"]
    result = make_live(store, sleeps, SECRETS, retries=3).fetch(spec_for(site), now=NOW)
    assert result.ok and len(site.seen) == 3 and len(sleeps) == 2


@pytest.mark.parametrize(("failure", "words"), [
    ("401", "refused the consumer key and secret (HTTP 401: Invalid signature"),
    ("403", "may not list orders (HTTP 403"),
    ("404", "no WooCommerce REST API at this address (HTTP 404)"),
    ("500", "HTTP 500 (There has been a critical error"),
    ("html", "web page instead of data"),
    ("malformed", "not JSON"),
])
def test_failures_are_sentences_and_leave_the_store(site, store, sleeps, failure, words):
    site.orders = [woo_order(1, ist(20, 10), 10.0)]
    live = make_live(store, sleeps, SECRETS, retries=0)
    assert live.fetch(spec_for(site), now=ist(20, 18)).ok
    before = store.records("Woo")
    site.failures = [failure]
    result = live.fetch(spec_for(site), now=ist(24, 18))
    assert not result.ok and words in result.message, result.message
    assert store.records("Woo") == before


def test_wrong_key_against_the_real_check(site, store, sleeps):
    result = make_live(store, sleeps, {"consumer_key": "ck_wrong", "consumer_secret": "cs_wrong"}).fetch(
        spec_for(site), now=NOW)
    assert not result.ok and "woocommerce" in result.message.lower() and "HTTP 401" in result.message


def test_empty_window_and_a_timeout(site, store, sleeps):
    live = make_live(store, sleeps, SECRETS, timeout_s=0.3, retries=0)
    assert live.fetch(spec_for(site), now=NOW).ok
    assert live.load(spec_for(site))[0].frame.empty
    site.failures, site.hang_s = ["hang"], 1.0
    result = live.fetch(spec_for(site), now=NOW)
    assert not result.ok and "did not answer within 0.3 s" in result.message


def test_an_order_without_a_total_names_itself(site, store, sleeps):
    broken = woo_order(2, ist(24, 11), 10.0)
    del broken["total"]
    site.orders = [woo_order(1, ist(24, 10), 10.0), broken]
    live = make_live(store, sleeps, SECRETS)
    assert live.fetch(spec_for(site), now=NOW).ok
    issues = live.load(spec_for(site))[0].issues
    assert [(i.row, i.column) for i in issues] == [(2, "total")]
    assert "record 702 came without total" in str(issues[0])

"""Shopify's GraphQL Admin API through a real server on 127.0.0.1: paging, throttling, failures, the store."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from tests.live.conftest import NOW, ist, make_live, service_spec
from tests.live.servers import ShopifyServer, shopify_order

SECRETS = {"access_token": ShopifyServer.TOKEN}


@pytest.fixture
def shop():
    server = ShopifyServer()
    yield server
    server.close()


def spec_for(server: ShopifyServer, **extra: object):
    return service_spec("shopify", server.url, name="Shopify", **extra)


def test_backfill_pages_with_cursor_and_builds_sales_frame(shop, store, sleeps):
    shop.orders = [shopify_order(i, ist(1 + i % 23, 10), 100.0 + i) for i in range(600)]
    live = make_live(store, sleeps, SECRETS)
    seen = []
    result = live.fetch(spec_for(shop), now=NOW, progress=lambda pages, total, records: seen.append(records))
    assert result.ok, result.message
    assert (result.records, result.pages) == (600, 3)
    assert seen == [250, 500, 600]
    bodies = [json.loads(request.body) for request in shop.seen]
    assert [b["variables"]["first"] for b in bodies] == [250, 250, 250]
    assert bodies[0]["variables"]["after"] is None and bodies[1]["variables"]["after"]
    # The backfill starts at midnight in the business time zone, 60 days before the report day.
    assert bodies[0]["variables"]["query"] == "updated_at:>='2026-09-24T18:30:00Z'"
    assert shop.seen[0].headers["user-agent"] == "BusinessOrchestrator/test"
    assert shop.seen[0].path == "/admin/api/2026-10/graphql.json"
    make_live(store, sleeps, SECRETS).fetch(spec_for(shop, api_version="2027-01"), now=NOW, max_pages=1)
    assert shop.seen[-1].path == "/admin/api/2027-01/graphql.json"  # [sources.service] api_version
    frame, fresh = live.load(spec_for(shop))
    assert len(frame.frame) == 600 and store.count("Shopify") == 600
    assert fresh.as_of == NOW and fresh.error is None
    assert frame.frame["amount"].sum() == pytest.approx(sum(100.0 + i for i in range(600)))


def test_created_at_is_converted_to_the_business_day(shop, store, sleeps):
    # 23:30 in Ahmedabad on the 23rd is 18:00 UTC: the order belongs to the 23rd there.
    shop.orders = [shopify_order(1, ist(23, 23, 30), 500.0)]
    live = make_live(store, sleeps, SECRETS)
    assert live.fetch(spec_for(shop), now=NOW).ok
    frame, _ = live.load(spec_for(shop))
    assert str(frame.frame["ordered_at"].iloc[0]) == "2026-11-23 23:30:00"


def test_semantics_test_cancelled_refunded(shop, store, sleeps):
    shop.orders = [
        shopify_order(1, ist(24, 10), 1000.0),
        shopify_order(2, ist(24, 11), 800.0, test=True),
        shopify_order(3, ist(24, 12), 600.0, cancelled=ist(24, 13), status="VOIDED"),
        shopify_order(4, ist(24, 14), 400.0, refunded=150.0, status="PARTIALLY_REFUNDED"),
    ]
    live = make_live(store, sleeps, SECRETS)
    live.fetch(spec_for(shop), now=NOW)
    frame = live.load(spec_for(shop))[0].frame
    assert list(frame["order_id"]) == ["#1001", "#1003", "#1004"]  # the test order is not there
    rows = frame.set_index("order_id")
    assert rows.loc["#1003", "status"] == "cancelled"
    assert rows.loc["#1004", "amount"] == pytest.approx(250.0)
    assert rows.loc["#1004", "status"] == "partially_refunded"


def test_refund_two_days_later_updates_the_stored_order(shop, store, sleeps):
    shop.orders = [shopify_order(1, ist(20, 10), 1000.0), shopify_order(2, ist(20, 11), 500.0)]
    live = make_live(store, sleeps, SECRETS)
    assert live.fetch(spec_for(shop), now=ist(20, 20)).ok
    shop.orders[0] = shopify_order(1, ist(20, 10), 1000.0, refunded=1000.0, status="REFUNDED",
                                   updated=ist(22, 9))
    second = live.fetch(spec_for(shop), now=ist(22, 20))
    assert second.ok and second.records == 2  # both: the 20th is inside the 3-day overlap
    query = json.loads(shop.seen[-1].body)["variables"]["query"]
    assert query == "updated_at:>='2026-11-17T14:30:00Z'"  # the 20th 20:00 IST minus 3 days overlap
    frame = live.load(spec_for(shop))[0].frame
    assert store.count("Shopify") == 2
    day_total = frame.loc[frame["ordered_at"].dt.date == dt.date(2026, 11, 20), "amount"].sum()
    assert day_total == pytest.approx(500.0)


@pytest.mark.parametrize("kind", ["throttled", "429"])
def test_throttled_waits_for_the_restore_rate_then_goes_on(shop, store, sleeps, kind):
    shop.orders = [shopify_order(i, ist(24, 10), 10.0) for i in range(3)]
    shop.failures = [kind, kind]
    live = make_live(store, sleeps, SECRETS)
    result = live.fetch(spec_for(shop), now=NOW)
    assert result.ok, result.message
    assert result.records == 3
    # (requested 752 - available 10) / restore 100 per second
    assert sleeps == [pytest.approx(7.42), pytest.approx(7.42)]


@pytest.mark.parametrize(("failure", "words"), [
    ("401", "refused the access token (HTTP 401)"),
    ("403", "may not read orders (HTTP 403)"),
    ("404", "no Shopify shop at"),
    ("500", "HTTP 500"),
    ("html", "web page instead of data"),
    ("malformed", "not JSON"),
])
def test_failures_are_sentences_and_leave_the_store_as_it_was(shop, store, sleeps, failure, words):
    shop.orders = [shopify_order(1, ist(20, 10), 1000.0)]
    live = make_live(store, sleeps, SECRETS, retries=0)
    assert live.fetch(spec_for(shop), now=ist(20, 18)).ok
    before = store.records("Shopify")
    shop.orders = [shopify_order(1, ist(20, 10), 1000.0, refunded=1000.0, updated=ist(21, 9))]
    shop.failures = [failure] * 5
    result = live.fetch(spec_for(shop), now=ist(24, 18))
    assert not result.ok
    assert words in result.message
    assert store.records("Shopify") == before
    _frame, fresh = live.load(spec_for(shop))
    assert fresh.as_of == ist(20, 18) and fresh.failed_at == ist(24, 18)
    note = fresh.note("Shopify", ist(24).tzinfo)
    assert note.startswith("Shopify: the fetch at 18:00 failed: ") and note.endswith("numbers as of 2026-11-20 18:00")


def test_retries_503_with_backoff_then_succeeds(shop, store, sleeps):
    shop.orders = [shopify_order(1, ist(24, 10), 10.0)]
    shop.failures = ["503", "503"]
    result = make_live(store, sleeps, SECRETS, retries=3).fetch(spec_for(shop), now=NOW)
    assert result.ok and len(shop.seen) == 3
    assert sleeps == [pytest.approx(0.01), pytest.approx(0.02)]


def test_timeout_is_a_sentence(shop, store, sleeps):
    shop.failures = ["hang"]
    shop.hang_s = 1.5
    result = make_live(store, sleeps, SECRETS, timeout_s=0.3, retries=0).fetch(spec_for(shop), now=NOW)
    assert not result.ok and "did not answer within 0.3 s" in result.message


def test_missing_token_and_empty_window(shop, store, sleeps):
    result = make_live(store, sleeps, {}).fetch(spec_for(shop), now=NOW)
    assert not result.ok and "no Shopify access token" in result.message and not shop.seen
    live = make_live(store, sleeps, SECRETS)
    assert live.fetch(spec_for(shop), now=NOW).ok  # a shop with no orders in the window
    frame, fresh = live.load(spec_for(shop))
    assert frame.frame.empty and fresh.records == 0


def test_record_with_a_missing_field_names_its_row(shop, store, sleeps):
    broken = shopify_order(2, ist(24, 11), 10.0)
    del broken["totalPriceSet"]
    shop.orders = [shopify_order(1, ist(24, 10), 10.0), broken]
    live = make_live(store, sleeps, SECRETS)
    live.fetch(spec_for(shop), now=NOW)
    frame = live.load(spec_for(shop))[0]
    assert [issue.row for issue in frame.issues] == [2]
    assert "Total" in str(frame.issues[0])


def test_plain_http_is_refused_except_for_this_computer(store, sleeps):
    spec = service_spec("shopify", "http://shop.example.com", name="Shopify")
    result = make_live(store, sleeps, SECRETS).fetch(spec, now=NOW)
    assert not result.ok and "must be reached over HTTPS" in result.message


def test_two_fetches_at_once_do_not_duplicate(shop, store, sleeps):
    shop.orders = [shopify_order(i, ist(24, 10), 10.0) for i in range(300)]
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        make_live(store, sleeps, SECRETS).fetch(spec_for(shop), now=NOW))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.ok for r in results)
    assert store.count("Shopify") == 300


def test_another_shop_replaces_the_old_shops_records(shop, store, sleeps):
    shop.orders = [shopify_order(1, ist(24, 10), 10.0)]
    live = make_live(store, sleeps, SECRETS)
    live.fetch(spec_for(shop), now=NOW)
    other = ShopifyServer([shopify_order(9, ist(24, 10), 99.0)])
    try:
        moved = service_spec("shopify", other.url, name="Shopify")
        with pytest.raises(Exception, match="has not been fetched yet"):
            live.load(moved)
        assert live.fetch(moved, now=NOW).ok
        assert list(live.load(moved)[0].frame["order_id"]) == ["#1009"]
    finally:
        other.close()

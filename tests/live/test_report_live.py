"""A live source in the report: same numbers as the CSV export, freshness sentences, fallback, stale."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.base import SourceSpec
from desktop_app.paths import app_paths
from desktop_app.pipeline import build_report, read_sources, run_report
from desktop_app.secrets import set_source_secret
from desktop_app.settings import Settings, SourceSettings
from tests.live.conftest import IST, ist, make_live, service_spec
from tests.live.servers import ShopifyServer, shopify_order

DAY = dt.date(2026, 11, 24)
SECRETS = {"access_token": ShopifyServer.TOKEN}


def week_of_orders() -> list[dict]:
    """Eight days of orders with every case the semantics cover (refund later, cancelled, test, partial)."""
    orders, n = [], 0
    for day in range(17, 25):
        for hour in (9, 13, 18, 23):
            n += 1
            orders.append(shopify_order(n, ist(day, hour, 15), 250.0 * (hour % 5 + 1) + day))
    orders.append(shopify_order(90, ist(23, 11), 999.0, test=True))
    orders.append(shopify_order(91, ist(24, 11), 700.0, cancelled=ist(24, 12), status="VOIDED"))
    orders.append(shopify_order(92, ist(23, 16), 1200.0, refunded=200.0, status="PARTIALLY_REFUNDED",
                                updated=ist(24, 10)))
    orders.append(shopify_order(93, ist(24, 16), 400.0, refunded=400.0, status="REFUNDED", updated=ist(24, 17)))
    return orders


def export_csv(orders: list[dict], path) -> None:
    """The same orders as Shopify's Orders → Export CSV writes them (shop time zone = business time zone)."""
    import csv

    header = ["Name", "Email", "Financial Status", "Paid at", "Currency", "Total", "Refunded Amount", "Created at",
              "Cancelled at", "Source", "Lineitem quantity", "Lineitem name"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for order in orders:
            if order["test"]:
                continue  # test orders are not in the export
            created = dt.datetime.fromisoformat(order["createdAt"]).astimezone(IST)
            cancelled = order["cancelledAt"] and dt.datetime.fromisoformat(order["cancelledAt"]).astimezone(IST)
            writer.writerow([
                order["name"], "buyer@example.com", order["displayFinancialStatus"].lower(), "",
                order["totalPriceSet"]["shopMoney"]["currencyCode"], order["totalPriceSet"]["shopMoney"]["amount"],
                order["totalRefundedSet"]["shopMoney"]["amount"], created.strftime("%Y-%m-%d %H:%M:%S +0530"),
                cancelled.strftime("%Y-%m-%d %H:%M:%S +0530") if cancelled else "", order["sourceName"], "1",
                order["lineItems"]["nodes"][0]["name"],
            ])
        # A second line item of the first order: a continuation row, as the export writes it.
        writer.writerow([orders[0]["name"], "", "", "", "", "", "", "", "", "", "1", "Dupatta"])


@pytest.fixture
def shop():
    server = ShopifyServer(week_of_orders())
    yield server
    server.close()


def _kpis(report) -> dict:
    return {"sales": report.sales, "warnings": [w for w in report.warnings if "no leads" not in w
                                                and "no attendance" not in w]}


def test_api_report_equals_the_csv_export_report(shop, store, sleeps, tmp_path):
    settings = Settings()
    live = make_live(store, sleeps, SECRETS)
    # Fetch at a fixed moment (18:00 on the report day), then let the report read the store as it is.
    live.fetch(service_spec("shopify", shop.url), now=ist(24, 18))
    live.fetch_on_read = False
    api = read_sources(settings, [service_spec("shopify", shop.url)], DAY, live=live)
    export_csv(shop.orders, tmp_path / "orders_export.csv")
    csv_spec = SourceSpec(name="Shop", domain="sales", path=str(tmp_path / "orders_export.csv"))
    files = read_sources(settings, [csv_spec], DAY)
    assert api.statuses[0].status == "ok", api.statuses[0].message
    assert files.statuses[0].connector == "shopify" and api.statuses[0].connector == "shopify"
    from_api, from_csv = build_report(settings, api, DAY, {}), build_report(settings, files, DAY, {})
    assert from_api.sales == from_csv.sales
    assert from_api.sales.total > 0 and from_api.sales.prev_total > 0 and from_api.sales.week_ago_total is not None
    # 4 orders on the 24th + #1091 cancelled (out) + #1093 fully refunded (0, not an order)
    assert from_api.sales.orders == 4
    assert from_api.to_dict()["sources"][0]["kind"] == "shopify"
    assert from_api.to_dict()["sources"][0]["fetched_at"] == "2026-11-24T18:00:00+05:30"


def test_failed_fetch_falls_back_and_says_so(shop, store, sleeps):
    settings = Settings()
    live = make_live(store, sleeps, SECRETS, retries=0)
    spec = service_spec("shopify", shop.url, name="Shopify")
    assert live.fetch(spec, now=ist(24, 17, 45)).ok
    shop.failures = ["503"]
    assert not live.fetch(spec, now=ist(24, 18)).ok
    live.fetch_on_read = False
    data = read_sources(settings, [spec], DAY, live=live)
    status = data.statuses[0]
    assert status.status == "ok"
    assert status.message == ("Shopify: the fetch at 18:00 failed: the shop answered HTTP 503 (Internal Server "
                              "Error); numbers as of 17:45")
    assert status.message in data.warnings
    assert data.domains["sales"] is not None


def test_a_day_after_the_last_good_fetch_is_stale_not_zero(shop, store, sleeps):
    live = make_live(store, sleeps, SECRETS)
    spec = service_spec("shopify", shop.url, name="Shopify")
    assert live.fetch(spec, now=ist(22, 18)).ok
    live.fetch_on_read = False
    data = read_sources(Settings(), [spec], DAY, live=live)
    assert data.statuses[0].status == "stale"
    assert "nothing covers 2026-11-24" in data.statuses[0].message
    assert data.domains["sales"] is None


def test_never_fetched_is_a_failure_with_what_to_do(shop, store, sleeps):
    live = make_live(store, sleeps, {})
    data = read_sources(Settings(), [service_spec("shopify", shop.url, name="Shopify")], DAY, live=live)
    status = data.statuses[0]
    assert status.status == "failed"
    assert "no Shopify access token" in status.message and "sources fetch" in status.message


def test_run_report_fetches_with_the_keyring_token(shop, memory_keyring):
    """End to end: settings.toml's source, the token from the keyring, the default HTTP client."""
    set_source_secret("Shopify", "access_token", ShopifyServer.TOKEN)
    source = SourceSettings(name="Shopify", domain="sales", kind="shopify", url=shop.url)
    settings = Settings(sources=[source])
    today = dt.datetime.now(IST).date()  # the fetch uses the real clock here: judge the report for today
    report = run_report(settings, app_paths().ensure(), today, offline=True, save=False)
    status = report.sources[0]
    assert status.kind == "shopify" and status.connector == "shopify" and status.fetched_at
    assert status.status == "ok", status.message
    assert shop.seen and shop.seen[0].headers["x-shopify-access-token"] == ShopifyServer.TOKEN
    assert ShopifyServer.TOKEN not in report.text and ShopifyServer.TOKEN not in str(report.to_dict())


def test_a_live_source_that_fails_never_stops_the_other_sources(shop, store, sleeps, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("Date,Source\n2026-11-24,IndiaMART\n2026-11-23,Website\n", encoding="utf-8")
    live = make_live(store, sleeps, {"access_token": "shpat_wrong"}, retries=0)
    data = read_sources(Settings(), [service_spec("shopify", shop.url, name="Shopify"),
                                     SourceSpec(name="Leads", domain="leads", path=str(leads))], DAY, live=live)
    shopify, file = data.statuses
    assert shopify.status == "failed" and "HTTP 401" in shopify.message
    assert file.status == "ok" and data.domains["leads"] is not None and data.domains["sales"] is None


def test_another_currency_is_not_added_as_rupees(store, sleeps):
    server = ShopifyServer([shopify_order(1, ist(24, 10), 40.0, currency="USD")])
    try:
        live = make_live(store, sleeps, SECRETS)
        spec = service_spec("shopify", server.url, name="US shop")
        live.fetch(spec, now=ist(24, 18))
        live.fetch_on_read = False
        data = read_sources(Settings(), [spec], DAY, live=live)
        assert data.statuses[0].status == "failed" and data.domains["sales"] is None
        assert "amounts are in USD, but the report is in INR" in data.statuses[0].message
    finally:
        server.close()

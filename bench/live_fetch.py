"""Live sources, measured (issue 12): backfill, incremental fetch, store size, API report == CSV report.

    python -m bench.live_fetch                    # 60 days x 300 orders a day, Shopify and WooCommerce
    python -m bench.live_fetch --days 5 --per-day 50 --json out.json   # a quick run

The vendor is the tests' local server (tests/live/servers.py: the documented request and response
shapes) in its own process on 127.0.0.1, so its JSON encoding does not share our GIL. Measured in one
run: the backfill through the app (HTTP, JSON, store), the yardstick (the same pages downloaded with a
bare httpx2 client: nothing parsed or stored), the next evening's incremental fetch (a day of new orders
plus refunds of older ones, with the 3-day overlap), the store's size on disk, the report built from the
store, and the same orders written as Shopify's CSV export and reported through the file path: the
sales numbers of every day of the last week must be equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
DAY = dt.date(2026, 11, 24)

SERVER = """
import json, sys, time
sys.path.insert(0, {root!r})
from tests.live.servers import ShopifyServer, WooCommerceServer
orders = json.load(open({orders!r}))
server = ShopifyServer(orders) if {kind!r} == "shopify" else WooCommerceServer(orders)
print(server.url, flush=True)
for line in sys.stdin:  # a line with new orders (JSON) replaces/extends the set; EOF ends the server
    changed = json.loads(line)
    by_id = {{o["id"]: i for i, o in enumerate(server.orders)}}
    for order in changed:
        if order["id"] in by_id:
            server.orders[by_id[order["id"]]] = order
        else:
            server.orders.append(order)
    print("ok", flush=True)
"""


def make_orders(kind: str, days: int, per_day: int) -> list[dict]:
    from tests.live.servers import shopify_order, woo_order

    orders, n = [], 0
    first = DAY - dt.timedelta(days=days - 1)
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        for i in range(per_day):
            n += 1
            moment = dt.datetime.combine(day, dt.time(9), IST) + dt.timedelta(seconds=i * 40)
            amount = 200.0 + (n * 37) % 1800
            if kind == "shopify":
                status = "REFUNDED" if n % 97 == 0 else "PAID"
                orders.append(shopify_order(n, moment, amount, refunded=amount if n % 97 == 0 else 0.0,
                                            status=status, cancelled=moment if n % 89 == 0 else None,
                                            test=n % 251 == 0))
            else:
                status = "cancelled" if n % 89 == 0 else "completed"
                orders.append(woo_order(n, moment, amount, status=status, refunds=[50.0] if n % 97 == 0 else None))
    return orders


def next_evening(kind: str, orders: list[dict], per_day: int) -> list[dict]:
    """The next day's orders plus refunds of 30 orders from the last three days."""
    from tests.live.servers import shopify_order, woo_order

    day = DAY + dt.timedelta(days=1)
    start = len(orders) + 1
    changed = []
    for i in range(per_day):
        moment = dt.datetime.combine(day, dt.time(9), IST) + dt.timedelta(seconds=i * 40)
        changed.append(shopify_order(start + i, moment, 500.0) if kind == "shopify" else
                       woo_order(start + i, moment, 500.0))
    refund_at = dt.datetime.combine(day, dt.time(15), IST)
    for order in orders[-3 * per_day::per_day // 10][:30]:
        order = dict(order)
        if kind == "shopify":
            order["totalRefundedSet"] = {"shopMoney": {"amount": order["totalPriceSet"]["shopMoney"]["amount"],
                                                       "currencyCode": "INR"}}
            order["displayFinancialStatus"] = "REFUNDED"
            order["updatedAt"] = refund_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            order["status"] = "refunded"
            order["refunds"] = [{"id": 1, "reason": "", "total": f"-{order['total']}"}]
            order["date_modified_gmt"] = refund_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        changed.append(order)
    return changed


def export_csv(orders: list[dict], path: Path) -> None:
    """The orders as Shopify's Orders → Export CSV (test orders are not exported)."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Financial Status", "Currency", "Total", "Refunded Amount", "Created at",
                         "Cancelled at", "Source", "Lineitem name"])
        for order in orders:
            if order["test"]:
                continue
            local = lambda text: dt.datetime.fromisoformat(text).astimezone(IST).strftime(  # noqa: E731
                "%Y-%m-%d %H:%M:%S +0530")
            writer.writerow([order["name"], order["displayFinancialStatus"].lower(), "INR",
                             order["totalPriceSet"]["shopMoney"]["amount"],
                             order["totalRefundedSet"]["shopMoney"]["amount"], local(order["createdAt"]),
                             local(order["cancelledAt"]) if order["cancelledAt"] else "", order["sourceName"],
                             order["lineItems"]["nodes"][0]["name"]])


def yardstick(kind: str, url: str, pages_hint: int) -> float:
    """The same pages with a bare httpx2 client: the network and the server's side, nothing of ours."""
    import base64

    import httpx2

    from tests.live.servers import ShopifyServer, WooCommerceServer

    start = time.perf_counter()
    with httpx2.Client(timeout=60) as client:
        if kind == "shopify":
            after = None
            while True:
                body = client.post(f"{url}/admin/api/2026-10/graphql.json",
                                   headers={"X-Shopify-Access-Token": ShopifyServer.TOKEN},
                                   json={"query": "{}", "variables": {"first": 250, "after": after,
                                                                      "query": "updated_at:>='2000-01-01T00:00:00Z'"}}
                                   ).json()
                info = body["data"]["orders"]["pageInfo"]
                if not info["hasNextPage"]:
                    break
                after = info["endCursor"]
        else:
            auth = "Basic " + base64.b64encode(f"{WooCommerceServer.KEY}:{WooCommerceServer.SECRET}".encode()).decode()
            page = 1
            while True:
                response = client.get(f"{url}/wp-json/wc/v3/orders", headers={"Authorization": auth},
                                      params={"per_page": 100, "page": page, "dates_are_gmt": "true"})
                response.json()
                if page >= int(response.headers["x-wp-totalpages"]):
                    break
                page += 1
    return time.perf_counter() - start


def run(kind: str, days: int, per_day: int, folder: Path) -> dict:
    from connectors.base import SourceSpec
    from connectors.store import RecordStore
    from desktop_app.live import LiveSources
    from desktop_app.pipeline import build_report, read_sources
    from desktop_app.settings import Settings
    from tests.live.servers import ShopifyServer, WooCommerceServer

    orders = make_orders(kind, days, per_day)
    (folder / "orders.json").write_text(json.dumps(orders))
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(ROOT), orders=str(folder / "orders.json"),
                                                                   kind=kind)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        secrets = {"access_token": ShopifyServer.TOKEN, "consumer_key": WooCommerceServer.KEY,
                   "consumer_secret": WooCommerceServer.SECRET}
        store_file = folder / f"{kind}.sqlite3"
        live = LiveSources(RecordStore(store_file), secrets=lambda source, name: secrets.get(name))
        spec = SourceSpec(name=kind, domain="sales", path="", kind=kind,
                          service={"url": url, "backfill_days": days, "overlap_days": 3, "timezone": "Asia/Kolkata"})
        evening = dt.datetime.combine(DAY, dt.time(20), IST)
        yard = yardstick(kind, url, 0)
        backfill = live.fetch(spec, now=evening)
        assert backfill.ok, backfill.message
        start = time.perf_counter()
        settings = Settings()
        live.fetch_on_read = False
        api = read_sources(settings, [spec], DAY, live=live)
        report_seconds = time.perf_counter() - start
        result = {
            "orders": len(orders), "days": days, "per_day": per_day,
            "backfill_s": round(backfill.seconds, 3), "backfill_pages": backfill.pages,
            "yardstick_download_s": round(yard, 3), "backfill_vs_yardstick": round(backfill.seconds / yard, 2),
            "report_from_store_s": round(report_seconds, 3),
        }
        if kind == "shopify":
            export = folder / "orders_export.csv"
            export_csv(orders, export)
            files = read_sources(settings, [SourceSpec(name="export", domain="sales", path=str(export))], DAY)
            same = []
            for back in range(7):
                day = DAY - dt.timedelta(days=back)
                a = build_report(settings, api, day, {}).sales
                b = build_report(settings, files, day, {}).sales
                same.append(a == b)
                if a != b:
                    print(f"  {day}: API {a}\n  {day}: CSV {b}", file=sys.stderr)
            result["api_report_equals_csv_report_7_days"] = all(same)
            result["report_day_sales_total"] = build_report(settings, api, DAY, {}).sales.total
        changed = next_evening(kind, orders, per_day)
        server.stdin.write(json.dumps(changed) + "\n")
        server.stdin.flush()
        server.stdout.readline()
        incremental = live.fetch(spec, now=evening + dt.timedelta(days=1))
        assert incremental.ok, incremental.message
        result.update({
            "incremental_s": round(incremental.seconds, 3), "incremental_records": incremental.records,
            "incremental_pages": incremental.pages, "store_records": live.store.count(kind),
            "store_bytes": sum(p.stat().st_size for p in folder.glob(f"{kind}.sqlite3*")),
        })
        return result
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "platform": platform.platform()}}
    with tempfile.TemporaryDirectory(prefix="bo-live-bench-") as folder:
        for kind in ("shopify", "woocommerce"):
            sub = Path(folder) / kind
            sub.mkdir()
            results[kind] = run(kind, args.days, args.per_day, sub)
            print(kind, json.dumps(results[kind]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

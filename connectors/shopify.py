"""Shopify: the Admin "Orders → Export" CSV preset and the GraphQL Admin API reader, one family.

Both end in `orders_frame`, so an order reads the same through the API as through the export:
refunds reduce the order's own day, cancelled orders are not sales, test orders are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .base import (
    Domain,
    FetchRequest,
    Page,
    Probe,
    Record,
    ServiceError,
    ServiceField,
    SourceFrame,
    SourceSpec,
)
from .canonical import IssueLog, amount_column, canonical_status, canonicalise
from .files import read_csv_table
from .http import json_body, looks_like_html
from .parsing import by_unique, filled
from .presets import SURE, _currencies, _has_all, _name_bonus, _require, _with_user_columns
from .service_util import base_url, business_time, iso_utc, missing_fields, with_vendor_issues

API_VERSION = "2026-10"  # Shopify keeps a version at least 12 months; [sources.service] api_version overrides
PAGE_SIZE = 250
MAX_THROTTLE_WAITS = 20
ORDERS_QUERY = """
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      name
      createdAt
      updatedAt
      cancelledAt
      test
      displayFinancialStatus
      sourceName
      totalPriceSet { shopMoney { amount currencyCode } }
      totalRefundedSet { shopMoney { amount currencyCode } }
      lineItems(first: 1) { nodes { name } }
    }
  }
}
"""


class ShopifyConnector:
    """Shopify Admin "Orders → Export" CSV: one row per line item, order fields on the first row only."""

    key = "shopify"
    label = "Shopify orders export"
    domain: Domain = "sales"
    COLUMNS = ("Name", "Financial Status", "Total", "Refunded Amount", "Cancelled at", "Created at",
               "Source", "Lineitem name", "Currency")

    def detect(self, probe: Probe) -> int:
        if _has_all(probe, "Name", "Financial Status", "Total", "Created at", "Lineitem name"):
            return SURE + _name_bonus(probe, "orders_export", "shopify")
        return 0

    @staticmethod
    def _needed_rows(chunk: pd.DataFrame) -> pd.DataFrame:
        """Order rows, plus each order's first line-item row in this chunk: all read() looks at.

        Applied chunk by chunk while reading, so a cumulative export's continuation rows (most of
        its line items) never pile up in memory. The first line-item row of an order in the file is
        the first in its chunk too, so the product of every order is unchanged. Order rows are
        found by a cheap test that also keeps the rare row whose status and total are only spaces:
        read() applies the exact one, and a kept row never comes before its order's first item.
        """
        if not {"Name", "Financial Status", "Total"} <= set(chunk.columns):
            return chunk  # read() reports the missing columns
        keep = _written(chunk["Financial Status"]) | _written(chunk["Total"])
        if "Lineitem name" in chunk:
            keep |= _first_items(chunk)
        return chunk[keep]

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_csv_table(spec, usecols=self.COLUMNS, reduce=self._needed_rows)
        _require(raw, spec, "Shopify orders", "Name", "Financial Status", "Total", "Created at")
        # Continuation rows (extra line items) have no Financial Status / Total: the order counts once.
        is_order = (filled(raw["Financial Status"]) | filled(raw["Total"])).to_numpy(copy=True)
        is_order[is_order] = ~raw["Name"][is_order].duplicated().to_numpy()
        orders = raw[is_order]
        first_item = None
        if "Lineitem name" in raw:
            items = raw[["Name", "Lineitem name"]][filled(raw["Lineitem name"])]
            first_item = items.groupby("Name", sort=False)["Lineitem name"].first()
            del items
        del raw  # orders is a copy: parsing below peaks lower without the raw rows beside it
        return orders_frame(orders, first_item, spec, self.key)


def _written(column: pd.Series) -> np.ndarray:
    """Cells that are not empty: `filled` without its whitespace test, for keeping rows cheaply."""
    return column.to_numpy() != ""


def _first_items(chunk: pd.DataFrame) -> np.ndarray:
    """Rows holding the first line item of their order (Name) in `chunk`."""
    has_item = filled(chunk["Lineitem name"]).to_numpy()
    first = np.zeros(len(chunk), dtype=bool)
    first[np.flatnonzero(has_item)[~chunk["Name"][has_item].duplicated().to_numpy()]] = True
    return first


def orders_frame(orders: pd.DataFrame, first_item: pd.Series | None, spec: SourceSpec, key: str) -> SourceFrame:
    """One row per order in the export's columns -> the sales frame. The CSV export and the Admin API
    both end here, so they cannot disagree: refunds reduce the order, cancelled orders are not sales."""
    issues, warnings = IssueLog(spec.name), []
    refunded = (amount_column(orders, "Refunded Amount", issues).fillna(0.0)
                if "Refunded Amount" in orders else 0.0)
    mapping = {"order_id": "Name", "date": "Created at", "amount": "Total"}
    if "Source" in orders:
        mapping["channel"] = "Source"
    mapping = _with_user_columns(mapping, orders, spec)
    frame = canonicalise(orders, mapping, spec, key, issues=issues, warnings=warnings)
    out = frame.frame
    out["amount"] = (out["amount"] - pd.Series(refunded, index=orders.index).to_numpy()).astype("float64")
    if "channel" in out:
        out["channel"] = channel_names(out["channel"])
    status = canonical_status(orders["Financial Status"])
    if "Cancelled at" in orders:
        status = status.where(~filled(orders["Cancelled at"]), "cancelled")
    out["status"] = status.to_numpy()
    if first_item is not None:
        out["product"] = orders["Name"].map(first_item).astype("str").to_numpy()
    frame.currencies = _currencies(orders, "Currency")
    return frame




# Shopify's `source_name` codes as the admin names the channel; an app's channel is its numeric id
CHANNEL_NAMES = {"web": "Online Store", "pos": "Point of Sale", "shopify_draft_order": "Draft orders",
                 "iphone": "Shopify app", "android": "Shopify app"}


def channel_names(codes: pd.Series) -> pd.Series:
    """The owner's words for Shopify's channel codes ("web" -> Online Store, "580111" -> Sales channel 580111)."""
    (names,) = by_unique(codes.fillna(""), lambda unique: unique.map(
        lambda code: CHANNEL_NAMES.get(code.strip().lower())
        or (f"Sales channel {code.strip()}" if code.strip().isdigit() else code)).astype("str"))
    return names.where(codes.notna(), None).astype("str")


class ShopifyService:
    """Orders from the GraphQL Admin API, changed since a moment, 250 a page with cursor paging."""

    key = "shopify"
    label = "Shopify (Admin API)"
    domain: Domain = "sales"
    incremental = True
    fields = (
        ServiceField("url", "Shop domain", "Your shop's address in the admin, like your-shop.myshopify.com.",
                     placeholder="your-shop.myshopify.com"),
        ServiceField("access_token", "Admin API access token",
                     "Shopify admin → Settings → Apps and sales channels → Develop apps → create an app with the "
                     "read_orders scope, install it, and copy the Admin API access token (shpat_…).",
                     secret=True, placeholder="shpat_…"),
    )

    def endpoint(self, spec: SourceSpec) -> str:
        version = str(spec.service.get("api_version") or API_VERSION)
        return f"{base_url(spec)}/admin/api/{version}/graphql.json"

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        spec = request.spec
        token = request.secret("access_token")
        if not token:
            raise ServiceError(spec.name, "no Shopify access token is stored for this source; enter it in "
                                          "Settings → Sources (it is kept in the OS keyring)")
        query = f"updated_at:>='{iso_utc(request.since)}'" if request.since else None
        cursor: str | None = None
        pages = 0
        while True:
            data = self._query(request, token, {"first": PAGE_SIZE, "after": cursor, "query": query})
            orders = data.get("orders") if isinstance(data, dict) else None
            if not isinstance(orders, dict) or not isinstance(orders.get("nodes"), list):
                raise ServiceError(spec.name, "Shopify answered without an orders list; try again later, and "
                                              "check the API version if it keeps happening")
            records = [Record(str(node.get("id") or node.get("name")), node, node.get("updatedAt"))
                       for node in orders["nodes"] if isinstance(node, dict)]
            yield Page(records)
            pages += 1
            info = orders.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage") or not cursor or (request.max_pages and pages >= request.max_pages):
                return

    def _query(self, request: FetchRequest, token: str, variables: dict[str, Any]) -> Any:
        """One GraphQL call; waits out THROTTLED answers at the shop's restore rate (Shopify's documented rule)."""
        spec, url = request.spec, self.endpoint(request.spec)
        for _ in range(MAX_THROTTLE_WAITS):
            response = request.client.request(
                spec.name, "POST", url, json={"query": ORDERS_QUERY, "variables": variables},
                headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"},
                retry_statuses=(500, 502, 503, 504), what="the shop")
            status = response.status_code
            if status in (401, 403, 404, 402, 423) or (status >= 400 and looks_like_html(response)):
                raise ServiceError(spec.name, _status_sentence(status, spec), status)
            body = json_body(spec.name, response, "the shop")
            wait = _throttle_wait(body)
            if wait is not None:
                request.client.sleep(wait)
                continue
            if status >= 400:
                raise ServiceError(spec.name, f"the shop answered HTTP {status} ({_first_error(body)}); try again "
                                              "later", status)
            if isinstance(body, dict) and body.get("errors"):
                raise ServiceError(spec.name, f"Shopify refused the orders query: {_first_error(body)}", status)
            return body.get("data") if isinstance(body, dict) else None
        raise ServiceError(spec.name, f"Shopify kept throttling the app after {MAX_THROTTLE_WAITS} waits; try "
                                      "again later", 429)

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        """Stored orders -> the export's columns -> orders_frame (the same code as the CSV preset)."""
        zone = str(spec.service.get("timezone") or "UTC")
        live = [r for r in records if not r.get("test")]
        money = lambda r, key: ((r.get(key) or {}).get("shopMoney") or {})  # noqa: E731
        items = [((r.get("lineItems") or {}).get("nodes") or [{}]) for r in live]
        orders = pd.DataFrame({
            "Name": [str(r.get("name") or r.get("id") or "") for r in live],
            "Created at": business_time([r.get("createdAt") for r in live], zone),
            "Total": [_text(money(r, "totalPriceSet").get("amount")) for r in live],
            "Refunded Amount": [_text(money(r, "totalRefundedSet").get("amount")) for r in live],
            "Financial Status": [_text(r.get("displayFinancialStatus")) for r in live],
            "Cancelled at": [_text(r.get("cancelledAt")) for r in live],
            "Source": [_text(r.get("sourceName")) for r in live],
            "Currency": [_text(money(r, "totalPriceSet").get("currencyCode")) for r in live],
        }, dtype="str", index=pd.RangeIndex(1, len(live) + 1))
        first_item = pd.Series([_text((i[0] or {}).get("name")) if i else "" for i in items],
                               index=orders["Name"].to_numpy(), dtype="str")
        first_item = first_item[~first_item.index.duplicated()]
        result = orders_frame(orders, first_item, spec, self.key)
        result.issues = with_vendor_issues(result.issues, missing_fields(
            spec.name, orders, {"Created at": "createdAt", "Total": "totalPriceSet"}))
        return result


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _first_error(body: Any) -> str:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        first = errors[0]
        return str(first.get("message") if isinstance(first, dict) else first)[:200]
    return str(errors)[:200] if errors else "no details"


def _throttle_wait(body: Any) -> float | None:
    """Seconds to wait when the answer is THROTTLED: the cost still missing over the restore rate."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None
    codes = {((e.get("extensions") or {}).get("code") if isinstance(e, dict) else None) for e in body["errors"]}
    messages = {str(e.get("message", "")).lower() if isinstance(e, dict) else "" for e in body["errors"]}
    if "THROTTLED" not in codes and "throttled" not in messages:
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 50)
    except (TypeError, ValueError):
        return 1.0
    return min(60.0, max(0.5, missing / rate if rate > 0 else 1.0))


def _status_sentence(status: int, spec: SourceSpec) -> str:
    shop = str(spec.service.get("url") or "")
    if status == 401:
        return ("Shopify refused the access token (HTTP 401); create a new Admin API access token with the "
                "read_orders scope and enter it again in Settings → Sources")
    if status == 403:
        return ("the access token may not read orders (HTTP 403); give the app the read_orders scope in the "
                "shop admin (Develop apps → Configuration), reinstall it and enter the new token")
    if status == 404:
        return f"there is no Shopify shop at {shop} (HTTP 404); check the shop domain, like your-shop.myshopify.com"
    if status in (402, 423):
        return f"the shop {shop} is frozen or locked (HTTP {status}); check its plan and billing in the Shopify admin"
    return f"the shop answered a web page instead of data (HTTP {status}); check the shop domain"


CONNECTORS = (ShopifyConnector(), ShopifyService())

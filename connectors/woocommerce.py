"""WooCommerce: the WebToffee orders-export preset and the REST API v3 reader, one family.

The API reader asks `GET /wp-json/wc/v3/orders` for orders modified since the last fetch (with the
overlap), 100 a page, following `X-WP-TotalPages`, with a read-only consumer key over HTTP Basic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from .base import Domain, FetchRequest, Page, Probe, Record, ServiceError, ServiceField, SourceFrame, SourceSpec
from .canonical import IssueLog, canonicalise
from .files import read_csv_table
from .http import json_body, looks_like_html
from .parsing import parse_amounts, parse_dates
from .presets import SURE, _currencies, _has_all, _name_bonus, _require, _with_user_columns
from .service_util import base_url, business_time, iso_utc, missing_fields, with_vendor_issues

PAGE_SIZE = 100
MAX_PAGES = 10_000


class WooCommerceConnector:
    """WooCommerce orders CSV (WebToffee "Order Import Export" plugin layout).

    Refunds are separate negative rows dated at the refund, so a return lowers sales on the day it
    happens instead of rewriting the day the order was placed.
    """

    key = "woocommerce"
    label = "WooCommerce orders export (WebToffee)"
    domain: Domain = "sales"
    COLUMNS = ("order_id", "order_number", "order_date", "status", "order_total", "refund_items",
               "line_item_1", "created_via", "order_currency")
    DATE_FORMAT = "%d-%m-%Y %H:%M:%S"

    def detect(self, probe: Probe) -> int:
        if _has_all(probe, "order_id", "order_date", "status", "order_total") and (
            _has_all(probe, "refund_items") or _has_all(probe, "order_number")
        ):
            return SURE + _name_bonus(probe, "woo", "order")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_csv_table(spec, usecols=self.COLUMNS)
        _require(raw, spec, "WooCommerce orders", "order_id", "order_date", "status", "order_total")
        ids = raw["order_number"].where(raw["order_number"].str.strip() != "", raw["order_id"]) \
            if "order_number" in raw else raw["order_id"]
        products = (raw["line_item_1"].str.extract(r"(?:^|\|)name:([^|]*)")[0]
                    if "line_item_1" in raw else pd.Series("", index=raw.index))
        raw = raw.assign(_order=ids, _product=products.fillna(""))
        mapping = {"order_id": "_order", "date": "order_date", "amount": "order_total", "status": "status",
                   "product": "_product"}
        if "created_via" in raw:
            mapping["channel"] = "created_via"
        warnings: list[str] = []
        mapping = _with_user_columns(mapping, raw, spec)
        orders = canonicalise(raw, mapping, spec, self.key, date_format=self.DATE_FORMAT, warnings=warnings)
        refund_issues = IssueLog(spec.name)
        refunds = self._refunds(raw, refund_issues, warnings)
        frame = pd.concat([orders.frame, refunds], ignore_index=True) if len(refunds) else orders.frame
        return SourceFrame(frame, self.key, True, orders.issues + refund_issues.result(), warnings,
                           currencies=_currencies(raw, "order_currency"))

    @staticmethod
    def _refunds(raw: pd.DataFrame, issues: IssueLog, warnings: list[str]) -> pd.DataFrame:
        """One negative row per refund in refund_items ("amount:46.00|reason:...|date:...", ';'-separated)."""
        if "refund_items" not in raw:
            return pd.DataFrame()
        items = raw["refund_items"].str.split(";").explode()
        items = items[items.fillna("").str.strip() != ""]
        if items.empty:
            return pd.DataFrame()
        amount_text = items.str.extract(r"(?:^|\|)\s*amount:([^|]*)")[0].fillna("")
        date_text = items.str.extract(r"(?:^|\|)\s*date:([^|]*)")[0].fillna("")
        amounts, bad = parse_amounts(amount_text.astype("str"))
        issues.add(bad | (amount_text == ""), items, "refund_items", "refund amount")
        dates, bad_dates, warning = parse_dates(date_text.astype("str"), column="refund_items")
        issues.add(bad_dates | (date_text == ""), items, "refund_items", "refund date")
        if warning:
            warnings.append(warning)
        return pd.DataFrame(
            {
                "order_id": raw.loc[items.index, "_order"].astype("str").to_numpy(),
                "ordered_at": dates.to_numpy(),
                "amount": -amounts.abs().to_numpy(),
                "status": "refunded",
                "product": raw.loc[items.index, "_product"].astype("str").to_numpy(),
                "channel": pd.NA,
                "_row": items.index.to_numpy(dtype="int64"),
            }
        ).astype({"order_id": "str", "status": "str", "product": "str", "channel": "str"})




class WooCommerceService:
    """Orders from the WooCommerce REST API v3 (WooCommerce 5.8+ for modified_after)."""

    key = "woocommerce"
    label = "WooCommerce (REST API)"
    domain: Domain = "sales"
    incremental = True
    fields = (
        ServiceField("url", "Site address", "Your shop's web address, like https://shop.example.com.",
                     placeholder="https://shop.example.com"),
        ServiceField("consumer_key", "Consumer key",
                     "WordPress admin → WooCommerce → Settings → Advanced → REST API → Add key, permission Read; "
                     "copy the consumer key (ck_…).", secret=True, placeholder="ck_…"),
        ServiceField("consumer_secret", "Consumer secret", "Shown once next to the consumer key (cs_…).",
                     secret=True, placeholder="cs_…"),
    )

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        spec = request.spec
        key, secret = request.secret("consumer_key"), request.secret("consumer_secret")
        if not key or not secret:
            raise ServiceError(spec.name, "no WooCommerce consumer key and secret are stored for this source; "
                                          "enter them in Settings → Sources (they are kept in the OS keyring)")
        url = f"{base_url(spec)}/wp-json/wc/v3/orders"
        params: dict[str, Any] = {"per_page": PAGE_SIZE, "orderby": "modified", "order": "asc",
                                  "dates_are_gmt": "true"}
        if request.since:
            params["modified_after"] = iso_utc(request.since).removesuffix("Z")
        page, total = 1, None
        while page <= MAX_PAGES:
            response = request.client.request(spec.name, "GET", url, params={**params, "page": page},
                                              auth=(key, secret), what="the site")
            body = self._body(spec, response)
            if not isinstance(body, list):
                raise ServiceError(spec.name, "the site answered without a list of orders; check that the address "
                                              "is the WooCommerce shop", response.status_code)
            try:
                total = int(response.headers.get("x-wp-totalpages", ""))
            except ValueError:
                total = None
            records = [Record(str(o.get("id")), o, o.get("date_modified_gmt")) for o in body
                       if isinstance(o, dict) and o.get("id") is not None]
            yield Page(records, total)
            if not body or (total is not None and page >= total) or (total is None and len(body) < PAGE_SIZE):
                return
            if request.max_pages and page >= request.max_pages:
                return
            page += 1

    @staticmethod
    def _body(spec: SourceSpec, response: Any) -> Any:
        status = response.status_code
        if status < 400:
            return json_body(spec.name, response, "the site")
        if looks_like_html(response):
            raise ServiceError(spec.name, f"the site answered a web page instead of the WooCommerce API (HTTP "
                                          f"{status}); check the site address", status)
        try:
            error = response.json()
        except ValueError:
            error = {}
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", ""))[:160] if isinstance(error, dict) else ""
        if status == 401 or code == "woocommerce_rest_authentication_error":
            sentence = ("WooCommerce refused the consumer key and secret (HTTP 401: "
                        f"{message or code}); create a Read key in WooCommerce → Settings → Advanced → REST API "
                        "and enter both again")
        elif status == 403:
            sentence = (f"the consumer key may not list orders (HTTP 403: {message or code}); give the key Read "
                        "permission, or use a key of a shop manager or administrator")
        elif status == 404:
            sentence = ("no WooCommerce REST API at this address (HTTP 404); check the site address and that "
                        "WordPress permalinks are not set to 'Plain'")
        else:
            sentence = f"the site answered HTTP {status}{f' ({message})' if message else ''}; try again later"
        raise ServiceError(spec.name, sentence, status)

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        """Orders on the day they were placed; refunds reduce that order (the store updates it when a refund
        arrives later). Cancelled, failed and trashed orders are not sales."""
        zone = str(spec.service.get("timezone") or "UTC")
        issues, warnings = IssueLog(spec.name), []
        index = pd.RangeIndex(1, len(records) + 1)
        raw = pd.DataFrame({
            "number": [str(r.get("number") or r.get("id") or "") for r in records],
            "date_created_gmt": business_time([r.get("date_created_gmt") for r in records], zone),
            "total": [_text(r.get("total")) for r in records],
            "status": [_text(r.get("status")) for r in records],
            "created_via": [_text(r.get("created_via")) for r in records],
            "product": [_text(((r.get("line_items") or [{}])[0] or {}).get("name")) for r in records],
            "currency": [_text(r.get("currency")) for r in records],
        }, dtype="str", index=index)
        refunds = pd.Series([_refunded(r.get("refunds")) for r in records], index=index, dtype="str")
        refunded, bad = parse_amounts(refunds)
        issues.add(bad, refunds, "refunds", "refund total")
        mapping = {"order_id": "number", "date": "date_created_gmt", "amount": "total", "status": "status",
                   "product": "product", "channel": "created_via"}
        frame = canonicalise(raw, mapping, spec, self.key, issues=issues, warnings=warnings)
        frame.frame["amount"] = (frame.frame["amount"] - refunded.fillna(0.0).abs().to_numpy()).astype("float64")
        frame.currencies = _currencies(raw, "currency")
        frame.issues = with_vendor_issues(frame.issues, missing_fields(
            spec.name, raw, {"date_created_gmt": "date_created_gmt", "total": "total"}))
        return frame


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _refunded(refunds: object) -> str:
    """The sum of an order's refunds (WooCommerce lists each with a negative total) as text for parse_amounts."""
    if not refunds:
        return "0"
    try:
        return f"{sum(abs(float(item.get('total') or 0)) for item in refunds):.2f}"  # type: ignore[union-attr]
    except (TypeError, ValueError, AttributeError):
        return "?"


CONNECTORS = (WooCommerceConnector(), WooCommerceService())

"""Small helpers every service connector needs: its address, UTC stamps, vendor times in local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from .base import CellIssue, ServiceError, SourceSpec


def base_url(spec: SourceSpec) -> str:
    """The service address without a trailing slash; a bare domain (your-shop.myshopify.com) gets https://."""
    url = str(spec.service.get("url") or "").strip().rstrip("/")
    if not url:
        raise ServiceError(spec.name, "no address is set for this source; enter it in Settings → Sources")
    return url if "://" in url else f"https://{url}"


def iso_utc(moment: dt.datetime | None) -> str:
    """2026-11-24T06:30:00Z: how Shopify and WooCommerce want a moment written."""
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def business_time(values: Sequence[object], zone: str) -> list[str]:
    """Vendor timestamps (ISO 8601; a value without an offset is UTC) as wall-clock text in the business's
    time zone, "YYYY-MM-DD HH:MM:SS": an order placed at 23:30 in Ahmedabad counts on that Ahmedabad day.
    Unreadable or missing values become "" so the usual date check reports them with their row."""
    text = pd.Series([None if v is None else str(v) for v in values], dtype="object")
    stamps = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    local = stamps.dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M:%S")
    return local.fillna("").tolist()


def missing_fields(source: str, table: pd.DataFrame, fields: dict[str, str], id_column: str | None = None) -> list[
        CellIssue]:
    """One issue per record whose required field came back empty (the vendor's field name in the sentence):
    an order without a total must fail the day loudly, never count as zero."""
    issues: list[CellIssue] = []
    label = table[id_column or table.columns[0]]
    for column, vendor_field in fields.items():
        empty = table[column].fillna("").astype("str").str.strip() == ""
        for row in table.index[empty][:20]:
            issues.append(CellIssue(source, int(row), column, f"record {label[row]} came without {vendor_field}; "
                                    "open it in the vendor's admin, or tell the vendor's support"))
    return issues


def with_vendor_issues(issues: Sequence[CellIssue], vendor: Sequence[CellIssue]) -> list[CellIssue]:
    """`issues` with each cell that `vendor` describes said once, in the vendor's words.

    The canonical parser already refuses a blank amount or date (robust-data); missing_fields says
    the same cell more usefully ("record 702 came without total"), so it replaces the generic one.
    """
    cells = {(issue.row, issue.column) for issue in vendor}
    return [*vendor, *(issue for issue in issues if (issue.row, issue.column) not in cells)]

"""Presets for real exports, recognised from their header or content with no configuration.

Each knows one product's layout and its quirks (Shopify continuation rows, WooCommerce refund
items, ZKTeco's headerless punch log...). Detection looks at content, never only at the file
name; a matching name adds a small bonus. A user's `columns` mapping still overrides a preset.
"""

from __future__ import annotations

import re
from typing import ClassVar

import pandas as pd

from .base import Domain, Probe, SourceFrame, SourceReadError, SourceSpec
from .canonical import IssueLog, amount_column, canonical_status, canonicalise, text_column
from .columns import normalise_header, resolve_columns, user_columns
from .files import PREVIEW_ROWS, find_records, load_json, read_csv_table, read_json_table, records_frame
from .parsing import as_text, filled, parse_amounts, parse_dates, parse_dates_formats, read_text
from .quoting import column_list

SURE = 90


def _headers(probe: Probe) -> set[str]:
    return {normalise_header(h) for h in probe.header if h}


def _has_all(probe: Probe, *names: str) -> bool:
    return {normalise_header(n) for n in names} <= _headers(probe)


def _name_bonus(probe: Probe, *words: str) -> int:
    name = probe.path.name.lower()
    return 5 if any(w in name for w in words) else 0


def _require(raw: pd.DataFrame, spec: SourceSpec, label: str, *cols: str) -> None:
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        have = column_list(raw.columns)
        need = column_list(missing)
        raise SourceReadError(spec.name, f"{spec.file.name} is not a {label} export: missing {need}; "
                                         f"the file has columns: {have}")


def _first_present(raw: pd.DataFrame, *names: str) -> str | None:
    by_norm = {normalise_header(c): c for c in raw.columns}
    for name in names:
        if normalise_header(name) in by_norm:
            return by_norm[normalise_header(name)]
    return None


def _with_user_columns(mapping: dict[str, str], raw: pd.DataFrame, spec: SourceSpec) -> dict[str, str]:
    return {**mapping, **user_columns(raw.columns, spec.domain, spec.columns, spec.name)}


def _currencies(raw: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column not in raw:
        return ()
    return tuple(sorted({code.strip().upper() for code in raw[column].dropna().astype(str).unique()} - {""}))


# --- sales ------------------------------------------------------------------------------------


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
        the first in its chunk too, so the product of every order is unchanged.
        """
        if not {"Name", "Financial Status", "Total"} <= set(chunk.columns):
            return chunk  # read() reports the missing columns
        keep = filled(chunk["Financial Status"]) | filled(chunk["Total"])
        if "Lineitem name" in chunk:
            items = chunk[filled(chunk["Lineitem name"])]
            keep |= chunk.index.isin(items.index[~items["Name"].duplicated()])
        return chunk[keep]

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_csv_table(spec, usecols=self.COLUMNS, reduce=self._needed_rows)
        _require(raw, spec, "Shopify orders", "Name", "Financial Status", "Total", "Created at")
        # Continuation rows (extra line items) have no Financial Status / Total: the order counts once.
        is_order = filled(raw["Financial Status"]) | filled(raw["Total"])
        orders = raw[is_order]
        orders = orders[~orders["Name"].duplicated()]
        first_item = None
        if "Lineitem name" in raw:
            items = raw[filled(raw["Lineitem name"])]
            first_item = items.groupby("Name", sort=False)["Lineitem name"].first()
            del items
        del raw  # orders is a copy: parsing below peaks lower without the raw rows beside it
        issues, warnings = IssueLog(spec.name), []
        refunded = (amount_column(orders, "Refunded Amount", issues).fillna(0.0)
                    if "Refunded Amount" in orders else 0.0)
        mapping = {"order_id": "Name", "date": "Created at", "amount": "Total"}
        if "Source" in orders:
            mapping["channel"] = "Source"
        mapping = _with_user_columns(mapping, orders, spec)
        frame = canonicalise(orders, mapping, spec, self.key, issues=issues, warnings=warnings)
        out = frame.frame
        out["amount"] = (out["amount"] - pd.Series(refunded, index=orders.index).to_numpy()).astype("float64")
        status = canonical_status(orders["Financial Status"])
        if "Cancelled at" in orders:
            status = status.where(~filled(orders["Cancelled at"]), "cancelled")
        out["status"] = status.to_numpy()
        if first_item is not None:
            out["product"] = orders["Name"].map(first_item).astype("str").to_numpy()
        frame.currencies = _currencies(orders, "Currency")
        return frame


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


# --- attendance -------------------------------------------------------------------------------

_ZK_LINE = re.compile(r"^\s*(?P<emp>[^\t]+?)\s*\t\s*(?P<ts>\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)")


class ZKTecoConnector:
    """ZKTeco biometric `attlog.dat`: headerless, tab-separated punches; present = any punch that day."""

    key = "zkteco"
    label = "ZKTeco attendance log (attlog.dat)"
    domain: Domain = "attendance"

    def detect(self, probe: Probe) -> int:
        lines = [line for line in probe.head_text.splitlines()[:20] if line.strip()]
        if not lines:
            return 0
        matches = sum(bool(_ZK_LINE.match(line)) for line in lines)
        if matches >= max(1, int(0.8 * len(lines))):
            return SURE + _name_bonus(probe, "attlog")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None)
        lines = pd.Series(text.splitlines(), dtype="str")
        lines.index = pd.RangeIndex(1, len(lines) + 1)  # no header: row = line number
        if spec.options.get(PREVIEW_ROWS) is not None:
            lines = lines.iloc[: int(spec.options[PREVIEW_ROWS])]  # type: ignore[call-overload]
        lines = lines[lines.str.strip() != ""]
        parts = lines.str.extract(_ZK_LINE)
        issues = IssueLog(spec.name)
        issues.add(parts["emp"].isna(), lines, None, "punch line")  # type: ignore[arg-type]
        good = parts[parts["emp"].notna()]
        raw = pd.DataFrame({"user id": good["emp"], "timestamp": good["ts"]})
        mapping = _with_user_columns({"employee": "user id", "time": "timestamp"}, raw, spec)
        return canonicalise(raw, mapping, spec, self.key, issues=issues)

    def preview_raw(self, spec: SourceSpec, rows: int) -> pd.DataFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None, limit=65536)
        lines = pd.Series(text.splitlines()[:rows], dtype="str")
        cols = ["user id", "timestamp", "verify", "state", "workcode", "reserved"]
        frame = lines.str.split("\t", expand=True)
        frame.columns = [cols[i] if i < len(cols) else f"field {i + 1}" for i in range(frame.shape[1])]
        return frame.apply(lambda c: c.fillna("").str.strip())


# --- leads ------------------------------------------------------------------------------------


def _source_fallback(raw: pd.DataFrame, first: str | None, second: str | None) -> pd.Series | None:
    """The first source column, blanks filled from the second (e.g. Original Source, then Lead Source)."""
    if first is None and second is None:
        return None
    a = as_text(raw[first]) if first else pd.Series("", index=raw.index, dtype="str")
    if second is None:
        return a
    return a.where(a != "", as_text(raw[second]))


class SalesforceConnector:
    """Salesforce Lead export (API names, Data Loader style). Deleted leads are dropped."""

    key = "salesforce"
    label = "Salesforce leads export"
    domain: Domain = "leads"
    # Data Loader writes US dates; the API and reports write ISO with a Z.
    DATE_FORMATS = ("ISO8601", "%m/%d/%y %I:%M %p", "%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M", "%m/%d/%Y %H:%M",
                    "%m/%d/%y", "%m/%d/%Y")

    def detect(self, probe: Probe) -> int:
        if _has_all(probe, "Id", "LeadSource", "Status") and (
            _has_all(probe, "IsDeleted") or _has_all(probe, "IsConverted") or _has_all(probe, "CreatedDate")
        ):
            return SURE + _name_bonus(probe, "lead")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_csv_table(spec)
        _require(raw, spec, "Salesforce leads", "Id", "LeadSource")
        if "IsDeleted" in raw:
            raw = raw[~raw["IsDeleted"].str.strip().str.lower().isin(["true", "1"])]
        mapping = {"lead_id": "Id", "source": "LeadSource"}
        for key, col in (("status", "Status"), ("email", "Email"), ("company", "Company"), ("phone", "Phone"),
                         ("mobile", "MobilePhone"), ("name", "Name"), ("first_name", "FirstName"),
                         ("last_name", "LastName")):
            if col in raw:
                mapping[key] = col
        mapping = _with_user_columns(mapping, raw, spec)
        issues, warnings = IssueLog(spec.name), []
        if "date" not in mapping and "CreatedDate" in raw:
            mapping["date"] = "CreatedDate"
            if not spec.options.get("date_format"):
                dates, bad = parse_dates_formats(raw["CreatedDate"], self.DATE_FORMATS)
                issues.add(bad, raw["CreatedDate"], "CreatedDate", "date")
                raw = raw.assign(CreatedDate=dates)
        if "date" not in mapping:
            warnings.append("no CreatedDate column: export it to count leads per day")
        return canonicalise(raw, mapping, spec, self.key, dayfirst=False, issues=issues, warnings=warnings)


class _AliasLeadsConnector:
    """A CRM leads export whose columns are fixed names: map them, then the usual canonicalisation."""

    key = ""
    label = ""
    domain: Domain = "leads"
    CANDIDATES: ClassVar[dict[str, tuple[str, ...]]] = {}
    SOURCES: ClassVar[tuple[str, str | None]] = ("", None)

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_csv_table(spec)
        mapping: dict[str, str] = {}
        for key, names in self.CANDIDATES.items():
            col = _first_present(raw, *names)
            if col is not None:
                mapping[key] = col
        source = _source_fallback(raw, _first_present(raw, self.SOURCES[0]),
                                  _first_present(raw, self.SOURCES[1]) if self.SOURCES[1] else None)
        if source is not None:
            raw = raw.assign(_source=source)
            mapping["source"] = "_source"
        mapping = _with_user_columns(mapping, raw, spec)
        if "source" not in mapping and "date" not in mapping:
            mapping = resolve_columns(raw.columns, "leads", spec.columns, spec.name)
        return canonicalise(raw, mapping, spec, self.key)


class HubSpotConnector(_AliasLeadsConnector):
    """HubSpot contacts/leads export; source = Original Source, blanks filled from Lead Source."""

    key = "hubspot"
    label = "HubSpot contacts/leads export"
    CANDIDATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "lead_id": ("Record ID", "Contact ID"),
        "date": ("Create Date", "Created Date"),
        "status": ("Lead Status",),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("Email",),
        "phone": ("Phone Number",),
        "mobile": ("Mobile Phone Number",),
        "company": ("Company Name", "Associated Company"),
    }
    SOURCES = ("Original Source", "Lead Source")

    def detect(self, probe: Probe) -> int:
        if _has_all(probe, "Record ID", "Create Date") or _has_all(probe, "Record ID", "Original Source"):
            return SURE - 5 + _name_bonus(probe, "hubspot")
        return 0


class ZohoConnector(_AliasLeadsConnector):
    """Zoho CRM Leads export (Record Id / Lead Id, Lead Source, Created Time)."""

    key = "zoho"
    label = "Zoho CRM leads export"
    CANDIDATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "lead_id": ("Record Id", "Lead Id", "LEADID"),
        "date": ("Created Time",),
        "status": ("Lead Status",),
        "name": ("Full Name", "Lead Name"),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("Email",),
        "phone": ("Phone",),
        "mobile": ("Mobile",),
        "company": ("Company",),
    }
    SOURCES = ("Lead Source", None)

    def detect(self, probe: Probe) -> int:
        has_id = any(_has_all(probe, n) for n in ("Record Id", "Lead Id", "LEADID"))
        if has_id and _has_all(probe, "Created Time") and (
            _has_all(probe, "Lead Source") or _has_all(probe, "Lead Status")
        ):
            return SURE - 5 + _name_bonus(probe, "zoho")
        return 0


INDIAMART_TYPES = {"W": "Direct enquiry", "B": "Buy lead", "P": "Call (PNS)"}


class IndiaMARTConnector:
    """IndiaMART Lead Manager pull API JSON (CODE / STATUS / RESPONSE[...])."""

    key = "indiamart"
    label = "IndiaMART Lead Manager (pull API JSON)"
    domain: Domain = "leads"
    COLUMNS: ClassVar[dict[str, str]] = {
        "lead_id": "UNIQUE_QUERY_ID", "date": "QUERY_TIME", "name": "SENDER_NAME", "phone": "SENDER_MOBILE",
        "email": "SENDER_EMAIL", "company": "SENDER_COMPANY",
    }

    def detect(self, probe: Probe) -> int:
        keys = set(probe.json_keys)
        if "UNIQUE_QUERY_ID" in keys or '"UNIQUE_QUERY_ID"' in probe.head_text:
            return SURE + 5
        if {"CODE", "STATUS"} <= keys and ("RESPONSE" in keys or "MESSAGE" in keys):
            return SURE
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        doc = load_json(spec)
        if isinstance(doc, dict) and "CODE" in doc and str(doc.get("CODE")).strip() != "200":
            message = doc.get("MESSAGE") or doc.get("STATUS") or "no message"
            raise SourceReadError(spec.name, f"IndiaMART answered CODE {doc.get('CODE')}: {message}")
        records = find_records(doc, "RESPONSE")
        if records is None:
            raise SourceReadError(spec.name, f"{spec.file.name} has no RESPONSE list of leads")
        nrows = spec.options.get(PREVIEW_ROWS)
        raw = records_frame(records, int(nrows) if nrows is not None else None)  # type: ignore[call-overload]
        if len(raw.columns) == 0:
            raw = pd.DataFrame(columns=["UNIQUE_QUERY_ID", "QUERY_TIME"], dtype="str")
        kind = text_column(raw, {"t": "QUERY_TYPE"} if "QUERY_TYPE" in raw else {}, "t").fillna("")
        label = kind.str.upper().map(INDIAMART_TYPES).fillna("Other")
        raw = raw.assign(_source="IndiaMART " + label.astype("str"))
        mapping = {"source": "_source"}
        for key, col in self.COLUMNS.items():
            if col in raw:
                mapping[key] = col
        mapping = _with_user_columns(mapping, raw, spec)
        # QUERY_TIME is IST wall-clock "YYYY-MM-DD HH:MM:SS": unambiguous, read as written.
        return canonicalise(raw, mapping, spec, self.key)


# --- the seed's own undated files ---------------------------------------------------------------


class _SeedConnector:
    """The original seed's `*_today` files: no dates, they describe "today" (has_dates=False)."""

    key = ""
    label = ""
    domain: Domain = "sales"
    HEADER: frozenset[str] = frozenset()
    JSON = False

    def detect(self, probe: Probe) -> int:
        names = set(probe.json_keys) if self.JSON else {h for h in probe.header if h}
        return 80 if {normalise_header(n) for n in names} == self.HEADER else 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = read_json_table(spec) if self.JSON else read_csv_table(spec)
        mapping = resolve_columns(raw.columns, self.domain, spec.columns, spec.name)
        return canonicalise(raw, mapping, spec, self.key)


class SeedSalesConnector(_SeedConnector):
    key = "seed_sales"
    label = "Seed sales_today.csv (order_id, amount)"
    domain: Domain = "sales"
    HEADER = frozenset({"orderid", "amount"})


class SeedLeadsConnector(_SeedConnector):
    key = "seed_leads"
    label = "Seed leads_today.json (name, source)"
    domain: Domain = "leads"
    HEADER = frozenset({"name", "source"})
    JSON = True


class SeedAttendanceConnector(_SeedConnector):
    key = "seed_attendance"
    label = "Seed attendance_today.csv (employee, present)"
    domain: Domain = "attendance"
    HEADER = frozenset({"employee", "present"})


PRESETS = (
    ShopifyConnector(), WooCommerceConnector(), ZKTecoConnector(), SalesforceConnector(),
    HubSpotConnector(), ZohoConnector(), IndiaMARTConnector(),
    SeedSalesConnector(), SeedLeadsConnector(), SeedAttendanceConnector(),
)

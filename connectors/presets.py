"""Presets for real exports, recognised from their header or content with no configuration.

Each knows one product's layout and its quirks (Shopify continuation rows, WooCommerce refund
items, ZKTeco's headerless punch log...). Detection looks at content, never only at the file
name; a matching name adds a small bonus. A user's `columns` mapping still overrides a preset.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from .base import Domain, Probe, SourceFrame, SourceReadError, SourceSpec
from .canonical import IssueLog, canonicalise
from .columns import normalise_header, resolve_columns, user_columns
from .files import read_csv_table, read_json_table
from .parsing import as_text, parse_dates_formats
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


# The Shopify and WooCommerce export presets live in connectors/shopify.py and connectors/woocommerce.py,
# next to the same vendors' API readers (one module per source family).


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
    SalesforceConnector(),
    HubSpotConnector(), ZohoConnector(),
    SeedSalesConnector(), SeedLeadsConnector(), SeedAttendanceConnector(),
)

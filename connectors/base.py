"""The contract between data sources and the rest of the app.

A connector is given a path and options and returns a canonical frame for one domain.
It knows nothing of KPIs, settings files or delivery (data flows one way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

Domain = Literal["sales", "leads", "attendance"]
DOMAINS: tuple[Domain, ...] = ("sales", "leads", "attendance")

# Canonical columns per domain. Every frame also carries `_row`: the row number a person
# would see in a spreadsheet (header = row 1), so errors can point at it.
REQUIRED_COLUMNS: dict[Domain, tuple[str, ...]] = {
    "sales": ("order_id", "ordered_at", "amount"),
    "leads": ("received_at", "source"),
    "attendance": ("employee", "date", "present"),
}
OPTIONAL_COLUMNS: dict[Domain, tuple[str, ...]] = {
    "sales": ("status", "product", "channel"),
    "leads": ("lead_id", "status", "name", "phone", "email", "company"),
    "attendance": (),
}
# Leads fields that identify a person: they stay on this PC (never in a prompt, log or history).
CONTACT_COLUMNS: tuple[str, ...] = ("name", "phone", "email", "company")
# The timestamp column of each domain, used to filter cumulative files to a date.
DATE_COLUMN: dict[Domain, str] = {"sales": "ordered_at", "leads": "received_at", "attendance": "date"}
# Canonical sales statuses that are not sales.
NOT_SALE_STATUSES = frozenset({"cancelled", "voided", "failed", "draft"})


@dataclass(frozen=True)
class SourceSpec:
    """What a connector is asked to read: one file (or URL) for one domain."""

    name: str
    domain: Domain
    path: str
    format: str = "auto"  # "auto", a connector key ("shopify", ...), or "csv" / "json" / "excel"
    columns: dict[str, str] = field(default_factory=dict)  # canonical name -> column in the file
    options: dict[str, object] = field(default_factory=dict)  # date_format, delimiter, encoding...
    # [sources.filter]: column (or "voucher_type", ...) -> the values a row must hold to be read
    filter: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser()


@dataclass(frozen=True)
class CellIssue:
    """One cell that could not be read; the message names source, row and column."""

    source: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"'{self.source}'"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class SourceFrame:
    """A connector's answer: the canonical frame plus what it noticed on the way."""

    frame: pd.DataFrame
    connector: str  # key of the connector that read it, e.g. "shopify"
    has_dates: bool  # False for the seed's *_today files: they describe "today" by modification time
    # cells that could not be read (rows kept, value NaN/NaT)
    issues: list[CellIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. ambiguous day/month order
    currencies: tuple[str, ...] = ()  # ISO codes the file states its amounts in (Shopify "Currency"), if any
    # what the owner should know about how the numbers were read (not a problem): "sales at invoice value"
    notes: list[str] = field(default_factory=list)


class SourceReadError(Exception):
    """The source as a whole cannot be read (missing file, unknown layout, no usable column)."""

    def __init__(self, source: str, message: str, row: int | None = None, column: str | None = None):
        self.issue = CellIssue(source, row, column, message)
        super().__init__(str(self.issue))


@dataclass(frozen=True)
class Probe:
    """A cheap look at a file so connectors can recognise it without reading it all."""

    path: Path
    suffix: str  # lower-case, with dot
    head_text: str  # first ~64 KiB decoded (best effort), "" for binary formats
    header: tuple[str, ...]  # column names of the first table found ("" entries kept), or () if unknown
    json_keys: tuple[str, ...] = ()  # for JSON: keys of the first record (or top-level keys)


@runtime_checkable
class Connector(Protocol):
    """A data-source reader. Built-in ones register exactly as third-party ones do."""

    key: str  # short id used in settings.toml `format = ...`
    label: str  # human name, shown in doctor and the settings dialog
    domain: Domain | None  # the domain it produces, or None for generic readers (csv/json/excel)

    def detect(self, probe: Probe) -> int:
        """How sure this connector is that it can read the file: 0 (no) .. 100 (certain)."""
        ...

    def read(self, spec: SourceSpec) -> SourceFrame:
        """Read the whole file into the canonical frame of `spec.domain`."""
        ...

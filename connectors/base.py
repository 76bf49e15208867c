"""The contract between data sources and the rest of the app.

A source is a file or a live service. A file connector is given a path and options and returns a
canonical frame for one domain. A service connector fetches the vendor's records changed in a time
window (pages of `Record`s keyed by the vendor's own id, kept in the local store by the caller) and
turns the stored records into the same canonical frame. Either knows nothing of KPIs, settings files
or delivery (data flows one way). See docs in /work/notes/live-framework.md and README "Live sources".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from .http import HttpClient

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
FILE_KIND = "file"
# Canonical sales statuses that are not sales.
# "reversed": an order returned or refunded in full, written in a plain table with its own positive amount
NOT_SALE_STATUSES = frozenset({"cancelled", "voided", "failed", "draft", "reversed"})


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
    kind: str = FILE_KIND  # "file", or the key of a ServiceConnector ("shopify", "woocommerce"...)
    # For a service: url, backfill_days, overlap_days, timezone (the business's, for local dates) and
    # any extra connection field the service declares. Never a secret: those come from FetchRequest.secret.
    service: dict[str, object] = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return self.kind != FILE_KIND

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser()


UNLISTED = "{} more unreadable cells not listed"  # the last issue of a capped list (canonical.IssueLog)
_UNLISTED = re.compile("^" + re.escape(UNLISTED).replace(re.escape("{}"), r"(\d+)") + "$")


def unlisted_count(issue: CellIssue) -> int | None:
    """How many cells a capped list's last issue stands for, or None for an issue about one cell."""
    found = _UNLISTED.match(issue.message) if issue.row is None else None
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class CellIssue:
    """One cell that could not be read; the message names source, row and column.

    `day` is the date the cell stands for when its row holds several days (a monthly sheet's row is a person's
    month): the report then judges the cell by that day rather than by the row's dates.
    """

    source: str
    row: int | None
    column: str | None
    message: str
    day: dt.date | None = None

    def __str__(self) -> str:
        return f"'{self.source}', {self.in_source()}" if self.row is not None or self.column else \
            f"'{self.source}': {self.message}"

    def in_source(self) -> str:
        """The issue without its source's name, for a sentence that names the source already."""
        where = ([f"row {self.row}"] if self.row is not None else []) + \
            ([f"column '{self.column}'"] if self.column else [])
        return f"{', '.join(where)}: {self.message}" if where else self.message


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


# --- live services ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceField:
    """One connection field a service asks for, declared by the connector for the dialog and doctor.

    `setting` fields are stored in settings.toml (`url`, or a key under the source's `[sources.service]`
    table); `secret` fields go to the OS keyring only, under the source's name.
    """

    name: str  # "url" (the generic address field), an extra key, or the secret's name ("access_token")
    label: str  # "Shop domain", "Admin API access token"
    help: str = ""  # one sentence shown under the field: where to find it, what it must look like
    secret: bool = False
    required: bool = True
    placeholder: str = ""


@dataclass(frozen=True)
class Record:
    """One record as the vendor sent it, keyed by the vendor's own id (re-fetching updates it)."""

    id: str
    data: Mapping[str, Any]  # JSON-serialisable; what frame() will be given back
    updated_at: str | None = None  # the vendor's modification time (ISO 8601), when it has one


@dataclass(frozen=True)
class Page:
    """One page of a fetch; `total_pages` (when the vendor says) drives the progress bar."""

    records: Sequence[Record]
    total_pages: int | None = None


@dataclass(frozen=True)
class FetchRequest:
    """What a service is asked to fetch: everything changed in [since, until) (UTC).

    `since` is None for a snapshot service (incremental = False): fetch everything it holds.
    """

    spec: SourceSpec
    since: dt.datetime | None
    until: dt.datetime
    client: HttpClient
    secret: Callable[[str], str | None]  # the source's secret by field name (keyring or BO_* variable)
    max_pages: int | None = None  # Connect/Test and doctor read one page only


class ServiceError(SourceReadError):
    """A fetch failed; the message is one sentence naming the source and what to do.

    `status` is the HTTP status when there was one, so the freshness note can say "(HTTP 503)".
    """

    def __init__(self, source: str, message: str, status: int | None = None):
        self.status = status
        super().__init__(source, message)


@runtime_checkable
class ServiceConnector(Protocol):
    """A live source. Registered exactly as file connectors are (same entry-point group); `key` is
    the `kind` in settings.toml. The caller owns the store, the window, retries of whole fetches,
    freshness and progress; the connector only speaks the vendor's protocol."""

    key: str
    label: str
    domain: Domain | None  # None: any domain the source declares (a Google Sheet can hold any of them)
    fields: tuple[ServiceField, ...]
    incremental: bool  # True: fetch() honours FetchRequest.since; False: every fetch is a full snapshot

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        """Pages of records changed since request.since; raises ServiceError with a clear sentence."""
        ...

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        """The canonical frame of `spec.domain` from stored records (each the `data` of a Record)."""
        ...

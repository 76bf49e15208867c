"""Live sources: fetch a service into the local store, and read its canonical frame back with its freshness.

The report never waits on a vendor to know what it knows: each service source keeps what it fetched
in `live.sqlite3` in the data folder (connectors/store.py). A fetch asks for what changed since the
last good one minus an overlap (orders are edited), or backfills `backfill_days` on first connection.
A failed fetch leaves the store as it was; the report then uses what the store holds and says so, with
the time of the last good fetch. A source that was never fetched is a clear failure, never zeros.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from connectors.base import (
    DATE_COLUMN,
    FetchRequest,
    Record,
    ServiceConnector,
    ServiceError,
    SourceFrame,
    SourceReadError,
    SourceSpec,
)
from connectors.store import RecordStore, SourceState

from . import __version__
from .cancel import Cancelled
from .paths import AppPaths
from .report import SourceStatus
from .settings import Settings

if TYPE_CHECKING:
    from connectors.http import HttpClient

log = logging.getLogger("business_orchestrator.live")
STORE_NAME = "live.sqlite3"
# Settings keys that do not change where the data comes from (changing them keeps the stored records).
_NOT_IDENTITY = frozenset({"backfill_days", "overlap_days", "timezone"})

Progress = Callable[[int, "int | None", int], None]  # pages done, total pages when known, records so far
Secrets = Callable[[str, str], "str | None"]  # (source name, field) -> secret


def _keyring_secret(source: str, name: str) -> str | None:
    from .secrets import SecretStoreUnavailable, get_source_secret

    try:
        return get_source_secret(source, name)
    except SecretStoreUnavailable as exc:
        raise ServiceError(source, str(exc)) from exc


def _default_client(timeout_s: float) -> HttpClient:
    from connectors.http import HttpClient, user_agent

    return HttpClient(user_agent=user_agent(__version__), timeout_s=timeout_s)


def identity(spec: SourceSpec) -> str:
    """Where a source's records come from: another shop or site means other records."""
    where = {key: value for key, value in spec.service.items() if key not in _NOT_IDENTITY}
    where["url"] = str(where.get("url", "")).strip().rstrip("/").removeprefix("https://").lower()
    return json.dumps({"kind": spec.kind, **where}, sort_keys=True, default=str)


def display_address(spec: SourceSpec) -> str:
    """The address as it may be printed: no query string (a sheet link's key stays out of logs)."""
    from connectors.http import safe_url

    url = str(spec.service.get("url", ""))
    try:
        shown = safe_url(url if "://" in url else f"https://{url}")
    except Exception:
        shown = url.split("?")[0][:60]
    # A sheet's key is as good as the link itself ("anyone with the link"): show its first characters only.
    return re.sub(r"(/spreadsheets/d/(?:e/)?)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+", r"\1\2…", shown)


@dataclass
class FetchResult:
    source: str
    ok: bool
    since: dt.datetime | None
    until: dt.datetime
    records: int = 0  # records received (written or updated)
    pages: int = 0
    seconds: float = 0.0
    message: str = ""
    status: int | None = None
    preview: list[Record] = field(default_factory=list)  # the records of a check (max_pages), not stored


@dataclass(frozen=True)
class Freshness:
    """What the store holds for a source and how fresh it is, for the report's sentence."""

    as_of: dt.datetime | None  # the last good fetch
    covered_since: dt.datetime | None = None  # the oldest moment fetched (the backfill's start)
    failed_at: dt.datetime | None = None  # a later fetch that failed
    error: str | None = None
    records: int = 0

    def note(self, name: str, zone: ZoneInfo) -> str | None:
        """The fallback sentence ("Shop: the fetch at 18:00 failed: the shop answered HTTP 503; numbers as of
        17:45"), or None when the last fetch worked."""
        if self.failed_at is None or self.error is None:
            return None
        failed = self.failed_at.astimezone(zone)
        as_of = self.as_of.astimezone(zone) if self.as_of else None
        same_day = as_of is not None and as_of.date() == failed.date()
        when = f"{as_of:%H:%M}" if same_day else (f"{as_of:%Y-%m-%d %H:%M}" if as_of else "never")
        reason = self.error.removeprefix(f"'{name}': ").removesuffix("; try again later")
        return f"{name}: the fetch at {failed:%H:%M} failed: {reason}; numbers as of {when}"


class LiveSources:
    """Fetches service sources into one store and reads them back. One per run (tray job or CLI command)."""

    def __init__(self, store: RecordStore, *, client: Callable[[], HttpClient] | None = None,
                 secrets: Secrets = _keyring_secret, timeout_s: float = 20.0, fetch_on_read: bool = True):
        self.store = store
        self.fetch_on_read = fetch_on_read  # False: the report reads the store as it is (show-prompt, doctor)
        self._client_factory = client or (lambda: _default_client(timeout_s))
        self._secrets = secrets

    @classmethod
    def for_paths(cls, paths: AppPaths, **kwargs: object) -> LiveSources:
        return cls(RecordStore(paths.data / STORE_NAME), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def service(spec: SourceSpec) -> ServiceConnector:
        from connectors.registry import service_for

        return service_for(spec)

    def window(self, spec: SourceSpec, service: ServiceConnector, now: dt.datetime,
               since: dt.date | dt.datetime | None = None) -> dt.datetime | None:
        """Where this fetch starts: an explicit date, else the last good window's end minus the overlap,
        else the backfill (midnight, business time, `backfill_days` ago). None for a snapshot service."""
        if not service.incremental:
            return None
        zone = ZoneInfo(str(spec.service.get("timezone") or "UTC"))
        if isinstance(since, dt.datetime):
            return since
        if isinstance(since, dt.date):
            return dt.datetime.combine(since, dt.time(), zone)
        state = self.store.state(spec.name)
        backfill = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), zone) - \
            dt.timedelta(days=int(spec.service.get("backfill_days") or 60))
        if state is None or state.identity != identity(spec) or state.covered_until is None:
            return backfill
        start = state.covered_until - dt.timedelta(days=int(spec.service.get("overlap_days") or 0))
        if state.covered_since is not None and backfill < state.covered_since:
            return backfill  # backfill_days was raised: fetch the older days too
        return start

    def fetch(self, spec: SourceSpec, *, since: dt.date | dt.datetime | None = None, now: dt.datetime | None = None,
              progress: Progress | None = None, max_pages: int | None = None) -> FetchResult:
        """Fetch what changed and store it atomically; a failure is recorded, the records stay as they were.

        With `max_pages` (Connect/Test, doctor) nothing is stored: the records come back in `preview`.
        """
        now = now or dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        try:
            service = self.service(spec)
        except SourceReadError as exc:
            return FetchResult(spec.name, False, None, now, message=exc.issue.message)
        start = self.window(spec, service, now, since)
        result = FetchResult(spec.name, False, start, now)
        too_soon = self._too_soon(spec, service, now) if max_pages is None else None
        if too_soon:  # the vendor's own rate rule (IndiaMART: one poll every 15 minutes): keep what is stored
            result.ok, result.message = True, too_soon
            log.info("not fetching %r: %s", spec.name, too_soon)
            return result
        records: list[Record] = []
        try:
            with self._client_factory() as client:
                request = FetchRequest(spec, start, now, client, lambda name: self._secrets(spec.name, name),
                                       max_pages=max_pages)
                for page in service.fetch(request):
                    records.extend(page.records)
                    result.pages += 1
                    if progress is not None:
                        progress(result.pages, page.total_pages, len(records))
        except Cancelled:
            raise
        except ServiceError as exc:
            result.message, result.status = exc.issue.message, exc.status
        except Exception as exc:  # a connector's bug or a vendor's surprise: the report must still go out
            log.exception("fetching %r failed", spec.name)
            result.message = f"the fetch failed unexpectedly ({type(exc).__name__}: {str(exc)[:160]}); details in " \
                             "the log file"
        result.seconds = time.perf_counter() - started
        result.records = len(records)
        if max_pages is not None:
            result.ok, result.preview = not result.message, records
            return result
        if result.message:
            self.store.save_failure(spec.name, identity(spec), result.message, result.status, now)
            log.warning("fetch of %r failed: %s", spec.name, result.message)
            return result
        self.store.save_fetch(spec.name, identity(spec), records, since=start, until=now, finished_at=now,
                              snapshot=not service.incremental)
        result.ok = True
        log.info("fetched %r from %s: %d record(s), %d page(s) in %.1f s", spec.name, display_address(spec),
                 len(records), result.pages, result.seconds)
        return result

    def _too_soon(self, spec: SourceSpec, service: ServiceConnector, now: dt.datetime) -> str | None:
        """Why this fetch must wait, for a service that declares `min_interval_s` (None: go ahead)."""
        gap = float(getattr(service, "min_interval_s", 0) or 0)
        state = self.store.state(spec.name) if gap else None
        last = state.last_attempt_at if state is not None else None
        if last is None or now - last >= dt.timedelta(seconds=gap):
            return None
        return (f"not fetched: {service.label} allows one fetch every {gap / 60:g} minutes and the last was "
                f"{(now - last).total_seconds() / 60:.0f} min ago; the stored data is used")

    def state(self, spec: SourceSpec) -> SourceState | None:
        state = self.store.state(spec.name)
        return state if state is not None and state.identity == identity(spec) else None

    def load(self, spec: SourceSpec) -> tuple[SourceFrame, Freshness]:
        """The canonical frame from the stored records, and how fresh they are. No network."""
        state = self.state(spec)
        if state is None or state.last_good_at is None:
            other = self.store.state(spec.name)
            reason = other.last_error if other is not None and other.last_error else "it has not been fetched yet"
            raise SourceReadError(spec.name, f"no data from {display_address(spec)}: {reason}; fix that and run "
                                             f"`business-orchestrator sources fetch \"{spec.name}\"`")
        service = self.service(spec)
        frame = service.frame(spec, self.store.records(spec.name))
        failed = state.last_attempt_at if state.last_error else None
        return frame, Freshness(state.last_good_at, state.covered_since, failed, state.last_error, state.records)


def read_live(spec: SourceSpec, live: LiveSources | None,
              checkpoint: Callable[[str], None]) -> tuple[SourceFrame, Freshness]:
    """Fetch (when the run does) and read a live source for the report; the steps go to `checkpoint`."""
    if live is None:
        raise SourceReadError(spec.name, "live sources need the app's data folder; run the report from the app "
                                         "or the business-orchestrator command")
    if live.fetch_on_read:
        checkpoint(f"Fetching {spec.name}…")

        def progress(pages: int, total: int | None, records: int) -> None:
            of = f" of {total}" if total else ""
            checkpoint(f"Fetching {spec.name}: page {pages}{of}, {records} record(s)…")

        live.fetch(spec, progress=progress)
    return live.load(spec)


def read_live_source(spec: SourceSpec, day: dt.date, settings: Settings, live: LiveSources | None,
                     checkpoint: Callable[[str], None]) -> tuple[SourceStatus, pd.DataFrame | None,
                                                                 tuple[dt.date, dt.date] | None, list[str]]:
    """What pipeline._read_one answers for a file, for a live source: fetch (when the run does), read the
    store, check its cells, then judge coverage by the fetches instead of a file's dates and mtime."""
    from .pipeline import _check_cells, _foreign_currency

    status = SourceStatus(name=spec.name, domain=spec.domain, path=display_address(spec), status="failed",
                          kind=spec.kind)
    try:
        result, fresh = read_live(spec, live, checkpoint)
        status.connector, status.rows = result.connector, len(result.frame)
        frame, warnings = _check_cells(spec, result, day)
    except SourceReadError as exc:
        status.message = str(exc)
        return status, None, None, [str(exc)]
    warnings = [f"{spec.name}: {warning}" for warning in result.warnings] + warnings
    foreign = _foreign_currency(spec, result, settings)
    if foreign:
        status.message = foreign
        return status, None, None, [status.message, *warnings]
    answer = service_status(spec, day, settings, status, frame, fresh, warnings)
    notes = getattr(result, "notes", None)  # how it was read (india's SourceFrame.notes: Tally's GST basis)
    if answer[0].status == "ok" and not answer[0].message and notes:
        answer[0].message = "; ".join(notes)
    return answer


def service_status(spec: SourceSpec, day: dt.date, settings: Settings, status: SourceStatus, frame: pd.DataFrame,
                   fresh: Freshness, warnings: list[str]) -> tuple[SourceStatus, pd.DataFrame | None,
                                                                   tuple[dt.date, dt.date] | None, list[str]]:
    """The pipeline's answer for a live source: its coverage runs from the first fetched day to the day of the
    last good fetch, so an empty day inside it is a real zero and a day after it is stale, never invented."""
    zone = settings.business.zone
    column = DATE_COLUMN[spec.domain]
    frame = frame.dropna(subset=[column])
    as_of = fresh.as_of.astimezone(zone) if fresh.as_of else None
    status.fetched_at = as_of.isoformat(timespec="seconds") if as_of else None
    note = fresh.note(spec.name, zone)
    if note:
        warnings = [note, *warnings]
        status.message = note
    dates = frame[column]
    if not dates.empty:
        status.first_date, status.last_date = dates.min().date().isoformat(), dates.max().date().isoformat()
    start = fresh.covered_since.astimezone(zone).date() if fresh.covered_since else \
        (dates.min().date() if not dates.empty else day)
    end = as_of.date() if as_of else day
    if not start <= day <= end:
        status.status = "stale"
        status.message = (f"{spec.name}: stale — fetched data covers {start} to {end} (last good fetch "
                          f"{as_of:%Y-%m-%d %H:%M}); nothing covers {day}") + (f". {note}" if note else "")
        return status, None, None, [status.message, *(warnings[1:] if note else warnings)]
    status.status = "ok"
    return status, frame, (start, end), warnings


def fetch_note(result: FetchResult) -> str:
    """One line for the CLI and the tray's steps."""
    if not result.ok:
        return f"{result.source}: {result.message}"
    return f"{result.source}: {result.records} record(s) in {result.pages} page(s), {result.seconds:.1f} s"


def store_path(paths: AppPaths) -> Path:
    return paths.data / STORE_NAME

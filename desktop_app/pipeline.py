"""run_report: the one path from sources to a saved report. The CLI and the tray both call it.

Data flows one way: sources -> KPIs -> insights -> rendering -> history. A source that fails
or is stale never stops the report; its domain is left out and the report says why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from connectors import read_source
from connectors.base import (
    DATE_COLUMN,
    DOMAINS,
    CellIssue,
    Domain,
    SourceFrame,
    SourceReadError,
    SourceSpec,
    unlisted_count,
)
from connectors.quoting import cut, cut_message

from .alerts import check_alerts
from .cancel import Cancelled
from .explain import explain
from .history import HistoryStore
from .history_sync import sync_history
from .insights.engine import write_insights
from .kpis import DomainData, Headcount, compute_attendance, compute_leads, compute_sales
from .live import LiveSources, read_live_source
from .outbox import Outbox
from .parallel_read import warm_cache
from .paths import AppPaths
from .redact import redact_report, redact_status, redact_urls
from .render import render_html, render_text
from .report import Report, SourceStatus
from .send_policy import hold_back_reason
from .settings import Settings
from .source_cache import SourceCache

log = logging.getLogger("business_orchestrator.pipeline")
KPI_WINDOW_DAYS = 8  # unreadable cells on these days (or on unknown days) make a domain fail
HISTORY_DAYS = 62  # the month for goals, 8 weeks of the same weekday for anomalies
# The oldest row a day's KPIs read: the 30-day headcount estimate (the previous open day is at most 14
# days back, the week-ago day 7). Goals, anomalies and the chart read history bodies, not rows.
LOOKBACK_DAYS = 30
MAX_LISTED_ISSUES = 3


class NoSourcesError(Exception):
    """Nothing to read: a report of nothing would go to history and the owner's phone as if it were a day."""


def require_sources(settings: Settings, specs: list[SourceSpec]) -> None:
    if specs:
        return
    switched_off = len(settings.sources)
    why = f"all {switched_off} source(s) are switched off (enabled = false)" if switched_off else \
        "no sources are set up"
    raise NoSourcesError(f"{why}, so there is nothing to report and nothing was saved: add a [[sources]] table to "
                         "settings.toml (or use the Sources tab), or run `business-orchestrator import-seed FOLDER`")


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[str], None]


@dataclass
class _DomainRead:
    frames: list[pd.DataFrame] = field(default_factory=list)
    coverage: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    failed: bool = False


def today_in(settings: Settings, now: dt.datetime | None = None) -> dt.date:
    return settings.business.today(now)


def _mtime_day(path: Path, settings: Settings) -> tuple[dt.date, dt.datetime]:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).astimezone(settings.business.zone)
    return stamp.date(), stamp


def _describe_issues(issues: list[CellIssue]) -> str:
    """The first few issues, without the source's name (the error names it), and how many more there are
    in all: a capped list ends with a count of the cells it left out (IssueLog)."""
    counts = [unlisted_count(issue) for issue in issues]
    cells = [issue for issue, count in zip(issues, counts, strict=True) if count is None]
    listed = "; ".join(issue.in_source() for issue in cells[:MAX_LISTED_ISSUES])
    more = max(len(cells) - MAX_LISTED_ISSUES, 0) + sum(count for count in counts if count is not None)
    return listed + (f" (and {more} more)" if more > 0 else "")


def _check_cells(spec: SourceSpec, result: SourceFrame, day: dt.date) -> tuple[pd.DataFrame, list[str]]:
    """Fail on unreadable cells that could change this report; ignore (with a warning) older ones.

    A cell's row counts as older only if its date was read and falls before the KPI window; a row
    whose date is unknown, or that is not in the frame at all, could be the report day's.
    """
    frame = result.frame
    if not result.issues:
        return frame, []
    column = DATE_COLUMN[spec.domain]
    by_row = [issue for issue in result.issues if issue.day is None]
    by_day = [issue for issue in result.issues if issue.day is not None]
    bad_rows = {issue.row for issue in by_row}
    if None in bad_rows:
        raise SourceReadError(spec.name, _describe_issues(result.issues))
    window_start = pd.Timestamp(day - dt.timedelta(days=KPI_WINDOW_DAYS))
    if result.has_dates:
        stamps = frame.loc[frame["_row"].isin(bad_rows), ["_row", column]]
        old_rows = set(stamps.loc[stamps[column].notna() & (stamps[column] < window_start), "_row"].astype(int))
    else:
        old_rows = set()
    relevant = [issue for issue in by_row if issue.row not in old_rows]
    relevant += [issue for issue in by_day if window_start <= pd.Timestamp(issue.day) <= pd.Timestamp(day)]
    if relevant:
        raise SourceReadError(spec.name, _describe_issues(relevant))
    count = sum(unlisted_count(issue) or 1 for issue in result.issues)
    ignored = (f"{spec.name}: {count} unreadable cell(s) in rows dated before {window_start:%Y-%m-%d} "
               f"{'or after the report day ' if by_day else ''}were left out (first: {result.issues[0]})")
    unread = frame["_row"].isin(bad_rows)
    if by_day:  # a row of a monthly sheet is a person's month: only the day of the cell is left out
        cells = pd.MultiIndex.from_tuples([(issue.row, pd.Timestamp(issue.day)) for issue in by_day])
        unread |= pd.MultiIndex.from_arrays([frame["_row"], frame[column]]).isin(cells)
    kept = frame[~unread]
    if "present" in kept and kept["present"].dtype != bool:  # and the unlisted unread marks of a capped list
        kept = kept[kept["present"].notna()].astype({"present": bool})
    return kept, [ignored]


def _foreign_currency(spec: SourceSpec, result: SourceFrame, settings: Settings) -> str | None:
    """Amounts stated in another currency are not added to the report's: say so instead of printing them as ₹."""
    foreign = [code for code in result.currencies if code != settings.business.currency]
    if not foreign:
        return None
    return (f"{spec.name}: the amounts are in {', '.join(result.currencies)}, but the report is in "
            f"{settings.business.currency}, so they were not added (no exchange rate is applied); if this business "
            f"reports in {foreign[0]}, set the currency in Settings → Business")


def rows_since(day: dt.date, past_days: int = 0) -> dt.date:
    """The oldest day whose rows a report on `day` (and on the `past_days` before it) can read."""
    return day - dt.timedelta(days=past_days + LOOKBACK_DAYS)


def _read_one(spec: SourceSpec, day: dt.date, settings: Settings,
              cache: SourceCache | None = None) -> tuple[SourceStatus, pd.DataFrame | None,
                                                         tuple[dt.date, dt.date] | None, list[str]]:
    status = SourceStatus(name=spec.name, domain=spec.domain, path=spec.path, status="failed")
    try:
        result = cache.read(spec) if cache is not None else read_source(spec)
        status.connector, status.rows = result.connector, len(result.frame)
        frame, warnings = _check_cells(spec, result, day)
    except SourceReadError as exc:
        status.message = str(exc)
        return status, None, None, [str(exc)]
    warnings = [f"{spec.name}: {warning}" for warning in result.warnings] + warnings
    foreign = _foreign_currency(spec, result, settings)
    if foreign:
        status.message = foreign
        return status, None, None, [foreign, *warnings]
    changed_day, changed_at = _mtime_day(spec.file, settings)
    column = DATE_COLUMN[spec.domain]
    if not result.has_dates:
        max_age = settings.report.stale_after_hours
        too_old = max_age and dt.datetime.now(dt.UTC) - changed_at > dt.timedelta(hours=max_age)
        if changed_day != day or too_old:
            status.status = "stale"
            status.message = (f"{spec.name}: stale — the file has no dates and was last changed "
                              f"{changed_at:%Y-%m-%d %H:%M}, not on {day}; its numbers were not used")
            return status, None, None, [status.message, *warnings]
        frame = frame.assign(**{column: pd.Timestamp(day)})
        status.status = "ok"
        status.message = f"no dates in the file: counted for {day} because it was changed {changed_at:%Y-%m-%d %H:%M}"
        return status, frame, (day, day), warnings
    dates = frame[column].dropna()
    if dates.empty:
        status.message = f"{spec.name}: no rows with a readable date"
        return status, None, None, [status.message, *warnings]
    first, last = dates.min().date(), dates.max().date()
    status.first_date, status.last_date = first.isoformat(), last.isoformat()
    coverage = (first, max(last, changed_day))
    if not coverage[0] <= day <= coverage[1]:
        status.status = "stale"
        status.message = (f"{spec.name}: stale — rows run {first} to {last} and the file was last changed "
                          f"{changed_day}; nothing covers {day}")
        return status, None, None, [status.message, *warnings]
    status.status = "ok"
    if result.notes:
        status.message = "; ".join(result.notes)
    if day > last:
        warnings.append(f"{spec.name}: no rows dated {day}; the newest row is from {last}")
    return status, frame.dropna(subset=[column]), coverage, warnings


def _read_roster(path: str) -> set[str]:
    """The employee ids (or names) listed in the roster file's employee column."""
    file = Path(path).expanduser()
    frame = pd.read_excel(file, dtype=str) if file.suffix.lower() in (".xlsx", ".xlsm") else \
        pd.read_csv(file, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    wanted = [col for col in frame.columns if str(col).strip().lower() in ("employee", "emp id", "name", "employee id")]
    column = wanted[0] if wanted else frame.columns[0]
    return set(frame[column].dropna().astype(str).str.strip().replace("", pd.NA).dropna())


def _on_roster(data: DomainData, roster: set[str], day: dt.date, path: str, warnings: list[str]) -> DomainData:
    """Only people on the roster count; anyone else marked present on the report day is named in a warning."""
    frame = data.frame
    listed = frame["employee"].astype(str).str.strip().isin(roster)
    if not listed.any():
        warnings.append(f"attendance: none of the employees in the attendance file are on the roster '{path}' "
                        f"(e.g. {cut(frame['employee'].iloc[0]) if len(frame) else '–'}); check that both list the "
                        f"same ids; everyone in the file was counted")
        return data
    on_day = frame["date"].notna() & (frame["date"].dt.date == day) & frame["present"].astype(bool)
    strangers = sorted(frame.loc[on_day & ~listed, "employee"].astype(str).unique())
    if strangers:
        names = ", ".join(cut(name, 20) for name in strangers[:8]) + (" …" if len(strangers) > 8 else "")
        warnings.append(f"attendance: {len(strangers)} employee(s) marked present on {day} are not on the roster "
                        f"and were not counted: {names}; add them to '{path}' or correct their ids")
    return DomainData(frame[listed], data.coverage)


def _headcount(settings: Settings, warnings: list[str], data: DomainData | None = None,
               day: dt.date | None = None) -> tuple[Headcount, DomainData | None]:
    roster_path = settings.attendance.roster
    if roster_path:
        try:
            roster = _read_roster(roster_path)
        except (OSError, ValueError, IndexError, pd.errors.ParserError) as exc:
            warnings.append(f"roster '{roster_path}' could not be read ({cut_message(exc)}); headcount estimated")
        else:
            if data is not None and day is not None:
                data = _on_roster(data, roster, day, roster_path, warnings)
            return Headcount(fixed=len(roster)), data
    return Headcount(fixed=settings.attendance.headcount or None), data


@dataclass
class SourceData:
    """Everything read from the sources for one report date."""

    day: dt.date
    domains: dict[Domain, DomainData | None]
    statuses: list[SourceStatus]
    warnings: list[str]


def read_sources(settings: Settings, specs: list[SourceSpec], day: dt.date,
                 checkpoint: Progress = lambda step: None, cache: SourceCache | None = None,
                 live: LiveSources | None = None, since: dt.date | None = None) -> SourceData:
    """Read every source (through `cache` when given: unchanged files are not parsed again).

    Live sources are fetched first through `live` (see live.py), then read from its store. With
    `since` (see rows_since), the frames keep only rows dated from that day on: the KPIs of a year-long
    export then work on the weeks they read, while each source's status, dates, coverage and unreadable
    cells still describe the whole file."""
    warnings: list[str] = []
    statuses: list[SourceStatus] = []
    reads: dict[Domain, _DomainRead] = {domain: _DomainRead() for domain in DOMAINS}
    branches = {source.name: source.branch.strip() for source in settings.sources}
    if cache is not None and len(specs) > 1:
        checkpoint(f"Reading {specs[0].name}…")
        warm_cache(cache, specs)  # the files missing from the cache, parsed side by side into it
    for spec in specs:
        checkpoint(f"Reading {spec.name}…")
        status, frame, coverage, notes = read_live_source(spec, day, settings, live, checkpoint) \
            if spec.is_service else _read_one(spec, day, settings, cache)
        statuses.append(status)
        warnings += notes
        read = reads[spec.domain]
        if frame is not None and since is not None:
            frame = frame[frame[DATE_COLUMN[spec.domain]] >= pd.Timestamp(since)]
        if frame is None:
            read.failed = True
        else:
            read.frames.append(frame.assign(_source=spec.name, branch=branches.get(spec.name) or None))
            read.coverage.append(coverage)
    domains: dict[Domain, DomainData | None] = {}
    for domain, read in reads.items():
        if not read.frames and not read.failed:
            warnings.append(f"no {domain} source configured")
        if read.failed or not read.frames:
            domains[domain] = None
            continue
        span = (max(c[0] for c in read.coverage), min(c[1] for c in read.coverage))
        domains[domain] = DomainData(pd.concat(read.frames, ignore_index=True), span)
    for status in statuses:
        redact_status(status)
    return SourceData(day, domains, statuses, [redact_urls(warning) for warning in warnings])


def build_report(settings: Settings, data: SourceData, day: dt.date, history: dict[dt.date, dict],
                 *, demo: bool = False) -> Report:
    """KPIs for `day` from already-read sources (no insights yet)."""
    business = settings.business
    warnings = list(data.warnings)
    report = Report(
        date=day, currency=business.currency, business=business.name, sales=None, leads=None, attendance=None,
        warnings=warnings, sources=list(data.statuses), demo=demo, locale=business.locale,
    )
    sales, leads, attendance = (data.domains[d] for d in DOMAINS)
    if sales:
        report.sales = compute_sales(sales, day, business.previous_open_day, business.is_open, history)
    if leads:
        report.leads = compute_leads(leads, day, business.previous_open_day, business.is_open, history)
    if attendance:
        headcount, attendance = _headcount(settings, warnings, attendance, day)
        report.attendance = compute_attendance(attendance, day, business.previous_open_day, history, headcount)
    return explain(report, settings, data, history)


def finish_report(report: Report, *, offline: bool, settings: Settings | None = None,
                  paths: AppPaths | None = None, history: dict[dt.date, dict] | None = None,
                  progress: Progress | None = None) -> Report:
    """Insights (AI when settings and paths allow it, else rules), then the rendered text and HTML."""
    if report.closed:  # one line says it all: no LLM call, no tokens spent
        from .insights.engine import InsightResult
        from .insights.rules import rule_insights

        insights = InsightResult(rule_insights(report), "rules", "closed day")
    else:
        insights = write_insights(report, settings=settings, paths=paths, history=history, offline=offline,
                                  progress=progress)
    report.insights, report.engine, report.engine_reason = insights.bullets, insights.engine, insights.reason
    redact_report(report)
    report.llm_model, report.llm_tokens, report.guard_dropped = insights.model, insights.usage, len(insights.dropped)
    if report.engine == "ai":
        from .insights.guard import extract_claims

        report.numbers_checked = sum(len(extract_claims(bullet)) for bullet in report.insights)
    report.text, report.html = render_text(report), render_html(report)
    return report


def save_report(report: Report, settings: Settings, paths: AppPaths, store: HistoryStore, *, send: bool,
                hold_until: dt.datetime | None = None) -> None:
    """Save `report` to history and, with `send`, queue its deliveries in the same transaction (both land or
    neither); the CSV log gets its row. Demo reports are never queued or logged."""
    from .channels.registry import delivery_targets

    destinations = delivery_targets(settings) if send and not report.demo else []
    held_back = hold_back_reason(settings, report, store.path) if destinations else None
    if held_back:
        log.info("report for %s saved, not sent: %s", report.date, held_back)
        destinations = []
    outbox = Outbox(store.path) if destinations else None
    csv_log = settings.report.write_csv_log and not report.demo
    with store.transaction() as conn:
        revision = store.save_in(conn, report, csv_log=csv_log)
        if outbox is not None:
            outbox.enqueue_in(conn, report, revision, destinations, hold_until=hold_until)
    if csv_log:
        store.flush_csv_log(paths.summary_log)  # this row, and any a crash kept from the file


def history_window(store: HistoryStore, day: dt.date) -> dict[dt.date, dict]:
    """Past reports the KPIs (previous day, last week, 7-day mean), goals, weekday anomalies and the AI
    payload look back on."""
    return store.bodies(day - dt.timedelta(days=HISTORY_DAYS), day - dt.timedelta(days=1))


def report_without_insights(settings: Settings, paths: AppPaths, day: dt.date | None = None, *,
                            specs: list[SourceSpec] | None = None, demo: bool = False,
                            store: HistoryStore | None = None) -> tuple[Report, dict[dt.date, dict]]:
    """The KPIs and the history they were computed with, nothing written: for `generate --show-prompt`."""
    day = day or today_in(settings)
    store = store or HistoryStore.for_settings(settings, paths.history_db)
    history = history_window(store, day)
    if settings.business.head_office and not demo and specs is None:  # the whole business's report
        from .consolidated_run import consolidated_for, open_history

        return consolidated_for(open_history(settings, paths), day, settings), history
    data = read_sources(settings, settings.specs() if specs is None else specs, day, cache=SourceCache(paths.cache),
                        live=LiveSources.for_paths(paths, fetch_on_read=False), since=rows_since(day))
    return build_report(settings, data, day, history, demo=demo), history


def run_report(
    settings: Settings,
    paths: AppPaths,
    day: dt.date | None = None,
    *,
    specs: list[SourceSpec] | None = None,
    demo: bool = False,
    offline: bool = False,
    store: HistoryStore | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    save: bool = True,
    send: bool = False,
    hold_until: dt.datetime | None = None,
    alerts: bool | None = None,
) -> Report:
    """Read every source, compute the KPIs, write insights, render, and save to history.

    With `send`, the report's delivery rows (one per enabled channel's destination) are written in
    the same transaction as the report; `desktop_app.delivery.send_pending` sends them. `hold_until`
    keeps them back for the owner's approval until then (they go out by themselves at that time).
    Demo reports are never queued. `alerts` (default: `send`) checks the alert rules as a scheduled
    run does; a rule fires once a day, queued to every enabled channel.
    """
    notify = progress or (lambda step: None)

    def checkpoint(step: str) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled(step)
        notify(step)

    day = day or today_in(settings)
    if settings.business.head_office and not demo and specs is None:  # every branch's reports, not sources
        from .consolidated_run import run_consolidated

        return run_consolidated(settings, paths, day, offline=offline, store=store, progress=checkpoint, save=save,
                                send=send, hold_until=hold_until)
    specs = settings.specs() if specs is None else specs
    if save and not demo:
        require_sources(settings, specs)
    store = store or HistoryStore.for_settings(settings, paths.history_db)
    backfill = settings.report.backfill_days if save and not demo else 0
    data = read_sources(settings, specs, day, checkpoint, SourceCache(paths.cache), LiveSources.for_paths(paths),
                        since=rows_since(day, backfill))
    checkpoint("Computing KPIs…")
    corrections = []
    if save and not demo:
        added, corrections = sync_history(settings, data, day, store)
        if added:
            notify(f"History: {added} past day(s) computed from your sources")
    history = history_window(store, day)
    report = build_report(settings, data, day, history, demo=demo)
    report.corrections = corrections
    if (send if alerts is None else alerts) and save and not demo:
        report.alerts = check_alerts(settings, store, report, data, scheduled=True)
    checkpoint("Writing insights…")
    finish_report(report, offline=offline, settings=settings, paths=paths, history=history, progress=checkpoint)
    if save:
        checkpoint("Saving…")
        save_report(report, settings, paths, store, send=send and not demo, hold_until=hold_until)
    log.info("report for %s: %s, engine %s, %d warning(s)", day, "complete" if report.complete else "partial",
             report.engine, len(report.warnings))
    return report

"""The head office's run: every branch's reports from the shared history -> the consolidated report ->
insights (rules, or the LLM with the number guard) -> rendered text -> this PC's history and outbox.

`run_report` comes here when `[business] head_office` is on, so the CLI, the tray and the schedule make and
deliver it exactly as they make and deliver a branch's report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from .consolidated import consolidate
from .history import HistoryStore
from .paths import AppPaths
from .pipeline import finish_report, history_window, save_report
from .report import Report
from .settings import Settings

log = logging.getLogger("business_orchestrator.consolidated")
LOOKBACK_DAYS = 14  # branch reports read before the day: previous day and same weekday last week
EXPECTED_WITHIN_DAYS = 35  # a branch silent longer than this (closed down, renamed) is no longer awaited


class BranchInfoLike(Protocol):
    branch: str


class BranchHistory(Protocol):
    """What the shared history answers (storage/shared.py): every branch's reports, and every branch."""

    def branch_reports(self, first: dt.date, last: dt.date,
                       branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, Report]]: ...

    def branches(self) -> list[BranchInfoLike]: ...


def open_history(settings: Settings, paths: AppPaths) -> BranchHistory:
    from .storage.shared import open_branch_history

    return open_branch_history(settings, paths)


def branch_reports_only(reports: Mapping[str, Mapping[dt.date, Report]]) -> dict[str, dict[dt.date, Report]]:
    """Leave out any consolidated report found among the branches' (a head office's own row): counted once,
    and a head office is not a branch that 'has not reported'."""
    return {branch: {day: report for day, report in days.items() if report.consolidated is None}
            for branch, days in reports.items()}


def consolidated_for(history: BranchHistory, day: dt.date, settings: Settings | None = None) -> Report:
    """The whole business's KPIs for `day` from the shared history (no insights, nothing saved): what the
    scenario test and the benchmark call, and what `run_consolidated` finishes."""
    found = history.branch_reports(day - dt.timedelta(days=LOOKBACK_DAYS), day)
    head_offices = {name for name, days in found.items() if any(r.consolidated is not None for r in days.values())}
    reports = {name: days for name, days in branch_reports_only(found).items() if name not in head_offices}
    recent = day - dt.timedelta(days=EXPECTED_WITHIN_DAYS)
    expected = [info.branch for info in history.branches() if info.branch not in head_offices
                and (getattr(info, "last_date", None) is None or info.last_date >= recent)]
    return consolidate(reports, day, settings, expected=expected)


def run_consolidated(settings: Settings, paths: AppPaths, day: dt.date, *, history: BranchHistory | None = None,
                     offline: bool = False, store: HistoryStore | None = None,
                     progress: Callable[[str], None] | None = None, save: bool = True, send: bool = False,
                     hold_until: dt.datetime | None = None) -> Report:
    """Make, save and (with `send`) queue the head office's report for `day`, as `run_report` does a branch's.

    The shared history that cannot be reached raises its own error (storage.shared.SharedUnavailable), with
    the reason: a whole-business report of no branches would be wrong, not partial."""
    notify = progress or (lambda step: None)
    notify("Reading every branch's reports…")
    history = history or open_history(settings, paths)
    report = consolidated_for(history, day, settings)
    store = store or HistoryStore.for_settings(settings, paths.history_db)
    past = history_window(store, day)  # this PC's earlier whole-business reports: the AI's 7-day context
    notify("Writing insights…")
    finish_report(report, offline=offline, settings=settings, paths=paths, history=past, progress=progress)
    if save:
        notify("Saving…")
        save_report(report, settings, paths, store, send=send, hold_until=hold_until)
    missing = report.consolidated.missing if report.consolidated else []
    log.info("whole-business report for %s: %d branch(es), %d not reported, engine %s", day,
             len(report.consolidated.branches) if report.consolidated else 0, len(missing), report.engine)
    return report


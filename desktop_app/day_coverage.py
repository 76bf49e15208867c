"""Which sources had nothing for the day on screen, said the way the owner reads it.

A source can be read without error and still not cover the day: an export whose newest row is
months old reads as "₹0 sales", which is a wrong number, not a quiet day. The summary marks such a
source on its line and on its card and calls the report partial.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from .report import Report, SourceStatus


def newest_row(status: SourceStatus) -> dt.date | None:
    try:
        return dt.date.fromisoformat(status.last_date) if status.last_date else None
    except ValueError:
        return None


def misses_day(status: SourceStatus, day: dt.date) -> bool:
    """Read fine, but its newest row is older than `day`."""
    newest = newest_row(status)
    return status.status == "ok" and newest is not None and newest < day


def no_data_note(status: SourceStatus, locale: str = "en_IN") -> str:
    newest = newest_row(status)
    when = format_date(newest, "d MMM y", locale=locale) if newest else "unknown"
    return f"no data for this day — newest row {when}"


def uncovered(report: Report) -> list[SourceStatus]:
    if report.closed:  # no rows on a day the business is shut is expected (issue 14), not missing data
        return []
    return [status for status in report.sources if misses_day(status, report.date)]


def domain_uncovered(report: Report, domain: str) -> SourceStatus | None:
    """The source to blame when no source of `domain` covered the day (None when one did, or none is set)."""
    mine = [status for status in report.sources if status.domain == domain and status.status == "ok"]
    if mine and not report.closed and all(misses_day(status, report.date) for status in mine):
        return max(mine, key=lambda status: newest_row(status) or dt.date.min)
    return None


def is_partial(report: Report) -> bool:
    """Partial when a source failed or went stale, or when one had nothing for the day."""
    return not report.complete or bool(uncovered(report))

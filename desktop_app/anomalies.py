"""Is today normal *for this weekday*? Each KPI against the same weekday of up to 8 past weeks.

A Saturday that always sells 1.4× a Monday is not news; a Tuesday at 2.8× a normal Tuesday is.
The baseline is the median of those days and the spread their MAD (median absolute deviation),
both robust to one odd week. A flag needs at least 4 comparable open days, a robust z-score of
at least 3.5 and a gap a person would notice (25%, or 10 points of attendance).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable

from .daily import METRICS, Bodies, body_value, report_value, was_closed
from .report import Anomaly, Report

WEEKS = 8
MIN_COMPARABLE = 4
MIN_ROBUST_Z = 3.5
MIN_GAP_PCT = 25.0
MIN_GAP_POINTS = 10.0  # attendance, in percentage points
MAD_TO_SIGMA = 1.4826


def _baseline(metric: str, day: dt.date, history: Bodies, is_open: Callable[[dt.date], bool]) -> list[float]:
    values = []
    for week in range(1, WEEKS + 1):
        past = day - dt.timedelta(days=7 * week)
        body = history.get(past)
        if body is None or was_closed(body) or not is_open(past):
            continue
        value = body_value(body, metric)
        if value is not None:
            values.append(value)
    return values


def _describe(metric: str, value: float, median: float, weekday: str) -> str:
    if metric == "attendance":
        gap = value - median
        return f"{abs(gap):.1f} points {'above' if gap > 0 else 'below'} a normal {weekday}"
    if median and value / median >= 1.5:
        return f"{value / median:.1f}× a normal {weekday}"
    if median:
        gap = (value - median) / median * 100
        return f"{abs(gap):.0f}% {'above' if gap > 0 else 'below'} a normal {weekday}"
    return f"unusual for a {weekday} (normally none)"


def find_anomaly(metric: str, value: float, baseline: list[float], weekday: str) -> Anomaly | None:
    """The flag for `value` against `baseline` (same-weekday values), or None when it is normal."""
    if len(baseline) < MIN_COMPARABLE:
        return None
    median = statistics.median(baseline)
    mad = statistics.median(abs(item - median) for item in baseline)
    gap = value - median
    if metric == "attendance":
        noticeable = abs(gap) >= MIN_GAP_POINTS
    else:
        noticeable = abs(gap) / median * 100 >= MIN_GAP_PCT if median else value >= 1
    spread = mad * MAD_TO_SIGMA
    unusual = abs(gap) / spread >= MIN_ROBUST_Z if spread else gap != 0
    if not (noticeable and unusual):
        return None
    return Anomaly(
        metric=metric, value=round(value, 2), median=round(median, 2),
        ratio=round(value / median, 2) if median else None, weeks=len(baseline),
        direction="high" if gap > 0 else "low", weekday=weekday, text=_describe(metric, value, median, weekday),
    )


def weekday_anomalies(report: Report, history: Bodies, is_open: Callable[[dt.date], bool]) -> list[Anomaly]:
    """Flags for each KPI of an open day; a closed day is never compared with open ones."""
    if report.closed:
        return []
    weekday = report.date.strftime("%A")
    flags = []
    for metric in METRICS:
        value = report_value(report, metric)
        if value is None:
            continue
        flag = find_anomaly(metric, value, _baseline(metric, report.date, history, is_open), weekday)
        if flag is not None:
            flags.append(flag)
    return flags

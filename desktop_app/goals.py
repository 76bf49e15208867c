"""Monthly targets: month-to-date against each target, what every remaining open day needs, and
where the month lands at the current pace.

Sales and leads add up every day of the month (an online order on a closed Sunday counts);
attendance averages the open days. Only open days count as days left to catch up on.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from .daily import Bodies, body_value, report_value
from .report import GoalProgress, Report
from .settings import GoalSettings


def _month_days(day: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    last = calendar.monthrange(day.year, day.month)[1]
    done = [day.replace(day=number) for number in range(1, day.day + 1)]
    left = [day.replace(day=number) for number in range(day.day + 1, last + 1)]
    return done, left


def _total_goal(metric, target: float, report: Report, history: Bodies, is_open) -> GoalProgress | None:
    today = report_value(report, metric)
    if today is None:
        return None
    done, left = _month_days(report.date)
    running, met_on, missing = 0.0, None, 0
    for day in done:
        value = today if day == report.date else body_value(history.get(day), metric)
        if value is None:
            missing += int(is_open(day))
            continue
        running += value
        if met_on is None and running >= target:
            met_on = day.isoformat()
    open_done = sum(1 for day in done if is_open(day))
    open_left = sum(1 for day in left if is_open(day))
    needed = round((target - running) / open_left, 2) if running < target and open_left else None
    pace = running / open_done if open_done else None
    return GoalProgress(
        metric=metric, target=target, actual=round(running, 2), pct=round(running / target * 100, 1),
        open_days_done=open_done, open_days_left=open_left, needed_per_day=needed,
        projection=None if pace is None else round(running + pace * open_left, 2), met_on=met_on,
        days_missing=missing,
    )


def _rate_goal(target: float, report: Report, history: Bodies, is_open) -> GoalProgress | None:
    done, left = _month_days(report.date)
    rates, missing = [], 0
    for day in done:
        if not is_open(day):
            continue
        value = report_value(report, "attendance") if day == report.date else body_value(history.get(day),
                                                                                           "attendance")
        if value is None:
            missing += 1
        else:
            rates.append(value)
    if not rates:
        return None
    average = sum(rates) / len(rates)
    open_left = sum(1 for day in left if is_open(day))
    needed = None
    if average < target and open_left:
        needed = round((target * (len(rates) + open_left) - average * len(rates)) / open_left, 1)
    return GoalProgress(
        metric="attendance", target=target, actual=round(average, 1), pct=round(average / target * 100, 1),
        open_days_done=len(rates), open_days_left=open_left, needed_per_day=needed, projection=round(average, 1),
        days_missing=missing,
    )


def goal_progress(goals: GoalSettings, report: Report, history: Bodies,
                  is_open: Callable[[dt.date], bool]) -> list[GoalProgress]:
    """Progress on every target that is set (0 = not set) and whose KPI reported today."""
    found = [
        _total_goal("sales", goals.sales_monthly, report, history, is_open) if goals.sales_monthly else None,
        _total_goal("leads", float(goals.leads_monthly), report, history, is_open) if goals.leads_monthly else None,
        _rate_goal(goals.attendance_pct, report, history, is_open) if goals.attendance_pct else None,
    ]
    return [goal for goal in found if goal is not None]

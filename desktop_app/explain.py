"""What the numbers mean, added to a report after its KPIs: closed day, branches, drivers,
goals and weekday anomalies. Pure: frames, settings and history bodies in, report fields out."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .anomalies import weekday_anomalies
from .branches import branch_lines
from .daily import Bodies
from .drivers import find_drivers
from .goals import goal_progress
from .report import Report
from .settings import Settings

if TYPE_CHECKING:
    from .pipeline import SourceData


def explain(report: Report, settings: Settings, data: SourceData, history: Bodies) -> Report:
    business = settings.business
    day = report.date
    previous = business.previous_open_day(day)
    report.closed = not business.is_open(day)
    if report.closed:  # no rows on a day the business is shut is expected, not a warning
        report.warnings[:] = [text for text in report.warnings if f"no rows dated {day}" not in text]
    sales, leads = data.domains.get("sales"), data.domains.get("leads")
    if report.sales is not None:
        report.branches = branch_lines(sales, day, previous)
    if not report.closed:
        report.drivers = find_drivers(sales if report.sales else None, leads if report.leads else None, day, previous)
    report.goals = goal_progress(settings.goals, report, history, business.is_open)
    report.anomalies = weekday_anomalies(report, history, business.is_open)
    return report


def last_lead_at(data: SourceData, day: dt.date) -> dt.datetime | None:
    leads = data.domains.get("leads")
    if leads is None:
        return None
    stamps = leads.frame["received_at"]
    today = stamps[stamps.dt.date == day]
    return None if today.empty else today.max().to_pydatetime()

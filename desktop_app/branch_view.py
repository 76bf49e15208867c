"""One branch's day seen from the head office's report: what the summary window's branch selector shows.

Built only from the report's consolidated block (saved with it in history), so any past day can be shown
per branch without reaching the shared database again.
"""

from __future__ import annotations

from dataclasses import replace

from .changes import pct_change
from .render import render_html, render_text
from .render_branches import branch_day_line
from .report import AttendanceKpis, BranchDay, LeadsKpis, Report, SalesKpis

WHOLE_BUSINESS = "Whole business"


def branch_names(report: Report | None) -> list[str]:
    """The branches the selector offers for this report (none when it is not a head office's report)."""
    if report is None or report.consolidated is None:
        return []
    return sorted(day.branch for day in report.consolidated.branches)


def _day(report: Report, branch: str) -> BranchDay | None:
    block = report.consolidated
    return next((day for day in block.branches if day.branch == branch), None) if block else None


def branch_report(report: Report, branch: str) -> Report | None:
    """`report` narrowed to one branch (None when that branch is not in it): its KPIs against its own previous
    day and last week, its line, and the warnings that name it."""
    day = _day(report, branch)
    if day is None:
        return None
    sales = leads = attendance = None
    if day.sales is not None:
        sales = SalesKpis(total=day.sales, orders=day.orders or 0, avg_order=day.avg_order, prev_date=day.prev_date,
                          prev_total=day.prev_sales, change_pct=day.sales_change_pct,
                          week_ago_total=day.week_ago_sales, week_change_pct=day.sales_week_change_pct)
    if day.leads is not None:
        leads = LeadsKpis(count=day.leads, by_source={}, prev_date=day.prev_date, prev_count=day.prev_leads,
                          change_pct=pct_change(day.leads, day.prev_leads), week_ago_count=day.week_ago_leads,
                          week_change_pct=pct_change(day.leads, day.week_ago_leads))
    if day.present is not None and day.headcount is not None:
        attendance = AttendanceKpis(headcount=day.headcount, present=day.present,
                                    absent=max(day.headcount - day.present, 0), rate_pct=day.attendance_pct,
                                    prev_date=day.prev_date, change_pp=day.attendance_change_pp)
    view = replace(report, business=f"{report.business} · {branch}", sales=sales, leads=leads,
                   attendance=attendance, consolidated=None, branches=[], drivers=[], anomalies=[], goals=[],
                   warnings=[w for w in report.warnings if w.startswith(branch) or f"{branch}," in w
                             or f", {branch} " in w])
    # Its line, then what the day's insights say of it (AI bullets among them were checked by the guard).
    view.insights = [branch_day_line(day, report), *(bullet for bullet in report.insights if branch in bullet)]
    view.text, view.html = render_text(view), render_html(view)
    return view

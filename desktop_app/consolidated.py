"""The head office's report: every branch's report for the day added up, to the paisa.

Pure: branch reports in (`{branch: {date: Report}}`, as the shared history gives them), one `Report` out,
whose sales, leads and attendance blocks are the whole business's totals and whose `consolidated` block
holds each branch's day, the rankings and the branches that have not reported yet. Nothing is guessed
for a branch that has not reported: it is named, and the totals say they are partial.

Each branch is compared with its own previous day and the same weekday last week as its own report
computed them (its calendar, its sources); where its report has no such figure, its report for that
date in the shared history is used. A total is compared only like for like: when a reporting branch
has no figure for the earlier day, the total has no comparison rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from .changes import pct_change
from .formatting import half_up
from .report import AttendanceKpis, BranchDay, Consolidated, LeadsKpis, Report, SalesKpis
from .settings import Settings

BranchReports = Mapping[str, Mapping[dt.date, Report]]
WEEK = dt.timedelta(days=7)
PREVIOUS_DAY_SEARCH = 14  # a branch's previous report is looked for this many days back


def paise_sum(amounts: Iterable[float]) -> float:
    """Add amounts as decimals and round half up to the paisa: ₹0.10 + ₹0.20 is ₹0.30, not 0.30000000000000004."""
    return float(half_up(float(sum((Decimal(str(amount)) for amount in amounts), Decimal(0))), 2))


def _all_or_none(values: list[float | int | None]) -> list[float | int] | None:
    """Every value, or None when any is missing: a total of some branches is not the business's."""
    return None if any(value is None for value in values) else values  # type: ignore[return-value]


def _previous_report(history: Mapping[dt.date, Report], report: Report) -> Report | None:
    """The branch's report for the day its own report compared with (else its latest earlier open day)."""
    named = next((block.prev_date for block in (report.sales, report.leads, report.attendance)
                  if block is not None and block.prev_date), None)
    if named and dt.date.fromisoformat(named) in history:
        return history[dt.date.fromisoformat(named)]
    for back in range(1, PREVIOUS_DAY_SEARCH + 1):
        earlier = history.get(report.date - dt.timedelta(days=back))
        if earlier is not None and not earlier.closed:
            return earlier
    return None


def _branch_day(name: str, history: Mapping[dt.date, Report], day: dt.date) -> BranchDay:
    report = history.get(day)
    if report is None:
        return BranchDay(branch=name, reported=False)
    previous = _previous_report(history, report)
    week_ago = history.get(day - WEEK)
    line = BranchDay(branch=name, reported=True, complete=report.complete,
                     generated_at=report.generated_at.isoformat(timespec="seconds"))
    if previous is not None:
        line.prev_date = previous.date.isoformat()
    sales = report.sales
    if sales is not None:
        line.sales, line.orders, line.avg_order = sales.total, sales.orders, sales.avg_order
        line.prev_sales = sales.prev_total if sales.prev_total is not None else \
            (previous.sales.total if previous is not None and previous.sales is not None else None)
        if sales.prev_date:
            line.prev_date = sales.prev_date
        line.week_ago_sales = sales.week_ago_total if sales.week_ago_total is not None else \
            (week_ago.sales.total if week_ago is not None and week_ago.sales is not None else None)
        line.sales_change_pct = pct_change(line.sales, line.prev_sales)
        line.sales_week_change_pct = pct_change(line.sales, line.week_ago_sales)
    leads = report.leads
    if leads is not None:
        line.leads = leads.count
        line.prev_leads = leads.prev_count if leads.prev_count is not None else \
            (previous.leads.count if previous is not None and previous.leads is not None else None)
        week_leads = leads.week_ago_count if leads.week_ago_count is not None else \
            (week_ago.leads.count if week_ago is not None and week_ago.leads is not None else None)
        line.week_ago_leads = week_leads
        line.leads_week_change = None if week_leads is None else leads.count - week_leads
    att = report.attendance
    if att is not None:
        line.present, line.headcount, line.attendance_pct = att.present, att.headcount, att.rate_pct
        line.attendance_change_pp = att.change_pp
    return line


def _rank(days: list[BranchDay], key: Callable[[BranchDay], float | None]) -> list[str]:
    """Branch names best first by `key`; branches without the figure are left out; ties by name."""
    scored = [(key(day), day.branch) for day in days if key(day) is not None]
    return [name for _value, name in sorted(scored, key=lambda item: (-item[0], item[1]))]


def _on(line: BranchDay, prev_date: str | None, value: float | int | None) -> float | int | None:
    """A branch's earlier figure, only when it is for the day the total is compared with."""
    return value if prev_date is not None and line.prev_date == prev_date else None


def _sales_total(reported: list[tuple[BranchDay, Report]], prev_date: str | None) -> SalesKpis | None:
    blocks = [(line, report.sales) for line, report in reported if report.sales is not None]
    if not blocks:
        return None
    total = paise_sum(sales.total for _line, sales in blocks)
    orders = sum(sales.orders for _line, sales in blocks)
    prevs = _all_or_none([_on(line, prev_date, line.prev_sales) for line, _sales in blocks])
    prev_total = None if prevs is None else paise_sum(prevs)
    prev_orders = _all_or_none([_on(line, prev_date, sales.prev_orders) for line, sales in blocks])
    prev_order_count = None if prev_orders is None else sum(prev_orders)
    weeks = _all_or_none([line.week_ago_sales for line, _sales in blocks])
    week_total = None if weeks is None else paise_sum(weeks)
    avg = round(total / orders, 2) if orders else None
    prev_avg = round(prev_total / prev_order_count, 2) if prev_total is not None and prev_order_count else None
    return SalesKpis(total=total, orders=orders, avg_order=avg, prev_date=prev_date, prev_total=prev_total,
                     prev_orders=prev_order_count, change_pct=pct_change(total, prev_total),
                     week_ago_total=week_total, week_change_pct=pct_change(total, week_total),
                     avg_order_change_pct=pct_change(avg, prev_avg),
                     returns=paise_sum(sales.returns for _line, sales in blocks))


def _leads_total(reported: list[tuple[BranchDay, Report]], prev_date: str | None) -> LeadsKpis | None:
    blocks = [(line, report.leads) for line, report in reported if report.leads is not None]
    if not blocks:
        return None
    count = sum(leads.count for _line, leads in blocks)
    by_source: dict[str, int] = {}
    for _line, leads in blocks:
        for source, number in leads.by_source.items():
            by_source[source] = by_source.get(source, 0) + number
    prevs = _all_or_none([_on(line, prev_date, line.prev_leads) for line, _leads in blocks])
    weeks = _all_or_none([line.week_ago_leads for line, _leads in blocks])
    prev_count = None if prevs is None else int(sum(prevs))
    week_count = None if weeks is None else int(sum(weeks))
    return LeadsKpis(count=count, by_source=dict(sorted(by_source.items(), key=lambda item: (-item[1], item[0]))),
                     prev_date=prev_date, prev_count=prev_count, change_pct=pct_change(count, prev_count),
                     week_ago_count=week_count, week_change_pct=pct_change(count, week_count))


def _rate(present: int, headcount: int) -> float | None:
    return round(present / headcount * 100, 1) if headcount else None


def _attendance_on(reports: list[Report | None]) -> float | None:
    """The business's attendance rate from several branches' reports of one day (None if any lacks it)."""
    blocks = [None if report is None else report.attendance for report in reports]
    if any(block is None for block in blocks):
        return None
    return _rate(sum(block.present for block in blocks), sum(block.headcount for block in blocks))


def _attendance_total(reported: list[tuple[BranchDay, Report]], histories: BranchReports,
                      prev_date: str | None) -> AttendanceKpis | None:
    blocks = [(line, report) for line, report in reported if report.attendance is not None]
    if not blocks:
        return None
    present = sum(report.attendance.present for _line, report in blocks)
    headcount = sum(report.attendance.headcount for _line, report in blocks)
    rate = _rate(present, headcount)
    prev_rate = None if prev_date is None else \
        _attendance_on([histories[line.branch].get(dt.date.fromisoformat(prev_date)) for line, _report in blocks])
    week_rate = _attendance_on([histories[line.branch].get(report.date - WEEK) for line, report in blocks])

    def pp(before: float | None) -> float | None:
        return None if rate is None or before is None else round(rate - before, 1)

    return AttendanceKpis(headcount=headcount, present=present, absent=max(headcount - present, 0), rate_pct=rate,
                          headcount_estimated=any(report.attendance.headcount_estimated for _line, report in blocks),
                          prev_date=prev_date, prev_rate_pct=prev_rate, change_pp=pp(prev_rate),
                          week_ago_rate_pct=week_rate, week_change_pp=pp(week_rate))


def _warnings(days: list[BranchDay], reports: dict[str, Report]) -> list[str]:
    """One sentence per branch whose figures are missing or incomplete, so no total is silently short."""
    if not days:
        return ["no branch has reported to the shared history yet: set up each shop's PC with its [business] branch "
                "and the shared history's URL (docs/branches.md)"]
    out = []
    missing = [day.branch for day in days if not day.reported]
    if missing:
        out.append(f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} not reported for this day yet: "
                   f"the totals are for {len(days) - len(missing)} of {len(days)} branches")
    for name, report in reports.items():
        absent = [domain for domain in ("sales", "leads", "attendance") if getattr(report, domain) is None]
        if absent and not report.closed:
            out.append(f"{name}: no {', '.join(absent)} figures in its report (see that branch's warnings); "
                       f"the totals leave them out")
        elif not report.complete:
            out.append(f"{name}: its report was partial (a source failed or was stale); see that branch's report")
    return out


def consolidate(branch_reports: BranchReports, day: dt.date, settings: Settings | None = None, *,
                expected: Iterable[str] | None = None) -> Report:
    """The whole business's report for `day` from every branch's reports (KPIs only: insights and the
    rendered text come after, as for any report; see consolidated_run.py).

    `expected` names the branches that should report (the shared history's list); by default every
    branch with a report in `branch_reports`. The totals equal the sum of the branch reports to the paisa.
    """
    business = settings.business if settings is not None else None
    names = sorted(set(expected or ()) | set(branch_reports))
    histories = {name: branch_reports.get(name, {}) for name in names}
    days = [_branch_day(name, histories[name], day) for name in names]
    todays = {name: histories[name][day] for name in names if day in histories[name]}
    reported = [(line, todays[line.branch]) for line in days if line.reported]
    prev_date = business.previous_open_day(day).isoformat() if business is not None else \
        max((line.prev_date for line in days if line.prev_date), default=None)
    any_report = next(iter(todays.values()), None)
    report = Report(
        date=day,
        currency=business.currency if business else (any_report.currency if any_report else "INR"),
        business=business.name if business else (any_report.business if any_report else ""),
        locale=business.locale if business else (any_report.locale if any_report else "en_IN"),
        sales=_sales_total(reported, prev_date), leads=_leads_total(reported, prev_date),
        attendance=_attendance_total(reported, histories, prev_date),
        warnings=_warnings(days, todays),
        closed=bool(reported) and all(branch.closed for _line, branch in reported),
        demo=bool(reported) and all(branch.demo for _line, branch in reported),
    )
    total = report.sales.total if report.sales is not None else None
    for rank, name in enumerate(_rank(days, lambda line: line.sales), start=1):
        line = next(line for line in days if line.branch == name)
        line.sales_rank = rank
        line.sales_share_pct = round(line.sales / total * 100, 1) if total else None
    report.consolidated = Consolidated(
        branches=sorted(days, key=lambda line: (line.sales_rank is None, line.sales_rank or 0, line.branch)),
        missing=[line.branch for line in days if not line.reported],
        ranking={"sales": _rank(days, lambda line: line.sales),
                 "sales_week_change_pct": _rank(days, lambda line: line.sales_week_change_pct),
                 "leads": _rank(days, lambda line: line.leads),
                 "attendance_pct": _rank(days, lambda line: line.attendance_pct)},
    )
    return report

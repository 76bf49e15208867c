"""The offline insight engine: three or four bullets worded from the KPIs, never inventing a number."""

from __future__ import annotations

from ..formatting import money_short, number, signed_pct
from ..render_meaning import closed_line, share_words
from ..report import AttendanceKpis, LeadsKpis, Report, SalesKpis
from .branch_rules import branch_insights

NOTABLE_PCT = 10.0  # a change smaller than this is "steady"
BRANCH_GAP_PCT = 25.0  # branches whose change differs this much get a bullet


def _direction(change: float | None, noun: str) -> str:
    if change is None:
        return ""
    if abs(change) < NOTABLE_PCT:
        if noun.endswith(")"):  # "the previous day (₹5.1 Cr, -2.8%)", not "(₹5.1 Cr) (-2.8%)"
            return f"steady against {noun[:-1]}, {signed_pct(change)})"
        return f"steady against {noun} ({signed_pct(change)})"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f}% against {noun}"


def _sales(sales: SalesKpis, currency: str, locale: str) -> list[str]:
    def cash(amount: float) -> str:
        return money_short(amount, currency, locale)

    if sales.orders == 0 and sales.total == 0:
        return ["No sales were recorded for the day."]
    parts = [f"Sales were {cash(sales.total)} from {number(sales.orders, locale)} order"
             f"{'' if sales.orders == 1 else 's'}"]
    comparisons = [
        text
        for text in (
            _direction(sales.change_pct, f"the previous day ({cash(sales.prev_total or 0)})"),
            _direction(sales.week_change_pct, f"the same day last week ({cash(sales.week_ago_total or 0)})"),
        )
        if text
    ]
    bullets = [parts[0] + (", " + " and ".join(comparisons) if comparisons else "") + "."]
    if sales.avg_order is not None:
        line = f"The average order was {cash(sales.avg_order)}"
        if sales.avg_order_change_pct is not None and abs(sales.avg_order_change_pct) >= NOTABLE_PCT:
            line += f", {'larger' if sales.avg_order_change_pct > 0 else 'smaller'} than the previous day " \
                    f"by {abs(sales.avg_order_change_pct):.1f}%"
        if sales.returns:
            line += f"; returns took {cash(sales.returns)} off the total"
        bullets.append(line + ".")
    return bullets


def _driver(report: Report) -> str | None:
    """'Sales fell ₹23,900 against Mon; Cement bags −₹27,520 explain all of it.' (the previous day first)."""
    drivers = sorted(report.drivers, key=lambda d: (d.metric != "sales", d.against != "previous"))
    if not drivers:
        return None
    first = drivers[0]
    same = [d for d in drivers if (d.metric, d.against) == (first.metric, first.against)]

    def amount(value: float) -> str:
        return money_short(abs(value), report.currency, report.locale) if first.metric == "sales" else \
            number(int(abs(value)), report.locale)

    when = "the previous day" if first.against == "previous" else "the same day last week"
    noun = "Sales" if first.metric == "sales" else "Leads"
    moved = ("rose" if first.change > 0 else "fell") if first.metric == "sales" else \
        ("were up" if first.change > 0 else "were down")
    parts = ", ".join(f"{d.name} {'+' if d.part > 0 else '−'}{amount(d.part)}" for d in same)
    share = sum(d.share_pct for d in same)
    explains = share_words(share, "{:.0f}% of it")
    verb = "explains" if len(same) == 1 else "explain"
    return f"{noun} {moved} {amount(first.change)} against {when}; {parts} {verb} {explains}."


def _anomalies(report: Report) -> str | None:
    if not report.anomalies:
        return None
    parts = [f"{item.metric} {item.text}" for item in report.anomalies]
    first = parts[0][0].upper() + parts[0][1:]
    weeks = max(item.weeks for item in report.anomalies)
    return f"{'; '.join([first, *parts[1:]])} (against the last {weeks} of them): worth a look."


def _goal(report: Report) -> str | None:
    goal = next((g for g in report.goals if g.metric == "sales"), None) or next(iter(report.goals), None)
    if goal is None:
        return None

    def amount(value: float) -> str:
        if goal.metric == "sales":
            return money_short(value, report.currency, report.locale)
        return f"{value:.1f}%" if goal.metric == "attendance" else number(round(value), report.locale)

    name = {"sales": "sales", "leads": "leads", "attendance": "attendance"}[goal.metric]
    if goal.met_on:
        return f"The month's {name} target of {amount(goal.target)} was reached on {goal.met_on[8:].lstrip('0')} " \
               f"{report.date:%b}; {amount(goal.actual)} so far."
    if goal.metric == "attendance":
        line = f"Attendance averages {goal.actual:.1f}% this month against a {goal.target:g}% target"
    else:
        line = f"Month to date {name} are {amount(goal.actual)}, {goal.pct:.0f}% of the {amount(goal.target)} target"
    if goal.needed_per_day is not None and goal.open_days_left:
        line += f"; {amount(goal.needed_per_day)} a day is needed on the {goal.open_days_left} open days left"
    if goal.projection is not None and goal.metric != "attendance" and goal.open_days_left:
        line += f" (on pace for {amount(goal.projection)})"
    return line + "."


def _branches(report: Report) -> str | None:
    lines = [line for line in report.branches if line.change_pct is not None]
    if len(lines) < 2:
        return None
    best, worst = max(lines, key=lambda line: line.change_pct), min(lines, key=lambda line: line.change_pct)
    if best.change_pct - worst.change_pct < BRANCH_GAP_PCT:
        return None
    return f"{best.branch} was {signed_pct(best.change_pct)} against the previous day while {worst.branch} was " \
           f"{signed_pct(worst.change_pct)}."


def _leads(leads: LeadsKpis, locale: str) -> str:
    if leads.count == 0:
        return "No new leads came in."
    line = f"{number(leads.count, locale)} new lead{'s' if leads.count != 1 else ''}"
    if leads.by_source:
        source, count = next(iter(leads.by_source.items()))
        share = count / leads.count * 100
        line += f"; {source} brought the most ({count}, {share:.0f}%)"
    if leads.prev_count is not None:
        diff = leads.count - leads.prev_count
        if diff:
            line += f", {abs(diff)} {'more' if diff > 0 else 'fewer'} than the previous day"
        else:
            line += ", as many as the previous day"
    return line + "."


def _attendance(att: AttendanceKpis) -> str:
    if att.rate_pct is None:
        return "No attendance was recorded."
    line = f"Attendance was {att.rate_pct:.1f}% ({att.present} of {att.headcount}, {att.absent} absent)"
    if att.change_pp is not None and abs(att.change_pp) >= 0.05:
        line += f", {abs(att.change_pp):.1f} points {'higher' if att.change_pp > 0 else 'lower'} than the previous day"
    if att.headcount_estimated:
        line += "; headcount is an estimate from staff seen in the last 30 days"
    return line + "."


def rule_insights(report: Report) -> list[str]:
    """Three or four bullets covering each domain that reported, and what the numbers mean."""
    if report.closed:
        return [closed_line(report)]
    ranked: list[tuple[int, str]] = []  # (priority, bullet): lower is kept first; order is kept as written
    if report.sales:
        sales = _sales(report.sales, report.currency, report.locale)
        ranked.append((0, sales[0]))
        ranked += [(6, bullet) for bullet in sales[1:]]
    goal_met = any(goal.met_on for goal in report.goals)
    for priority, bullet in ((1, _driver(report)), (1, _anomalies(report)), (1 if goal_met else 3, _goal(report)),
                             (5, _branches(report))):
        if bullet:
            ranked.append((priority, bullet))
    if report.consolidated is not None:  # the head office's report: across branches
        ranked += branch_insights(report)
    if report.leads:
        ranked.append((2, _leads(report.leads, report.locale)))
    if report.attendance:
        ranked.append((2, _attendance(report.attendance)))
    missing = [name for name, value in
               (("sales", report.sales), ("leads", report.leads), ("attendance", report.attendance)) if value is None]
    if missing:
        ranked.append((0, f"No usable {', '.join(missing)} data today: see the warnings."))
    return _fit(ranked)


def _fit(ranked: list[tuple[int, str]], most: int = 4) -> list[str]:
    """Keep the four most important bullets in the order they were written."""
    keep = sorted(range(len(ranked)), key=lambda index: (ranked[index][0], index))[:most]
    return [ranked[index][1] for index in sorted(keep)]

"""The offline insight engine: three or four bullets worded from the KPIs, never inventing a number."""

from __future__ import annotations

from ..formatting import money_short, number, signed_pct
from ..report import AttendanceKpis, LeadsKpis, Report, SalesKpis

NOTABLE_PCT = 10.0  # a change smaller than this is "steady"
ANOMALY_PCT = 30.0  # sales this far from the 7-day average get their own bullet


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
    parts = [f"Sales were {cash(sales.total)} from {number(sales.orders, locale)} orders"]
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
    if sales.avg_7d:
        gap = (sales.total - sales.avg_7d) / sales.avg_7d * 100
        if abs(gap) >= ANOMALY_PCT:
            bullets.append(
                f"Sales were {abs(gap):.0f}% {'above' if gap > 0 else 'below'} the 7-day average of "
                f"{cash(sales.avg_7d)}: worth a look."
            )
    return bullets


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
    """Three or four bullets covering each domain that reported."""
    bullets: list[str] = []
    if report.sales:
        bullets += _sales(report.sales, report.currency, report.locale)
    if report.leads:
        bullets.append(_leads(report.leads, report.locale))
    if report.attendance:
        bullets.append(_attendance(report.attendance))
    missing = [name for name, value in
               (("sales", report.sales), ("leads", report.leads), ("attendance", report.attendance)) if value is None]
    if missing:
        bullets.append(f"No usable {', '.join(missing)} data today: see the warnings.")
    return _fit(bullets)


def _fit(bullets: list[str], most: int = 4) -> list[str]:
    """Keep at most four bullets, dropping sales detail before any domain loses its only line."""
    while len(bullets) > most:
        bullets.pop(1)
    return bullets

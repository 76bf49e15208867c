"""Branch reports as each branch PC would have saved them, for the head office's consolidated report."""

from __future__ import annotations

import datetime as dt
import random

from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis

TUE = dt.date(2026, 11, 24)


def branch_report(day: dt.date, sales: float | None, orders: int = 10, leads: int | None = 4,
                  present: int | None = 9, headcount: int = 10, *, business: str = "Shah Hardware",
                  sources: dict[str, int] | None = None) -> Report:
    """One branch's report as its PC computed it (no comparisons: those come from its history)."""
    return Report(
        date=day, currency="INR", business=business, locale="en_IN",
        sales=None if sales is None else SalesKpis(total=sales, orders=orders,
                                                   avg_order=round(sales / orders, 2) if orders else None),
        leads=None if leads is None else LeadsKpis(count=leads, by_source=sources or {"IndiaMART": leads}),
        attendance=None if present is None else AttendanceKpis(
            headcount=headcount, present=present, absent=headcount - present,
            rate_pct=round(present / headcount * 100, 1)),
        generated_at=dt.datetime.combine(day, dt.time(19, 5), dt.UTC),
    )


def random_history(branches: list[str], last: dt.date, days: int, seed: int = 7) -> dict[str, dict[dt.date, Report]]:
    """Reports with paise amounts (₹1,234.56) for `days` days up to `last`, for each branch."""
    rng = random.Random(seed)
    out: dict[str, dict[dt.date, Report]] = {}
    for name in branches:
        out[name] = {}
        for back in range(days):
            day = last - dt.timedelta(days=back)
            orders = rng.randint(1, 60)
            out[name][day] = branch_report(day, rng.randint(10_000, 9_000_000) / 100, orders,
                                           rng.randint(0, 20), rng.randint(5, 12), 12)
    return out

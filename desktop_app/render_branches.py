"""The head office's report lines: which branches are missing, and each shop's line under the whole
business's totals. The same lines go to Telegram, email, Slack and WhatsApp through render.py."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date

from .formatting import arrow_pct, money, number
from .report import BranchDay, Report


def business_label(report: Report) -> str:
    """'Shah Hardware · whole business (3 branches)' on the head office's report, else the name."""
    block = report.consolidated
    if block is None:
        return report.business
    count = len(block.branches)
    return f"{report.business} · whole business ({count} branch{'es' if count != 1 else ''})"


def partial_line(report: Report) -> str | None:
    """'Partial: Vastral has not reported yet; the totals are for 2 of 3 branches'."""
    block = report.consolidated
    if block is None or not block.missing:
        return None
    verb = "has" if len(block.missing) == 1 else "have"
    done = len(block.branches) - len(block.missing)
    return f"Partial: {', '.join(block.missing)} {verb} not reported yet; the totals are for {done} of " \
           f"{len(block.branches)} branches"


@lru_cache(maxsize=64)
def _day_label(iso: str, pattern: str, locale: str) -> str:
    """Babel's date formatting costs about 0.4 ms a call: 50 branches name the same few days."""
    return format_date(dt.date.fromisoformat(iso), pattern, locale=locale)


def _changes(day: BranchDay, report: Report) -> list[str]:
    out = []
    if day.sales_change_pct is not None and day.prev_date:
        out.append(f"{arrow_pct(day.sales_change_pct)} vs {_day_label(day.prev_date, 'EEE d MMM', report.locale)}")
    if day.sales_week_change_pct is not None:
        out.append(f"{arrow_pct(day.sales_week_change_pct)} vs last "
                   f"{_day_label(report.date.isoformat(), 'EEE', report.locale)}")
    return out


def branch_day_line(day: BranchDay, report: Report) -> str:
    """'#1 Naroda: ₹1,20,000 · 40 orders · 12 leads · 92.0% present (▲ 5.0% vs Mon 23 Nov; ▼ 3.0% vs last Tue)'."""
    if not day.reported:
        return f"{day.branch}: not reported yet"
    loc = report.locale
    parts = []
    if day.sales is not None:
        parts.append(money(day.sales, report.currency, loc, whole=True))
        parts.append(f"{number(day.orders or 0, loc)} order{'s' if day.orders != 1 else ''}")
    if day.leads is not None:
        parts.append(f"{number(day.leads, loc)} lead{'s' if day.leads != 1 else ''}")
    if day.attendance_pct is not None:
        parts.append(f"{day.attendance_pct:.1f}% present")
    rank = f"#{day.sales_rank} " if day.sales_rank is not None else ""
    text = f"{rank}{day.branch}: " + (" · ".join(parts) if parts else "no figures (see warnings)")
    changes = _changes(day, report)
    return text + (f" ({'; '.join(changes)})" if changes else "")


def branch_day_lines(report: Report) -> list[str]:
    return [] if report.consolidated is None else \
        [branch_day_line(day, report) for day in report.consolidated.branches]


def shop_lines(report: Report) -> list[str]:
    """What the email's and Slack's report adds under the cards on a head office's report: who is missing,
    then each shop's line (the text and Telegram message carry the same lines)."""
    partial = partial_line(report)
    return ([partial] if partial else []) + branch_day_lines(report)

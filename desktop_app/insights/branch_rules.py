"""Rule-written insights across branches for the head office's report: who led, who moved against its own
last week, whose attendance is low, and who has not reported. Every number comes from the consolidated block."""

from __future__ import annotations

from ..formatting import money_short, signed_pct
from ..report import BranchDay, Report

NOTABLE_WEEK_PCT = 10.0  # a branch moving less than this against its last week is not news
LOW_ATTENDANCE_PCT = 80.0


def _cash(value: float, report: Report) -> str:
    return money_short(value, report.currency, report.locale)


def _missing(report: Report) -> str | None:
    block = report.consolidated
    if block is None or not block.missing:
        return None
    names = ", ".join(block.missing)
    verb = "has" if len(block.missing) == 1 else "have"
    done = len(block.branches) - len(block.missing)
    return f"{names} {verb} not reported yet, so these totals cover {done} of {len(block.branches)} branches."


def _leader(report: Report) -> str | None:
    block = report.consolidated
    ranked = [day for day in block.branches if day.sales_rank is not None] if block else []
    if len(ranked) < 2:
        return None
    first, last = ranked[0], ranked[-1]
    share = f" ({first.sales_share_pct:.0f}% of all sales)" if first.sales_share_pct is not None else ""
    return f"{first.branch} sold the most at {_cash(first.sales, report)}{share}; {last.branch} the least at " \
           f"{_cash(last.sales, report)}."


def _movers(report: Report) -> str | None:
    block = report.consolidated
    moved = [day for day in (block.branches if block else []) if day.sales_week_change_pct is not None]
    notable = [day for day in moved if abs(day.sales_week_change_pct) >= NOTABLE_WEEK_PCT]
    if not notable:
        return None
    best = max(moved, key=lambda day: day.sales_week_change_pct)
    worst = min(moved, key=lambda day: day.sales_week_change_pct)
    parts = [f"{day.branch} {signed_pct(day.sales_week_change_pct)}" for day in (best, worst)
             if abs(day.sales_week_change_pct) >= NOTABLE_WEEK_PCT]
    if best is worst:
        parts = parts[:1]
    return f"Against their own same day last week, sales moved most at {' and '.join(parts)}."


def _low_attendance(report: Report) -> str | None:
    block = report.consolidated
    low: list[BranchDay] = [day for day in (block.branches if block else [])
                            if day.attendance_pct is not None and day.attendance_pct < LOW_ATTENDANCE_PCT]
    if not low:
        return None
    worst = min(low, key=lambda day: day.attendance_pct)
    return f"Attendance was lowest at {worst.branch}: {worst.attendance_pct:.1f}% ({worst.present} of " \
           f"{worst.headcount})."


def branch_insights(report: Report) -> list[tuple[int, str]]:
    """(priority, bullet) pairs for rules.rule_insights: the missing branches first, then the leader."""
    ranked = [(0, _missing(report)), (1, _leader(report)), (2, _movers(report)), (3, _low_attendance(report))]
    return [(priority, bullet) for priority, bullet in ranked if bullet]

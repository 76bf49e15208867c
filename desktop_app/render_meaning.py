"""The report lines that say what the numbers mean: the closed-day note, goals, drivers,
weekday anomalies, branches, corrections, alerts, and the closing "checked" line."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from .formatting import arrow_pct, money, number
from .report import Driver, GoalProgress, Report

SHARE_ALL = 100.0
SHARE_MORE = 110.0  # a part this much bigger than the change: others moved the other way
MOST_DRIVER_LINES = 3  # the message stays short; --json and the AI get every driver


def _day(iso: str, locale: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "EEE d MMM", locale=locale)


def _amount(value: float, report: Report, metric: str) -> str:
    if metric == "sales":
        return money(value, report.currency, report.locale, whole=True)
    return number(round(value, 1) if value % 1 else int(value), report.locale)


def _signed(value: float, report: Report, metric: str) -> str:
    return ("+" if value > 0 else "−") + _amount(abs(value), report, metric)


def closed_line(report: Report) -> str:
    """The one-line note of a closed day; what came in anyway is still counted and said."""
    weekday = format_date(report.date, "EEEE", locale=report.locale)
    came = []
    if report.sales is not None and (report.sales.orders or report.sales.total):
        orders = report.sales.orders
        came.append(f"{money(report.sales.total, report.currency, report.locale, whole=True)} from "
                    f"{number(orders, report.locale)} order{'s' if orders != 1 else ''}")
    if report.leads is not None and report.leads.count:
        came.append(f"{number(report.leads.count, report.locale)} new lead{'s' if report.leads.count != 1 else ''}")
    if not came:
        return f"Closed today ({weekday}): nothing came in."
    return f"Closed today ({weekday}): {' and '.join(came)} still came in."


def goal_line(goal: GoalProgress, report: Report) -> str:
    loc = report.locale
    if goal.metric == "attendance":
        text = f"Attendance goal: {goal.actual:.1f}% this month vs {goal.target:g}%"
        if goal.needed_per_day is not None:
            text += (f" · {goal.needed_per_day:.1f}% needed on the {goal.open_days_left} open days left"
                     if goal.needed_per_day <= 100 else " · out of reach this month")
        elif not goal.open_days_left:
            gap = goal.actual - goal.target
            text += f" · {'met' if gap >= 0 else f'{abs(gap):.1f} points short'} with no open days left"
        return text
    label = "Sales goal" if goal.metric == "sales" else "Leads goal"
    text = f"{label}: {_amount(goal.actual, report, goal.metric)} of {_amount(goal.target, report, goal.metric)} " \
           f"this month ({goal.pct:.0f}%)"
    if goal.met_on:
        return text + f" · reached on {format_date(dt.date.fromisoformat(goal.met_on), 'd MMM', locale=loc)}"
    if goal.needed_per_day is not None:
        text += f" · {_amount(goal.needed_per_day, report, goal.metric)} a day needed on the " \
                f"{goal.open_days_left} open day{'s' if goal.open_days_left != 1 else ''} left"
    elif not goal.open_days_left:
        text += " · no open days left"
    if goal.projection is not None and goal.open_days_left:
        text += f" · on pace for {_amount(round(goal.projection), report, goal.metric)}"
    if goal.days_missing:
        text += f" ({goal.days_missing} open day{'s' if goal.days_missing != 1 else ''} without figures)"
    return text


def _share(driver: Driver) -> str:
    return share_words(driver.share_pct, "{:.0f}%")


def share_words(share_pct: float, partial: str) -> str:
    """How much of a change a part explains: a part bigger than the change (others moved the other way) is
    more than all of it, not "all of it"."""
    if share_pct > SHARE_MORE:
        return "more than all of it"
    return "all of it" if share_pct >= SHARE_ALL else partial.format(share_pct)


def driver_lines(report: Report) -> list[str]:
    """'Sales ▼ ₹23,900 vs Mon 23 Nov: Cement bags −₹27,520 (all of it), Paint −₹9,000 (38%)'."""
    groups: dict[tuple[str, str], list[Driver]] = {}
    for driver in sorted(report.drivers, key=lambda d: (d.metric != "sales", d.against != "previous")):
        groups.setdefault((driver.metric, driver.against), []).append(driver)
    lines = []
    for (metric, against), drivers in list(groups.items())[:MOST_DRIVER_LINES]:
        first = drivers[0]
        label = _day(first.against_date, report.locale) if against == "previous" else \
            "last " + format_date(dt.date.fromisoformat(first.against_date), "EEE", locale=report.locale)
        moved = "up" if first.change > 0 else "down"
        items = ", ".join(f"{d.name} {_signed(d.part, report, metric)} ({_share(d)})" for d in drivers)
        lines.append(f"{metric.capitalize()} {moved} {_amount(abs(first.change), report, metric)} vs {label}: {items}")
    return lines


def anomaly_line(report: Report) -> str | None:
    if not report.anomalies:
        return None
    return "Unusual: " + "; ".join(f"{item.metric} {item.text}" for item in report.anomalies)


def branch_lines(report: Report) -> list[str]:
    lines = []
    for line in report.branches:
        text = f"{line.branch}: {money(line.total, report.currency, report.locale, whole=True)} · " \
               f"{number(line.orders, report.locale)} order{'s' if line.orders != 1 else ''}"
        if line.change_pct is not None and report.sales is not None and report.sales.prev_date:
            text += f" ({arrow_pct(line.change_pct)} vs {_day(report.sales.prev_date, report.locale)})"
        lines.append(text)
    return lines


def correction_lines(report: Report) -> list[str]:
    names = {"sales.total": "sales", "sales.orders": "orders", "leads.count": "leads",
             "attendance.present": "present"}
    out = []
    for item in report.corrections:
        metric = names.get(item.metric, item.metric)
        kind = "sales" if metric == "sales" else "count"
        was = "–" if item.was is None else _amount(item.was, report, kind)
        now = "–" if item.now is None else _amount(item.now, report, kind)
        out.append(f"Corrected {_day(item.date, report.locale)}: {metric} {was} → {now} (the source changed)")
    return out


def checked_line(report: Report) -> str | None:
    """The closing line: how many numbers the guard checked, or that the rules wrote it and why."""
    if not report.insights:
        return None
    if report.engine == "ai":
        count = report.numbers_checked
        return f"✓ {count} number{'s' if count != 1 else ''} checked against your data"
    if report.engine == "imported":
        return None
    return f"Insights written by the rules: {report.engine_reason or 'no AI configured'}"

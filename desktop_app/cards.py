"""What each KPI card says: a value and its changes vs the previous open day and the same weekday last week.

Plain data with no Qt, so the summary window's cards and the email's KPI table show the same numbers
in the same colours. A change is coloured by whether it is good news, not by its sign.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from babel.dates import format_date

from .day_coverage import domain_uncovered, no_data_note
from .formatting import arrow_pct, arrow_pp, money, money_short, number
from .report import Report

Tone = Literal["good", "bad", "flat"]
TONE_COLORS: dict[Tone, str] = {"good": "#2E7D32", "bad": "#C62828", "flat": "#757575"}


@dataclass
class Change:
    text: str
    tone: Tone


@dataclass
class CardData:
    key: str
    title: str
    value: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    warning: bool = False  # the note says the number cannot be trusted (no data for the day)
    progress: int | None = None  # % of the month's target, when one is set
    progress_text: str = ""  # the bar's tooltip: "88% of the ₹40 L month target"


def _tone(change: float, up_is_good: bool = True) -> Tone:
    if abs(change) < 0.05:
        return "flat"
    return "good" if (change > 0) == up_is_good else "bad"


def _vs(change: float | None, label: str, points: bool = False) -> Change | None:
    if change is None:
        return None
    return Change(f"{(arrow_pp if points else arrow_pct)(change)} vs {label}", _tone(change))


def _day(iso: str | None, locale: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "EEE d", locale=locale) if iso else "previous day"


def _pct_change(now: float, before: float | None) -> float | None:
    if before in (None, 0):
        return None
    return round((now - before) / before * 100, 1)


def kpi_cards(report: Report) -> list[CardData]:
    loc, cur = report.locale, report.currency
    last_week = "last " + format_date(report.date, "EEE", locale=loc)
    cards: list[CardData] = []
    s = report.sales
    if s:
        cards.append(CardData("sales", "Sales", money(s.total, cur, loc, whole=True), [c for c in (
            _vs(s.change_pct, _day(s.prev_date, loc)), _vs(s.week_change_pct, last_week)) if c],
            f"Returns {money(s.returns, cur, loc)}" if s.returns else ""))
        cards.append(CardData("orders", "Orders", number(s.orders, loc), [c for c in (
            _vs(_pct_change(s.orders, s.prev_orders), _day(s.prev_date, loc)),) if c]))
        avg = money(s.avg_order, cur, loc, whole=True) if s.avg_order is not None else "–"
        cards.append(CardData("avg_order", "Average order", avg, [c for c in (
            _vs(s.avg_order_change_pct, _day(s.prev_date, loc)),) if c]))
    else:
        cards.append(CardData("sales", "Sales", "–", note="no sales data (see warnings)"))
    leads = report.leads
    if leads:
        # a no-break space keeps "JustDial 2" together when the note wraps
        top = ", ".join(f"{name}\u00a0{count}" for name, count in list(leads.by_source.items())[:3])
        cards.append(CardData("leads", "New leads", number(leads.count, loc), [c for c in (
            _vs(leads.change_pct, _day(leads.prev_date, loc)), _vs(leads.week_change_pct, last_week)) if c], top))
    else:
        cards.append(CardData("leads", "New leads", "–", note="no leads data (see warnings)"))
    att = report.attendance
    if att:
        rate = f"{att.rate_pct:.1f}%" if att.rate_pct is not None else "–"
        note = f"{att.present}/{att.headcount} present · {att.absent} absent" if att.headcount else \
            "nobody recorded for the day"  # as the message says: a holiday, or a device file not yet refreshed
        if att.headcount_estimated:
            note += " · headcount estimated"
        cards.append(CardData("attendance", "Attendance", rate, [c for c in (
            _vs(att.change_pp, _day(att.prev_date, loc), points=True),
            _vs(att.week_change_pp, last_week, points=True)) if c], note))
    else:
        cards.append(CardData("attendance", "Attendance", "–", note="no attendance data (see warnings)"))
    return _with_meaning(report, cards)


def _with_meaning(report: Report, cards: list[CardData]) -> list[CardData]:
    """A closed day shows no comparisons (nothing is red); a target adds a progress bar."""
    if report.closed:
        for card in cards:
            card.changes = []
            if card.key == "attendance":
                card.value, card.note = "Closed", "no attendance expected"
        return cards
    goals = {goal.metric: goal for goal in report.goals}
    for card in cards:
        goal = goals.get(card.key)
        if goal is None or goal.pct is None:
            continue
        card.progress = 100 if goal.met_on else max(0, min(99, round(goal.pct)))
        if goal.metric == "attendance":
            card.progress_text = f"This month {goal.actual:.1f}% (target {goal.target:g}%)"
        else:
            target = money_short(goal.target, report.currency, report.locale) if goal.metric == "sales" else \
                number(int(goal.target), report.locale)
            card.progress_text = f"{goal.pct:.0f}% of the {target} month target" + (" ✓" if goal.met_on else "")
    return cards


CARD_DOMAINS = {"sales": "sales", "orders": "sales", "avg_order": "sales", "leads": "leads",
                "attendance": "attendance"}


def shown_cards(report: Report) -> list[CardData]:
    """The cards as the summary window shows them: a domain whose sources had nothing for the day is "–"
    with the reason (₹0 from a file that ends months ago is not a quiet day), and no orders or average
    order without sales. The email and Slack use these, so every channel shows the window's numbers."""
    cards = []
    for data in kpi_cards(report):
        if data.key in ("orders", "avg_order") and report.sales is None:
            continue
        missing = domain_uncovered(report, CARD_DOMAINS[data.key])
        if missing is not None:
            data.value, data.changes, data.warning = "–", [], True
            data.note = no_data_note(missing, report.locale)
        cards.append(data)
    return cards

"""KPI cards: a value and its changes vs the previous open day and the same weekday last week.

`kpi_cards(report)` decides what each card says (plain data, testable); `KpiCard` only draws it.
A change is coloured by whether it is good news, not by its sign.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from babel.dates import format_date
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from ..formatting import arrow_pct, arrow_pp, money, money_short, number
from ..report import Report

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
        note = f"{att.present}/{att.headcount} present · {att.absent} absent"
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


class KpiCard(QFrame):
    """One card. Colours come from the palette so it reads in light and dark themes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kpiCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setStyleSheet("#kpiCard { background: palette(base); border: 1px solid palette(mid); "
                           "border-radius: 8px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setStyleSheet("color: palette(placeholder-text); font-weight: 600;")
        self.value = QLabel()
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.75)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes = QLabel()
        self.changes.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        for widget in (self.title, self.value, self.changes, self.progress, self.note):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_data(self, data: CardData) -> None:
        self.setAccessibleName(f"{data.title}: {data.value}")
        self.title.setText(data.title.upper())
        self.value.setText(data.value)
        self.changes.setText("<br>".join(
            f'<span style="color:{TONE_COLORS[c.tone]}">{c.text}</span>' for c in data.changes) or "&nbsp;")
        self.note.setText(data.note)
        self.note.setStyleSheet("color: #E65100; font-weight: 600;" if data.warning else
                                "color: palette(placeholder-text);")
        self.note.setVisible(bool(data.note))
        self.progress.setValue(data.progress or 0)
        self.progress.setToolTip(data.progress_text)
        self.progress.setAccessibleName(data.progress_text)
        self.progress.setVisible(data.progress is not None)

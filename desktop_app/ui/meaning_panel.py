"""What the numbers mean, in the summary window: a calm closed-day note, goal progress bars,
and the drivers, unusual days, branches, corrections and alerts of the day.

`meaning_rows(report)` decides what is said (plain data, testable, the same sentences as the
message); `MeaningPanel` only draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ..formatting import money_short, number
from ..render_branches import branch_day_lines, partial_line
from ..render_meaning import anomaly_line, branch_lines, closed_line, correction_lines, driver_lines, goal_line
from ..report import GoalProgress, Report

GOAL_TITLES = {"sales": "Sales goal", "leads": "Leads goal", "attendance": "Attendance goal"}


@dataclass
class GoalBar:
    title: str
    percent: int  # 0..100 for the bar
    text: str  # one short line beside the bar
    reached: bool
    detail: str = ""  # the message's full sentence (tooltip)


def _short(goal: GoalProgress, report: Report) -> str:
    """One line that fits beside the bar at 1366×768 and 125%: so far, what each day needs, the pace."""
    def amount(value: float) -> str:
        if goal.metric == "sales":
            return money_short(value, report.currency, report.locale)
        return f"{value:.1f}%" if goal.metric == "attendance" else number(round(value, 1), report.locale)

    if goal.metric == "attendance":
        text = f"{goal.actual:.1f}% vs {goal.target:g}%"
    else:
        text = f"{amount(goal.actual)} of {amount(goal.target)}"
    if goal.met_on:
        return text + f" · reached {dt.date.fromisoformat(goal.met_on):%d %b}".replace(" 0", " ")
    if goal.needed_per_day is not None:
        text += f" · {amount(goal.needed_per_day)}/day needed on {goal.open_days_left} open days"
    if goal.projection is not None and goal.metric != "attendance" and goal.open_days_left:
        text += f" · pace {amount(goal.projection if goal.metric == 'sales' else round(goal.projection))}"
    return text


@dataclass
class MeaningRows:
    closed: str | None
    goals: list[GoalBar]
    notes: list[tuple[str, str]]  # (icon, sentence)


def meaning_rows(report: Report) -> MeaningRows:
    if report.closed:
        return MeaningRows(closed_line(report), [], [])
    goals = []
    for goal in report.goals:
        line = goal_line(goal, report)
        percent = 100 if goal.met_on else max(0, min(99, round(goal.pct or 0)))  # 100 only once reached
        goals.append(GoalBar(GOAL_TITLES[goal.metric], percent, _short(goal, report), bool(goal.met_on), line))
    partial = partial_line(report)  # a head office's report: the branches not in its totals yet, first
    notes = [("⏳", partial)] if partial else []
    notes += [("🔍", text) for text in driver_lines(report)]
    unusual = anomaly_line(report)
    if unusual:
        notes.append(("⚠️", unusual))
    notes += [("🏬", text) for text in branch_lines(report)]
    notes += [("🏬", text) for text in branch_day_lines(report)]
    notes += [("🔔", f"Alert: {text}") for text in report.alerts]
    notes += [("↺", text) for text in correction_lines(report)]
    return MeaningRows(None, goals, notes)


class MeaningPanel(QWidget):
    """Hidden when the day has nothing to add to the cards."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.closed_label = QLabel()
        self.closed_label.setWordWrap(True)
        self.closed_label.setStyleSheet("background: #ECEFF1; color: #37474F; border-radius: 6px; padding: 8px 10px;")
        layout.addWidget(self.closed_label)
        self.goals = QGridLayout()
        self.goals.setHorizontalSpacing(10)
        self.goals.setVerticalSpacing(4)
        layout.addLayout(self.goals)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.RichText)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.notes_label)
        self.rows: MeaningRows | None = None

    def show_report(self, report: Report | None) -> None:
        while self.goals.count():
            item = self.goals.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        rows = meaning_rows(report) if report is not None else MeaningRows(None, [], [])
        self.rows = rows
        self.closed_label.setText(f"🔒 {rows.closed}" if rows.closed else "")
        self.closed_label.setVisible(bool(rows.closed))
        for index, goal in enumerate(rows.goals):
            title = QLabel(f"<b>{escape(goal.title)}</b>")
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(goal.percent)
            bar.setFormat(f"{goal.percent}%")
            bar.setMaximumHeight(14)
            bar.setFixedWidth(120)
            bar.setAccessibleName(f"{goal.title}: {goal.percent}%")
            if goal.reached:
                bar.setStyleSheet("QProgressBar::chunk { background: #2E7D32; }")
            detail = QLabel(escape(goal.text))
            detail.setWordWrap(True)
            detail.setToolTip(goal.detail)
            detail.setStyleSheet("color: palette(placeholder-text);")
            self.goals.addWidget(title, index, 0)
            self.goals.addWidget(bar, index, 1)
            self.goals.addWidget(detail, index, 2)
        self.goals.setColumnStretch(2, 1)
        self.notes_label.setText("<br>".join(f"{icon} {escape(text)}" for icon, text in rows.notes))
        self.notes_label.setVisible(bool(rows.notes))
        self.setVisible(bool(rows.closed or rows.goals or rows.notes))

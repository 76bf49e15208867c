"""KPI cards: a value and its changes vs the previous open day and the same weekday last week.

`kpi_cards(report)` decides what each card says (plain data, testable); `KpiCard` only draws it.
A change is coloured by whether it is good news, not by its sign.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from ..cards import TONE_COLORS, CardData, Change, Tone, kpi_cards

__all__ = ["TONE_COLORS", "CardData", "Change", "KpiCard", "Tone", "kpi_cards"]


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

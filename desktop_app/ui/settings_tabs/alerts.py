"""Alerts tab: the owner's alert rules, one plain sentence a line, and how often the tray checks them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...settings import AlertSettings, Settings
from ..settings_form import FieldForm, LinesEditor, muted_label

EXAMPLES = "sales below 50000 by 17:00\nattendance under 85%\nno new lead for 3 hours\na source not updated for 2 days"


class AlertsTab(QWidget):
    title = "Alerts"
    sections = ("alerts",)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        rules = LinesEditor(EXAMPLES)
        rules.edit.setMaximumHeight(140)
        self.form = FieldForm(
            AlertSettings, ["rules", "check_minutes", "open_hours"],
            labels={"rules": "Alert me when", "check_minutes": "Check every", "open_hours": "Open hours"},
            editors={"rules": rules},
        )
        self.form.editors["check_minutes"].setSuffix(" minutes")
        layout.addWidget(self.form)
        layout.addWidget(muted_label(
            "One rule a line: a metric (sales, orders, leads, attendance), below/above, a number and an optional "
            "time ('by 17:00'); or 'no new lead for N hours'; or 'a source not updated for N days'. Each alert "
            "is sent once a day, through Telegram, as soon as it is true."))
        layout.addStretch(1)

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.alerts)

    def apply(self, data: dict[str, Any]) -> None:
        data["alerts"].update(self.form.values())

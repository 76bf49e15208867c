"""Business tab: who the business is, how its numbers are written, when it is open."""

from __future__ import annotations

import zoneinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QScrollArea, QVBoxLayout, QWidget

from ...locales import OFFERED_LOCALES
from ...secrets import Secret
from ...settings import AttendanceSettings, BusinessSettings, GoalSettings, HistorySettings, InsightsSettings, Settings
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, DateListEditor, FieldForm, WeekdayEditor

CURRENCIES = [("INR", "INR — Indian rupee (₹)"), ("USD", "USD — US dollar ($)"), ("EUR", "EUR — euro (€)"),
              ("GBP", "GBP — pound sterling (£)"), ("AED", "AED — UAE dirham")]
LOCALES = list(OFFERED_LOCALES.items())  # the only number formats the settings accept
LANGUAGES = [(name, name) for name in ("English", "Hindi", "Gujarati", "Marathi", "Tamil")]


def timezone_editor() -> ChoiceEditor:
    names = sorted(zoneinfo.available_timezones())
    editor = ChoiceEditor([(name, name) for name in names], editable=True)
    completer = QCompleter(names, editor)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    editor.setCompleter(completer)
    return editor


class BusinessTab(QScrollArea):
    title = "Business"
    sections = ("business", "attendance", "insights.language", "goals", "history")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.business = FieldForm(
            BusinessSettings, ["name", "currency", "locale", "timezone", "open_weekdays", "holidays"],
            labels={"name": "Business name", "locale": "Number format", "timezone": "Time zone",
                    "open_weekdays": "Open on", "holidays": "Holidays"},
            editors={"currency": ChoiceEditor(CURRENCIES, editable=True),
                     "locale": ChoiceEditor(LOCALES), "timezone": timezone_editor(),
                     "open_weekdays": WeekdayEditor(), "holidays": DateListEditor()},
        )
        self.business.add_field(InsightsSettings, "language", "Insight language",
                                ChoiceEditor(LANGUAGES, editable=True))
        self.business.add_heading("Attendance")
        self.business.add_field(AttendanceSettings, "headcount", "Staff per day")
        self.business.add_field(AttendanceSettings, "roster", "Roster file")
        self.business.add_heading("Monthly goals (0 = none)")
        self.business.add_field(GoalSettings, "sales_monthly", "Sales target").setDecimals(0)
        self.business.add_field(GoalSettings, "leads_monthly", "New leads target")
        self.business.add_field(GoalSettings, "attendance_pct", "Attendance target").setSuffix(" %")
        self.business.add_heading("Several branches")
        self.business.add_field(BusinessSettings, "branch", "This branch")
        self.business.add_field(BusinessSettings, "head_office", "Head office")
        self.business.add_field(HistorySettings, "url", "Shared history URL")
        self.history_password = SecretField(Secret.HISTORY_DB_PASSWORD, "the database role's password")
        self.business.form_layout.addRow("Database password", self.history_password)
        self.business.add_field(HistorySettings, "tls", "Encryption", ChoiceEditor(
            [("prefer", "When the server offers it"), ("require", "Always"), ("disable", "Never")]))
        self.business.add_field(HistorySettings, "pc_name", "This PC's name")
        layout.addWidget(self.business)
        layout.addStretch(1)
        self.setWidget(body)

    def load(self, settings: Settings) -> None:
        self.business.set_model(settings.business)
        self.business.set_model(settings.insights)
        self.business.set_model(settings.attendance)
        self.business.set_model(settings.goals)
        self.business.set_model(settings.history)

    def apply(self, data: dict[str, Any]) -> None:
        data["business"].update(self.business.values())
        data["insights"].update(self.business.values(InsightsSettings))
        data["attendance"].update(self.business.values(AttendanceSettings))
        data["goals"].update(self.business.values(GoalSettings))
        data["history"].update(self.business.values(HistorySettings))

    def secret_changes(self) -> dict[Secret, str | None]:
        change = self.history_password.change()
        return {} if change is KEEP else {Secret.HISTORY_DB_PASSWORD: change}

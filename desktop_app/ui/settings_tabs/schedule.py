"""Schedule tab: when the report is made, whether it waits for approval, start at login."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...autostart import describe, launch_command
from ...settings import ReportSettings, ScheduleSettings, Settings
from ..settings_form import ChoiceEditor, FieldForm, TimeEditor, WeekdayEditor, muted_label

MODES = [("daily", "Every day at a set time"), ("interval", "Every N minutes"), ("off", "Off: only when I ask")]
SEND = [("auto", "Send it automatically"), ("preview", "Let me preview it first (Send / Edit / Skip)")]
DELIVER = [("always", "Always"), ("unusual", "Only when something is unusual or an alert fired"),
           ("changed", "Only when the numbers changed since the last report sent")]
CLOSED = [("note", "Send a one-line note"), ("skip", "Skip them")]


class ScheduleTab(QWidget):
    title = "Schedule"
    sections = ("schedule", "report.deliver")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.form = FieldForm(
            ScheduleSettings, ["mode", "time", "weekdays", "interval_minutes"],
            labels={"mode": "Make the report", "time": "At", "weekdays": "On", "interval_minutes": "Every"},
            editors={"mode": ChoiceEditor(MODES), "time": TimeEditor(), "weekdays": WeekdayEditor()},
            quiet=("mode",),
        )
        self.form.editors["interval_minutes"].setSuffix(" minutes")
        self.form.add_heading("Sending")
        self.form.quiet.add("send")
        self.form.add_field(ScheduleSettings, "send", "Scheduled reports", ChoiceEditor(SEND))
        self.form.add_field(ScheduleSettings, "preview_minutes", "Send anyway after").setSuffix(" minutes")
        self.form.add_field(ReportSettings, "deliver", "Send the report", ChoiceEditor(DELIVER))
        self.form.add_field(ScheduleSettings, "closed_days", "On closed days", ChoiceEditor(CLOSED))
        self.form.add_heading("Start-up")
        self.form.add_field(ScheduleSettings, "start_at_login", "Start at login")
        self.form.form_layout.addRow("", muted_label(f"Runs: {describe(launch_command())}"))
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.when = self.delivery = self.form
        self.when.editors["mode"].currentIndexChanged.connect(self._mode_changed)
        self.delivery.editors["send"].currentIndexChanged.connect(self._mode_changed)

    def _mode_changed(self) -> None:
        mode = self.when.editors["mode"].value()
        self.when.set_row_visible("time", mode == "daily")
        self.when.set_row_visible("weekdays", mode == "daily")
        self.when.set_row_visible("interval_minutes", mode == "interval")
        self.delivery.set_row_visible("preview_minutes", self.delivery.editors["send"].value() == "preview")

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.schedule)
        self.form.set_model(settings.report)
        self._mode_changed()

    def apply(self, data: dict[str, Any]) -> None:
        data["schedule"].update(self.form.values(ScheduleSettings))
        data["report"].update(self.form.values(ReportSettings))

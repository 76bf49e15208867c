"""Issue 16 item 13, the small ones not covered next to their window's tests (see test_summary_day.py and
test_source_editor_ux.py for the rest)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.insights.rules import _direction, rule_insights
from desktop_app.settings import Settings
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_form import TimeEditor

from .test_summary import make_report


@pytest.mark.parametrize(("typed", "time"), [("1930", "19:30"), ("0945", "09:45"), ("19:05", "19:05")])
def test_a_time_typed_over_the_selected_time_takes(qtbot, typed, time):
    editor = TimeEditor()
    qtbot.addWidget(editor)
    editor.set_value("18:00")
    editor.show()
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, typed)
    assert editor.value() == time


def test_a_new_hour_typed_over_the_hour_takes(qtbot):
    editor = TimeEditor()
    qtbot.addWidget(editor)
    editor.set_value("18:00")
    editor.show()
    editor.setFocus()
    editor.setCursorPosition(0)
    QTest.keyClicks(editor, "20")
    assert editor.value() == "20:00"
    QTest.keyClick(editor, Qt.Key.Key_Up)  # the cursor moved on to the minutes
    assert editor.value() == "20:01"
    editor.setCursorPosition(1)
    QTest.keyClick(editor, Qt.Key.Key_Down)
    assert editor.value() == "19:01"


def test_the_schedule_time_typed_in_the_dialog_is_saved(qtbot, paths):
    from desktop_app.settings import load_settings

    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.schedule)
    time = dialog.schedule.form.editors["time"]
    time.setFocus()
    time.selectAll()
    QTest.keyClicks(time, "2015")
    dialog.accept()  # OK straight from the field, without leaving it first
    assert load_settings(paths.settings_file).schedule.time == "20:15"


def test_a_steady_change_is_one_bracket():
    assert _direction(-2.8, "the previous day (₹5.1 Cr)") == "steady against the previous day (₹5.1 Cr, -2.8%)"
    report = make_report()
    report.sales.change_pct, report.sales.prev_total = -2.8, 241_800.0
    text = " ".join(rule_insights(report))
    assert ") (" not in text

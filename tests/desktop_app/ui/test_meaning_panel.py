"""The summary window says what the numbers mean: goals with progress, drivers, a calm closed day;
and the settings dialog edits goals, alert rules, the delivery setting and a source's branch."""

from __future__ import annotations

import datetime as dt

from desktop_app.report import Driver, GoalProgress
from desktop_app.settings import Settings, SourceSettings, load_settings, save_settings
from desktop_app.ui.jobs import DayView
from desktop_app.ui.kpi_cards import kpi_cards
from desktop_app.ui.meaning_panel import meaning_rows
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_tabs.sources import SourceEditor
from desktop_app.ui.summary import SummaryWindow
from desktop_app.ui.trend_chart import trend_series

from .test_summary import DAY, make_report

GOAL = GoalProgress("sales", 4_000_000, 3_521_960, 88.0, 20, 5, 95_608, 4_402_450)
DRIVER = Driver("sales", "previous", "2026-11-23", -32_000, "product", "Cement bags", -30_000, 93.8)


def test_goals_and_drivers_are_shown_with_progress(qtbot):
    report = make_report(goals=[GOAL], drivers=[DRIVER])
    rows = meaning_rows(report)
    [bar] = rows.goals
    assert (bar.title, bar.percent) == ("Sales goal", 88)
    assert bar.text == "₹35.22 L of ₹40 L · ₹95,608/day needed on 5 open days · pace ₹44.02 L"
    assert bar.detail.startswith("Sales goal: ₹35,21,960 of ₹40,00,000 this month (88%) · ₹95,608 a day needed")
    assert rows.notes == [("🔍", "Sales down ₹32,000 vs Mon 23 Nov: Cement bags −₹30,000 (94%)")]
    sales = next(card for card in kpi_cards(report) if card.key == "sales")
    assert sales.progress == 88 and sales.progress_text == "88% of the ₹40 L month target"
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(DAY, report, [report], frozenset()))
    window.show()
    assert window.meaning.isVisible() and window.cards["sales"].progress.isVisible()
    assert "Cement bags" in window.meaning.notes_label.text()
    _dates, series = trend_series([report], DAY)
    assert series[0].target == 4_000_000 / 25  # the month's pace per open day, drawn as a dashed line


def test_a_closed_day_is_calm(qtbot):
    sunday = DAY - dt.timedelta(days=2)
    report = make_report(day=sunday, closed=True, goals=[GOAL])
    report.attendance.present, report.attendance.rate_pct = 0, 0.0
    cards = {card.key: card for card in kpi_cards(report)}
    assert all(card.changes == [] for card in cards.values())  # no red arrows against Saturday
    assert (cards["attendance"].value, cards["attendance"].note) == ("Closed", "no attendance expected")
    rows = meaning_rows(report)
    assert rows.closed.startswith("Closed today (Sunday): ₹2,35,000 from 47 orders") and rows.goals == []
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(sunday, report, [report], frozenset()))
    window.show()
    assert window.meaning.closed_label.isVisible() and "🔒" in window.meaning.closed_label.text()
    window.show_view(DayView(DAY, make_report(), [], frozenset()))
    assert not window.meaning.isVisible()  # nothing to add on a plain day


def test_goals_alerts_delivery_and_branch_are_edited_in_the_dialog(qtbot, paths):
    save_settings(Settings(sources=[SourceSettings(name="Naroda bills", domain="sales", path="/x/n.csv")]),
                  paths.settings_file)
    dialog = SettingsDialog(load_settings(paths.settings_file), paths)
    qtbot.addWidget(dialog)
    business = dialog.business.business.editors
    business["sales_monthly"].setValue(4_000_000)
    business["attendance_pct"].setValue(92)
    dialog.schedule.form.editors["deliver"].set_value("unusual")
    dialog.schedule.form.editors["closed_days"].set_value("skip")
    dialog.alerts.form.editors["rules"].edit.setPlainText("sales below 50000 by 17:00\nno new lead for 3 hours\n")
    dialog.alerts.form.editors["check_minutes"].setValue(10)
    settings = dialog.validated()
    assert settings.goals.sales_monthly == 4_000_000 and settings.goals.attendance_pct == 92
    assert (settings.report.deliver, settings.schedule.closed_days) == ("unusual", "skip")
    assert settings.alerts.rules == ["sales below 50000 by 17:00", "no new lead for 3 hours"]
    assert settings.alerts.check_minutes == 10
    dialog.alerts.form.editors["rules"].edit.setPlainText("tell me when things go wrong")
    assert dialog.validated() is None and dialog.tabs.currentWidget() is dialog.alerts
    assert "is not an alert rule" in dialog.error.text()

    editor = SourceEditor(load_settings(paths.settings_file).sources[0])
    qtbot.addWidget(editor)
    editor.branch.setText(" Naroda ")
    assert editor.source().branch == "Naroda"
    save_settings(Settings(sources=[editor.source()]), paths.settings_file)
    assert 'branch = "Naroda"' in paths.settings_file.read_text(encoding="utf-8")
    assert load_settings(paths.settings_file).sources[0].branch == "Naroda"


def test_a_closed_day_with_no_rows_is_not_missing_data(qtbot):
    from desktop_app.report import SourceStatus
    from desktop_app.ui.day_coverage import domain_uncovered, is_partial

    sunday = DAY - dt.timedelta(days=2)
    saturday = (sunday - dt.timedelta(days=1)).isoformat()
    sources = [SourceStatus("Shop orders", "sales", "/x/orders.csv", "ok", "csv", 120, "2026-11-01", saturday)]
    closed = make_report(day=sunday, closed=True, sources=sources)
    assert not is_partial(closed) and domain_uncovered(closed, "sales") is None
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(sunday, closed, [closed], frozenset()))
    assert "no data for this day" not in window.sources_label.text()
    assert "No sales" not in window.insights_label.text()
    open_day = make_report(day=sunday, sources=sources)  # the same rows on an open day: data is missing
    assert is_partial(open_day)

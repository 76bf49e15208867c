"""The summary window's branch selector: a head office's report shows the whole business or one branch (against
its own previous day and last week); any other report shows no selector."""

from __future__ import annotations

import datetime as dt

from desktop_app.branch_view import branch_report
from desktop_app.consolidated import consolidate
from desktop_app.pipeline import finish_report
from desktop_app.ui.jobs import DayView
from desktop_app.ui.meaning_panel import meaning_rows
from desktop_app.ui.summary import SummaryWindow

from ..branch_reports import TUE
from ..branch_reports import branch_report as saved_report

MON = TUE - dt.timedelta(days=1)


def _view() -> DayView:
    reports = {"Naroda": {TUE: saved_report(TUE, 120000, 40, 12, 11, 12), MON: saved_report(MON, 100000, 35)},
               "Maninagar": {TUE: saved_report(TUE, 45000, 15, 3, 6, 10), MON: saved_report(MON, 50000, 20)},
               "Vastral": {MON: saved_report(MON, 20000, 8)}}
    days = [finish_report(consolidate(reports, day), offline=True) for day in (MON, TUE)]
    return DayView(day=TUE, report=days[1], trend=days, today=TUE)


def test_whole_business_first_then_one_branch_against_its_own_days(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    view = _view()
    window.show_view(view)
    selector = window.branch_selector
    assert not selector.isHidden()
    assert [selector.itemText(i) for i in range(selector.count())] == ["Whole business", "Maninagar", "Naroda",
                                                                     "Vastral"]
    assert window.report is view.report and window.report.sales.total == 165000
    assert window.business_label.text() == "Shah Hardware"
    notes = [text for _icon, text in meaning_rows(window.report).notes]
    assert notes[0] == "Partial: Vastral has not reported yet; the totals are for 2 of 3 branches"
    assert "#1 Naroda: ₹1,20,000 · 40 orders · 12 leads · 91.7% present (▲ 20.0% vs Mon 23 Nov)" in notes

    with qtbot.waitSignal(selector.branch_changed):
        selector.setCurrentIndex(selector.findText("Maninagar"))
    shown = window.report
    assert shown.business == "Shah Hardware · Maninagar" and window.business_label.text() == shown.business
    assert (shown.sales.total, shown.sales.prev_total, shown.sales.change_pct) == (45000, 50000, -10.0)
    assert shown.attendance.rate_pct == 60.0 and shown.leads.count == 3
    assert window.trend.series[0].values[-2:] == [50000, 45000]  # its own trend, not the whole business's
    assert "Maninagar" in window.insights_label.text()

    window.show_view(view)  # another day loaded: the choice stays
    assert window.report.business == "Shah Hardware · Maninagar"
    selector.choose(None)
    assert window.report is view.report

    selector.setCurrentIndex(selector.findText("Vastral"))
    assert window.report.sales is None and "not reported" in window.warnings_label.text()


def test_a_branch_report_has_no_selector(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(day=TUE, report=saved_report(TUE, 1000), today=TUE))
    assert window.branch_selector.isHidden()
    window.show_view(_view())
    assert not window.branch_selector.isHidden()


def test_the_branch_view_of_a_missing_branch_is_none():
    assert branch_report(_view().report, "Bopal") is None


def test_a_head_office_with_no_sources_of_its_own_is_not_the_demo(qtbot, make_app, paths):
    """Its scheduled report reads the branches: it must run, not be skipped as the first-run demo."""
    from desktop_app.settings import Settings, save_settings

    save_settings(Settings.model_validate({"business": {"name": "Shah Hardware", "head_office": True}}),
                  paths.settings_file)
    app = make_app(demo=False, welcome=True)
    assert not app.workspace.demo and app.summary.banner_frame.isHidden()


def test_the_head_office_setting_is_in_the_business_tab_and_reaches_the_file(qtbot, paths):
    from desktop_app.settings import Settings, load_settings, save_settings
    from desktop_app.ui.settings_dialog import SettingsDialog

    save_settings(Settings(), paths.settings_file)
    dialog = SettingsDialog(load_settings(paths.settings_file), paths)
    qtbot.addWidget(dialog)
    editor = dialog.business.business.editors["head_office"]
    assert editor.value() is False
    editor.setChecked(True)
    dialog.accept()
    assert load_settings(paths.settings_file).business.head_office is True
    assert "head_office = true" in paths.settings_file.read_text(encoding="utf-8")

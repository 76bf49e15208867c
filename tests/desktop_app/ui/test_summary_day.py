"""Issue 16 in the summary window: the day on screen (Generate, calendar, stale sources), every shortcut,
narrow windows and the chart. Each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from PySide6.QtCore import QDate, QPoint
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtTest import QTest

from desktop_app.report import SourceStatus
from desktop_app.ui.jobs import DayView
from desktop_app.ui.summary import SHORTCUTS, SummaryWindow
from desktop_app.ui.trend_chart import TrendChart

from .test_summary import DAY, make_report


@pytest.fixture
def window(qtbot):
    window = SummaryWindow()
    window.hide_on_close = False
    qtbot.addWidget(window)
    window.set_today(DAY)
    window.show_view(DayView(DAY, make_report(text="📅 Daily Business Summary — Tue 24 Nov"), [make_report()]))
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


def press(qtbot, window, sequence: str) -> None:
    keys = QKeySequence(sequence)[0]
    QTest.keyClick(window.focusWidget() or window, keys.key(), keys.keyboardModifiers())


# -- item 5: every shortcut works ---------------------------------------------------------------------------

def test_f5_asks_for_a_report(qtbot, window):
    with qtbot.waitSignal(window.generate_requested, timeout=1000):
        press(qtbot, window, SHORTCUTS["generate"])


def test_ctrl_c_copies_the_report(qtbot, window):
    QGuiApplication.clipboard().clear()
    press(qtbot, window, SHORTCUTS["copy"])
    assert QGuiApplication.clipboard().text() == "📅 Daily Business Summary — Tue 24 Nov"


def test_alt_left_asks_for_the_previous_day(qtbot, window):
    with qtbot.waitSignal(window.day_requested, timeout=1000) as blocker:
        press(qtbot, window, SHORTCUTS["previous_day"])
    assert blocker.args == [DAY - dt.timedelta(days=1)]


def test_alt_right_asks_for_the_next_day(qtbot, window):
    window.show_view(DayView(DAY - dt.timedelta(days=2), None, []))
    with qtbot.waitSignal(window.day_requested, timeout=1000) as blocker:
        press(qtbot, window, SHORTCUTS["next_day"])
    assert blocker.args == [DAY - dt.timedelta(days=1)]


def test_ctrl_comma_opens_settings(qtbot, window):
    with qtbot.waitSignal(window.settings_requested, timeout=1000):
        press(qtbot, window, SHORTCUTS["settings"])


def test_every_shortcut_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    shown = {"Alt+Left": "Alt+←", "Alt+Right": "Alt+→"}
    for sequence in SHORTCUTS.values():
        assert shown.get(sequence, sequence) in readme


# -- item 7: the calendar and Alt+→ stop at today and mark report days ----------------------------------------

def test_alt_right_stops_at_today(qtbot, window):
    with qtbot.assertNotEmitted(window.day_requested, wait=100):
        press(qtbot, window, SHORTCUTS["next_day"])
        window.next_button.click()
    assert not window.next_button.isEnabled()
    assert window.date_edit.maximumDate() == QDate(DAY.year, DAY.month, DAY.day)
    window.date_edit.setDate(QDate(DAY.year, DAY.month, DAY.day + 3))
    assert window.date_edit.date().toPython() == DAY  # the calendar cannot pick a future day


def test_calendar_marks_the_days_with_a_report(window):
    report_days = frozenset({DAY, DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=5)})
    window.show_view(DayView(DAY, make_report(), [], report_days=report_days))
    calendar = window.date_edit.calendarWidget()
    for day in report_days:
        assert calendar.dateTextFormat(QDate(day.year, day.month, day.day)).fontWeight() == QFont.Weight.Bold
    quiet = DAY - dt.timedelta(days=2)
    assert calendar.dateTextFormat(QDate(quiet.year, quiet.month, quiet.day)).fontWeight() != QFont.Weight.Bold


# -- item 2: Generate names the day on screen ---------------------------------------------------------------

def test_generate_button_names_a_past_day(window):
    assert window.generate_button.text().replace("&", "") == "Generate now"
    window.show_view(DayView(dt.date(2026, 11, 23), None, []))
    assert window.generate_button.text().replace("&", "") == "Generate for Mon 23 Nov"
    assert "Generate for Mon 23 Nov" in window.insights_label.text()
    assert window.day == dt.date(2026, 11, 23)


# -- item 3: a source that does not cover the day --------------------------------------------------------------

def test_a_source_without_rows_for_the_day_is_marked_and_the_report_is_partial(window):
    report = make_report(sources=[SourceStatus("Shop orders", "sales", "/x/orders.csv", "ok", "csv", 120,
                                               "2025-01-02", "2025-05-17"),
                                  SourceStatus("Leads", "leads", "/x/leads.csv", "ok", "csv", 20,
                                               "2026-11-01", "2026-11-24")])
    assert report.complete  # the core calls it complete: the window must not
    window.show_view(DayView(DAY, report, [report]))
    assert "partial" in window.subtitle.text() and "complete" not in window.subtitle.text()
    assert "no data for this day — newest row 17 May 2025" in window.sources_label.text()
    assert window.cards["sales"].value.text() == "–"
    assert window.cards["sales"].note.text() == "no data for this day — newest row 17 May 2025"
    assert window.cards["leads"].value.text() == "12"  # the leads source covers the day
    assert "No sales data for this day" in window.insights_label.text()  # the rules' lines are not about it
    assert "No leads" not in window.insights_label.text()
    assert window.trend.series[0].values[-1] is None  # no ₹0 point in the trend either
    assert window.trend.series[1].values[-1] == 12
    assert window.trend.hover_text(window.trend.series[0], 29).startswith("no data")


# -- item 11: narrow windows ------------------------------------------------------------------------------------

def test_a_long_business_name_is_elided_and_the_window_gets_narrow(qtbot, window):
    window.show_view(DayView(DAY, make_report(business="Shree Ganesh Traders and Sons Wholesale Textiles, Yarn "
                                                       "and Readymade Garments Private Limited, Ahmedabad"), []))
    window.resize(800, 600)
    qtbot.wait(50)
    assert window.width() == 800
    assert window.minimumSizeHint().width() <= 800
    assert window.business_label.shown_text().endswith("…")
    assert window.business_label.toolTip().endswith("Ahmedabad")


def test_at_800_by_600_every_insight_line_is_shown_whole(qtbot, window):
    long = ["Sales were ₹1.42 L from 35 orders, down 14.4% against the previous day (₹1.66 L) and down 34.0% "
            "against the same day last week (₹2.15 L)."] * 5
    window.show_view(DayView(DAY, make_report(insights=long), []))
    window.resize(800, 600)
    qtbot.wait(50)
    label = window.insights_label
    assert label.height() >= label.heightForWidth(label.width())  # nothing cut at the bottom
    assert window.generate_button.geometry().bottom() < window.height()


def test_chart_date_labels_never_overlap_at_any_width(qtbot):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_reports([make_report(DAY - dt.timedelta(days=d)) for d in range(30)], DAY)
    metrics = QFontMetrics(chart.font())
    for width in (120, 180, 260, 420, 800):
        chart.resize(width, 300)
        labels = [rect for rect, _text in chart.axis_labels(metrics)]
        assert labels
        for a, b in itertools.pairwise(labels):
            assert a.right() < b.left(), width


def test_chart_line_stays_right_of_the_high_and_low_labels(qtbot):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_reports([make_report(DAY - dt.timedelta(days=d)) for d in range(30)], DAY)
    chart.resize(420, 300)
    chart.grab()  # paints: the gutter is measured with the painter's font
    small = QFont(chart.font())
    small.setPointSizeF(max(chart.font().pointSizeF() * 0.85, 7))
    widest = QFontMetrics(small).horizontalAdvance("100.0%")
    assert chart._plot_x(0) >= chart.LEFT + widest


# -- item 13: the small ones in the window ----------------------------------------------------------------------

def test_hovering_a_closed_day_says_closed(qtbot):
    chart = TrendChart()
    qtbot.addWidget(chart)
    closed = DAY - dt.timedelta(days=2)
    chart.set_reports([make_report(DAY - dt.timedelta(days=d)) for d in (0, 1, 3)], DAY, frozenset({closed}))
    sales = chart.series[0]
    assert chart.hover_text(sales, 27).startswith("closed")
    assert chart.hover_text(sales, 25).startswith("no report")  # an open day without a report


def test_cancelling_never_ticks_the_step_that_was_stopped(window):
    window.set_busy(True)
    window.add_step("Reading Shop orders…")
    window.show_cancelling()
    text = window.step_label.text()
    assert "✓</span> Reading" not in text
    assert "✗</span> Reading Shop orders (stopped)" in text and "Cancelling" in text


def test_lead_source_and_its_count_stay_together(window):
    report = make_report()
    report.leads.by_source = {"IndiaMART": 7, "JustDial": 2}
    window.show_view(DayView(DAY, report, []))
    assert "JustDial\u00a02" in window.cards["leads"].note.text()


def test_the_banner_link_opens_the_sources_tab(qtbot, window):
    from desktop_app.ui.app import DEMO_BANNER

    window.set_banner(DEMO_BANNER, "Add your own data…")
    with qtbot.waitSignal(window.link_requested, timeout=1000) as blocker:
        window.banner.linkActivated.emit("settings:sources")
    assert blocker.args == ["settings:sources"]
    assert "href='settings:sources'" in DEMO_BANNER


def test_hover_position_maps_to_a_day(qtbot):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_reports([make_report(DAY - dt.timedelta(days=d)) for d in range(30)], DAY)
    chart.resize(420, 300)
    chart.show()
    chart.grab()
    QTest.mouseMove(chart, QPoint(int(chart._plot_x(29)), 50))
    assert chart._hover == 29
    QTest.mouseMove(chart, QPoint(int(chart._plot_x(0)), 50))
    assert chart._hover == 0
    QTest.mouseMove(chart, QPoint(1, 50), delay=-1)
    assert chart._hover == 0

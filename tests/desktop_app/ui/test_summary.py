"""The summary window shows the values of the report it is given, and says what the user asks for."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QGuiApplication

from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis, SourceStatus
from desktop_app.ui.jobs import DayView
from desktop_app.ui.kpi_cards import kpi_cards
from desktop_app.ui.summary import SummaryWindow, insight_badge
from desktop_app.ui.trend_chart import trend_series

DAY = dt.date(2026, 11, 24)  # a Tuesday


def make_report(day: dt.date = DAY, **changes) -> Report:
    report = Report(
        date=day, currency="INR", business="Shree Ganesh Traders",
        sales=SalesKpis(total=235000.0, orders=47, avg_order=5000.0, prev_date="2026-11-23", prev_total=200000.0,
                        prev_orders=40, change_pct=17.5, week_ago_total=250000.0, week_change_pct=-6.0,
                        avg_order_change_pct=0.0),
        leads=LeadsKpis(count=12, by_source={"IndiaMART": 7, "Website": 5}, prev_date="2026-11-23", prev_count=15,
                        change_pct=-20.0),
        attendance=AttendanceKpis(headcount=24, present=22, absent=2, rate_pct=91.7, prev_date="2026-11-23",
                                  change_pp=4.2),
        insights=["Sales rose 17.5% to ₹2.35 L.", "IndiaMART brought 7 of 12 leads."],
        engine="rules", engine_reason="offline (--offline)", text="Daily Business Summary…",
        sources=[SourceStatus("Shop orders", "sales", "/x/orders.csv", "ok", "csv", 120, "2026-11-01", "2026-11-24")],
    )
    for key, value in changes.items():
        setattr(report, key, value)
    return report


def test_cards_say_the_values_and_colour_by_good_news():
    cards = {card.key: card for card in kpi_cards(make_report())}
    assert cards["sales"].value == "₹2,35,000"
    assert [(c.text, c.tone) for c in cards["sales"].changes] == [("▲ 17.5% vs Mon 23", "good"),
                                                                   ("▼ 6.0% vs last Tue", "bad")]
    assert cards["orders"].value == "47"
    assert cards["orders"].changes[0].text == "▲ 17.5% vs Mon 23"
    assert cards["avg_order"].changes[0].tone == "flat"
    assert cards["leads"].value == "12" and cards["leads"].changes[0].tone == "bad"
    assert cards["leads"].note == "IndiaMART\u00a07, Website\u00a05"
    assert cards["attendance"].value == "91.7%"
    assert cards["attendance"].changes[0].text == "▲ 4.2 pp vs Mon 23"
    assert cards["attendance"].note == "22/24 present · 2 absent"


def test_missing_domains_say_so():
    cards = {card.key: card for card in kpi_cards(make_report(sales=None, attendance=None))}
    assert cards["sales"].value == "–" and "no sales data" in cards["sales"].note
    assert "orders" not in cards


def test_a_day_nobody_punched_is_said_so_not_zero_of_zero():
    nobody = AttendanceKpis(headcount=0, present=0, absent=0, rate_pct=None, prev_date="2026-11-23")
    card = {card.key: card for card in kpi_cards(make_report(attendance=nobody))}["attendance"]
    assert (card.value, card.note) == ("–", "nobody recorded for the day")


def test_badge_names_the_engine_and_the_reason():
    assert insight_badge(make_report(engine="ai", engine_reason=None)) == ("AI, numbers checked", "ai")
    assert insight_badge(make_report()) == ("Simple rules wrote these: AI was switched off for this report", "rules")


def test_window_shows_the_report(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    report = make_report(warnings=["Walk-in register: stale — file last changed 2026-11-20"])
    report.sources.append(SourceStatus("Walk-in register", "leads", "/x/walkin.csv", "stale",
                                       message="Walk-in register: stale — file last changed 2026-11-20"))
    window.show_view(DayView(DAY, report, [report]))
    window.show()
    assert window.business_label.text() == "Shree Ganesh Traders"
    assert window.subtitle.text().startswith("Tuesday 24 November 2026")
    assert "partial" in window.subtitle.text()
    assert window.cards["sales"].value.text() == "₹2,35,000"
    assert "#2E7D32" in window.cards["sales"].changes.text()  # up is good: green
    assert "#C62828" in window.cards["leads"].changes.text()  # fewer leads: red
    assert window.badge.text() == "Simple rules wrote these: AI was switched off for this report"
    assert "IndiaMART brought 7 of 12 leads." in window.insights_label.text()
    assert window.warnings_label.isVisible()
    assert window.warnings_label.text().count("stale") == 1  # the source problem and its warning are one line
    assert "Shop orders" in window.sources_label.text()
    assert window.date_edit.date().toPython() == DAY


def test_a_day_without_a_report(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(dt.date(2026, 11, 22), None, []))
    window.show()
    assert "No report for Sunday 22 November 2026" in window.subtitle.text()
    assert not window.cards["sales"].isVisible()
    assert not window.copy_button.isEnabled()


def test_date_picker_and_arrows_ask_for_a_day(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(DAY, make_report(), []))
    with qtbot.waitSignal(window.day_requested) as blocker:
        window.prev_button.click()
    assert blocker.args == [dt.date(2026, 11, 23)]
    with qtbot.waitSignal(window.day_requested) as blocker:
        window.date_edit.setDate(dt.date(2026, 11, 2))
    assert blocker.args == [dt.date(2026, 11, 2)]


def test_copy_puts_the_report_text_on_the_clipboard(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show_view(DayView(DAY, make_report(text="📅 Daily Business Summary — Tue 24 Nov"), []))
    window.copy_button.click()
    assert QGuiApplication.clipboard().text() == "📅 Daily Business Summary — Tue 24 Nov"


def test_steps_are_listed_while_generating(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_busy(True)
    for step in ("Reading Shop orders…", "Computing KPIs…", "Writing insights…"):
        window.add_step(step)
    assert window.progress_row.isVisible() and not window.generate_button.isEnabled()
    text = window.step_label.text()
    assert "✓</span> Reading Shop orders" in text and "<b>Writing insights…</b>" in text
    window.set_busy(False)
    assert not window.progress_row.isVisible() and window.generate_button.isEnabled()


def test_the_model_writing_updates_its_step_with_the_seconds(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.set_busy(True)
    for step in ("Reading Shop orders…", "Computing KPIs…", "Writing insights…",
                 "Writing insights… (llama is reading the prompt, 1 s of 60 s)",
                 "Writing insights… (llama is writing, 40 tokens, 12 s of 60 s)"):
        window.add_step(step)
    text = window.step_label.text()
    assert "<b>Writing insights… (llama is writing, 40 tokens, 12 s of 60 s)</b>" in text
    assert text.count("Writing insights") == 1 and "✓</span> Computing KPIs" in text
    window.add_step("Saving…")
    assert "✓</span> Writing insights &nbsp;" in window.step_label.text()


def test_trend_skips_closed_days_and_days_without_reports():
    reports = [make_report(DAY - dt.timedelta(days=offset)) for offset in (0, 1, 2, 5)]
    dates, series = trend_series(reports, DAY, closed=frozenset({DAY - dt.timedelta(days=2)}))
    sales = dict(zip(dates, series[0].values, strict=True))
    assert len(dates) == 30 and dates[-1] == DAY
    assert sales[DAY] == 235000.0 and sales[DAY - dt.timedelta(days=1)] == 235000.0
    assert sales[DAY - dt.timedelta(days=2)] is None  # closed
    assert sales[DAY - dt.timedelta(days=3)] is None  # no report
    assert [s.label for s in series] == ["Sales", "Leads", "Attendance"]
    assert series[2].values[-1] == 91.7

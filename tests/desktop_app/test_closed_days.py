"""A closed Sunday: one line, no red arrows, no 0% attendance; an online order is still counted."""

from __future__ import annotations

import datetime as dt

from desktop_app.outbox import Outbox
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.settings import GoalSettings, ScheduleSettings

from .shop_files import settings_for, telegram, write_attendance, write_leads, write_sales

SUN = dt.date(2026, 11, 29)
WEEK = [SUN - dt.timedelta(days=offset) for offset in range(7, 0, -1)]  # Sun 22 .. Sat 28


def shop(tmp_path, **sections):
    rows = [(f"B{i}", day, 10000, "Paint", "Counter") for i, day in enumerate(WEEK) if day.weekday() != 6]
    rows.append(("WEB-1", SUN, 1500, "Paint", "Online"))
    sales = write_sales(tmp_path / "sales.csv", rows, mtime=SUN)
    leads = write_leads(tmp_path / "leads.csv", [(dt.datetime(2026, 11, 28, 11), "Website")] * 5, mtime=SUN)
    attendance = write_attendance(tmp_path / "att.csv", [day for day in WEEK if day.weekday() != 6], 10,
                                  mtime=SUN)
    return settings_for(("Bills", "sales", sales), ("CRM", "leads", leads), ("Register", "attendance", attendance),
                        **sections)


def test_a_closed_sunday_with_an_online_order_is_one_calm_line(tmp_path):
    settings = shop(tmp_path, goals=GoalSettings(sales_monthly=300_000))
    report = run_report(settings, app_paths().ensure(), SUN, offline=True)
    assert report.closed and report.sales.total == 1500 and report.sales.orders == 1
    body = report.text.split("\n", 3)[3]
    assert body == "🔒 Closed today (Sunday): ₹1,500 from 1 order still came in."
    for alarm in ("▼", "100.0%", "0.0%", "absent", "Attendance"):
        assert alarm not in report.text
    assert report.warnings == []  # "no rows dated Sunday" is expected on a closed day
    assert report.engine_reason == "closed day" and report.insights == [body[2:]]
    assert report.to_dict()["closed"] is True
    # Still counted: the month's sales include the Sunday order (the week's six open days were backfilled).
    [goal] = report.goals
    assert goal.actual == 6 * 10000 + 1500


def test_the_schedule_sends_the_one_line_note_or_skips_the_closed_day(tmp_path):
    paths = app_paths().ensure()
    noted = run_report(shop(tmp_path, telegram=telegram("me")), paths, SUN, offline=True, send=True)
    [row] = Outbox(paths.history_db).deliveries()
    assert row.report_date == SUN and "Closed today (Sunday)" in row.text and "Insights" not in row.text
    assert noted.closed

    skipping = shop(tmp_path, telegram=telegram("me"), schedule=ScheduleSettings(closed_days="skip"))
    run_report(skipping, paths, SUN, offline=True, send=True)
    assert [delivery.report_revision for delivery in Outbox(paths.history_db).deliveries()] == [1]  # nothing new


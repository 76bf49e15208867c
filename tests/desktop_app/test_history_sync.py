"""History from day one, and a refund that changes a past day."""

from __future__ import annotations

import datetime as dt

from desktop_app.history import HistoryStore
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report

from .shop_files import settings_for, touch, write_sales

TODAY = dt.date(2026, 11, 24)
DAYS = [TODAY - dt.timedelta(days=offset) for offset in range(69, -1, -1)]  # 70 days of bills


def bills(refund: bool = False):
    rows = [(f"B{i}", day, 1000 + i, "Paint", "Counter") for i, day in enumerate(DAYS) if day.weekday() != 6]
    if refund:
        rows.append(("CN-1", TODAY - dt.timedelta(days=3), -400, "Paint", "Counter", "Return"))
    return rows


def test_the_first_report_computes_the_days_the_sources_cover_up_to_60(tmp_path):
    sales = write_sales(tmp_path / "sales.csv", bills(), mtime=TODAY)
    paths = app_paths().ensure()
    report = run_report(settings_for(("Bills", "sales", sales)), paths, TODAY, offline=True)
    store = HistoryStore(paths.history_db)
    past = store.bodies(TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=1))
    assert min(past) == TODAY - dt.timedelta(days=60) and len(past) == 60
    assert report.sales.week_ago_total is not None and report.sales.avg_7d is not None
    assert report.corrections == []
    assert len(store.recent(30, TODAY)) == 30  # the 30-day chart has a point a day at once
    sunday = TODAY - dt.timedelta(days=2)
    assert past[sunday]["closed"] is True and past[sunday]["sales"]["total"] == 0


def test_a_refund_on_a_past_day_updates_that_day_and_is_said_once(tmp_path):
    paths = app_paths().ensure()
    settings = settings_for(("Bills", "sales", tmp_path / "sales.csv"))
    write_sales(tmp_path / "sales.csv", bills(), mtime=TODAY)
    run_report(settings, paths, TODAY, offline=True)
    refunded = TODAY - dt.timedelta(days=3)  # Saturday
    store = HistoryStore(paths.history_db)
    was = store.get(refunded).sales.total

    write_sales(tmp_path / "sales.csv", bills(refund=True), mtime=TODAY)
    touch(tmp_path / "sales.csv", TODAY + dt.timedelta(days=1))
    tomorrow = run_report(settings, paths, TODAY + dt.timedelta(days=1), offline=True)
    assert store.get(refunded).sales.total == was - 400 and store.revisions(refunded) == 2
    assert [(c.date, c.metric, c.was, c.now) for c in tomorrow.corrections] == [
        (refunded.isoformat(), "sales.total", was, was - 400)]
    assert f"↺ Corrected Sat 21 Nov: sales ₹{was:,.0f} → ₹{was - 400:,.0f} (the source changed)" in tomorrow.text
    again = run_report(settings, paths, TODAY + dt.timedelta(days=1), offline=True)
    assert again.corrections == [] and store.revisions(refunded) == 2


def test_days_imported_from_the_old_log_are_the_owners_record(tmp_path):
    from desktop_app.history import report_from_log_row

    paths = app_paths().ensure()
    store = HistoryStore(paths.history_db)
    imported_day = TODAY - dt.timedelta(days=1)
    store.save(report_from_log_row({"date": imported_day.isoformat(), "total_sales": "999", "orders": "1",
                                    "time": "19:00"}, "INR", "Shop"))
    sales = write_sales(tmp_path / "sales.csv", bills(), mtime=TODAY)
    report = run_report(settings_for(("Bills", "sales", sales)), paths, TODAY, offline=True)
    assert store.get(imported_day).sales.total == 999 and store.revisions(imported_day) == 1
    assert report.corrections == []
    assert report.sales.prev_total != 999  # today's comparison reads the source, which covers that day

"""[report] deliver: always / only when unusual or an alert fired / only when the numbers changed."""

from __future__ import annotations

import datetime as dt

from desktop_app.outbox import Outbox
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.settings import AlertSettings, ReportSettings

from .shop_files import settings_for, telegram, write_sales

TUE = dt.date(2026, 11, 24)


def bills(tmp_path, amount=20000):
    return write_sales(tmp_path / "bills.csv", [("B1", TUE, amount, "Paint", "Counter")], mtime=TUE)


def queued(paths) -> list[int]:
    return sorted(row.report_revision for row in Outbox(paths.history_db).deliveries() if row.status != "skipped")


def test_unusual_only_holds_back_a_normal_day_and_sends_when_an_alert_fired(tmp_path):
    paths = app_paths().ensure()
    normal = settings_for(("Bills", "sales", bills(tmp_path)), report=ReportSettings(deliver="unusual"),
                          telegram=telegram())
    report = run_report(normal, paths, TUE, offline=True, send=True)
    assert queued(paths) == [] and report.sales.total == 20000  # saved, not sent
    alerting = normal.model_copy(update={"alerts": AlertSettings(rules=["sales below 50000"])})
    run_report(alerting, paths, TUE, offline=True, send=True)
    assert queued(paths) == [0, 2]  # the alert and the report


def test_changed_only_sends_when_the_figures_moved_since_the_last_sent_report(tmp_path):
    paths = app_paths().ensure()
    settings = settings_for(("Bills", "sales", bills(tmp_path)), report=ReportSettings(deliver="changed"),
                            telegram=telegram())
    run_report(settings, paths, TUE, offline=True, send=True)
    outbox = Outbox(paths.history_db)
    [first] = outbox.deliveries()
    outbox.claim(first.id, dt.datetime.now(dt.UTC), lambda delivery: [delivery.text])
    outbox.mark_sent(first.id, dt.datetime.now(dt.UTC))
    run_report(settings, paths, TUE, offline=True, send=True)
    assert queued(paths) == [1]  # same figures: nothing new queued
    bills(tmp_path, amount=26000)
    run_report(settings, paths, TUE, offline=True, send=True)
    assert queued(paths) == [1, 3]

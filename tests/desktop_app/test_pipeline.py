"""run_report end to end on real files: stale, missing and broken sources never stop the report."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SourceSpec
from desktop_app.history import HistoryStore
from desktop_app.paths import app_paths
from desktop_app.pipeline import Cancelled, run_report
from desktop_app.settings import Settings
from tests.samples import shared_sample, write_seed_files

DAY = dt.date(2026, 11, 24)
IST = ZoneInfo("Asia/Kolkata")


def touch(path, day: dt.date, hour: int = 12):
    stamp = dt.datetime.combine(day, dt.time(hour), IST).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def seed_files(tmp_path):
    return write_seed_files(tmp_path)


def specs(files):
    return [SourceSpec(name=path.name, domain=domain, path=str(path)) for domain, path in files.items()]


def run(files, day=DAY, **kwargs):
    return run_report(Settings(), app_paths().ensure(), day, specs=specs(files), **kwargs)


def test_fresh_seed_files_make_a_full_report(seed_files):
    for path in seed_files.values():
        touch(path, DAY)
    report = run(seed_files)
    assert report.exit_code == 0, report.warnings
    assert report.sales.total == 5500.5  # 1200 + 3500.50 + 800
    assert report.sales.orders == 3
    assert report.leads.count == 3
    assert report.leads.by_source == {"IndiaMART": 2, "Website": 1}
    assert (report.attendance.present, report.attendance.absent, report.attendance.rate_pct) == (3, 1, 75.0)
    assert report.engine == "rules" and len(report.insights) >= 3
    assert "₹5,500.50" in report.text
    assert HistoryStore(app_paths().history_db).get(DAY).sales.total == 5500.5
    assert app_paths().summary_log.read_text(encoding="utf-8").splitlines()[1].startswith("2026-11-24,5500.5,3,")


def test_a_stale_undated_file_is_not_used_and_the_rest_still_reports(seed_files):
    touch(seed_files["sales"], DAY - dt.timedelta(days=1))
    touch(seed_files["leads"], DAY)
    touch(seed_files["attendance"], DAY)
    report = run(seed_files)
    assert report.exit_code == 3
    assert report.sales is None
    assert report.leads.count == 3
    assert any("sales_today.csv: stale" in warning for warning in report.warnings)
    assert report.to_dict()["sales"] is None


def test_a_broken_cell_on_the_report_day_names_file_row_and_column(tmp_path, seed_files):
    orders = tmp_path / "orders.csv"
    orders.write_text('Invoice No,Invoice Date,Amount\nA1,2026-11-24,"₹1,200"\nA2,2026-11-24,12O0\n', encoding="utf-8")
    for path in seed_files.values():
        touch(path, DAY)
    report = run({"sales": orders, "leads": seed_files["leads"]})
    assert report.sales is None and report.leads.count == 3
    message = next(w for w in report.warnings if "orders.csv" in w)
    assert "row 3" in message and "'Amount'" in message and "12O0" in message
    assert report.exit_code == 3


def test_cumulative_file_is_filtered_to_the_date_and_old_bad_cells_only_warn(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Invoice No,Invoice Date,Amount\n"
        "A0,2026-09-01,oops\n"  # months old: ignored, with a warning
        "A1,2026-11-17,1000\n"  # the same weekday last week
        "A2,2026-11-23,\"2,35,000\"\n"  # the previous day
        "A3,2026-11-24,\"(1,200)\"\n"  # a credit note
        "A4,2026-11-24,\"Rs. 4,800\"\n"
        "A5,2026-11-25,9999\n",  # tomorrow (an advance booking) is not today
        encoding="utf-8",
    )
    touch(orders, DAY)
    report = run({"sales": orders})
    assert report.sales.total == 3600.0  # 4800 - 1200
    assert report.sales.orders == 1
    assert report.sales.prev_total == 235000.0
    assert report.sales.week_ago_total == 1000.0
    assert any("unreadable cell" in w and "row 2" in w for w in report.warnings)
    assert report.leads is None and "no leads source configured" in report.warnings


def test_missing_file_and_history_fallback(tmp_path, seed_files):
    for path in seed_files.values():
        touch(path, DAY)
    run(seed_files, day=DAY)  # saves DAY into history
    nxt = DAY + dt.timedelta(days=1)
    for path in seed_files.values():
        touch(path, nxt)
    files = dict(seed_files, attendance=tmp_path / "nope.csv")
    report = run(files, day=nxt)
    assert report.sales.prev_total == 5500.5  # undated file: yesterday comes from history
    assert report.sales.change_pct == 0.0
    assert report.attendance is None
    assert any("nope.csv" in w and "not found" in w for w in report.warnings)


def test_cancel_stops_before_saving(seed_files):
    class Token:
        def is_set(self):
            return True

    with pytest.raises(Cancelled):
        run(seed_files, cancel=Token())
    assert HistoryStore(app_paths().history_db).get(DAY) is None


def test_shopify_sample_through_the_whole_pipeline():
    shopify = shared_sample("shopify_orders_export_dev_store_eur.csv")
    settings = Settings()
    settings.business.currency = "EUR"
    report = run_report(settings, app_paths().ensure(), dt.date(2025, 5, 11), specs=specs({"sales": shopify}))
    # 11 May 2025: #1001 1659.95 + #1002 1615.90 + #1003 729.95 (line-item rows count once)
    assert report.sales.total == 4005.8
    assert report.sales.orders == 3
    assert "€" in report.text and "₹" not in report.text


def test_amounts_in_another_currency_are_never_added_to_the_report_currency():
    report = run({"sales": shared_sample("shopify_orders_export_dev_store_eur.csv")}, day=dt.date(2025, 5, 11))
    assert report.sales is None and report.exit_code == 3
    assert any("amounts are in EUR, but the report is in INR, so they were not added" in w for w in report.warnings)


def test_a_roster_sets_the_headcount_for_punch_data(tmp_path):
    punches = tmp_path / "punches.csv"
    punches.write_text("Emp ID,Punch Time\n1,2026-11-24 09:01\n1,2026-11-24 18:05\n2,2026-11-24 09:30\n",
                       encoding="utf-8")
    touch(punches, DAY)
    roster = tmp_path / "staff.csv"
    roster.write_text("Employee\n1\n2\n3\n4\n5\n", encoding="utf-8")
    settings = Settings()
    settings.attendance.roster = str(roster)
    report = run_report(settings, app_paths().ensure(), DAY,
                        specs=[SourceSpec(name="Punches", domain="attendance", path=str(punches))])
    assert (report.attendance.headcount, report.attendance.present, report.attendance.absent) == (5, 2, 3)
    assert report.attendance.rate_pct == 40.0
    assert report.attendance.headcount_estimated is False


def test_people_not_on_the_roster_are_named_and_not_counted(tmp_path):
    punches = tmp_path / "punches.csv"
    punches.write_text("Emp ID,Punch Time\n1,2026-11-24 09:01\n2,2026-11-24 09:30\nE99,2026-11-24 09:40\n",
                       encoding="utf-8")
    touch(punches, DAY)
    roster = tmp_path / "staff.csv"
    roster.write_text("Employee\n1\n2\n3\n4\n", encoding="utf-8")
    settings = Settings()
    settings.attendance.roster = str(roster)
    report = run_report(settings, app_paths().ensure(), DAY,
                        specs=[SourceSpec(name="Punches", domain="attendance", path=str(punches))])
    assert (report.attendance.headcount, report.attendance.present) == (4, 2)
    assert any("1 employee(s) marked present on 2026-11-24 are not on the roster and were not counted: E99" in w
               for w in report.warnings)


def test_unreadable_marks_on_the_report_day_fail_attendance_and_older_ones_are_left_out(tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("Emp ID,Date,Status\nE1,2026-11-01,??\nE1,2026-11-24,P\nE2,2026-11-24,P\n"
                        "E3,2026-11-24,x\nE4,2026-11-24,P\n", encoding="utf-8")
    touch(register, DAY)
    report = run({"attendance": register})
    assert report.attendance is None
    assert any("row 5, column 'Status': cannot read attendance mark 'x'" in w for w in report.warnings)
    register.write_text("Emp ID,Date,Status\nE1,2026-11-01,??\nE1,2026-11-24,P\nE2,2026-11-24,A\n",
                        encoding="utf-8")
    touch(register, DAY)
    report = run({"attendance": register})
    assert (report.attendance.present, report.attendance.absent) == (1, 1)
    assert any("unreadable cell(s) in rows dated before 2026-11-16 were left out" in w for w in report.warnings)


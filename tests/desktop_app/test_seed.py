"""import-seed: the original script's folder becomes sources, settings and history."""

from __future__ import annotations

import datetime as dt
import json
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

from desktop_app.cli import main
from desktop_app.history import HistoryStore
from desktop_app.paths import app_paths
from desktop_app.settings import load_settings

# A Tuesday evening in Ahmedabad: the seed's *_today files were written then (their mtime says so).
EVENING = dt.datetime(2026, 11, 24, 19, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


def make_seed(folder, yesterday: dt.date):
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "sales_today.csv").write_text("order_id,amount\n101,1500\n102,2500\n", encoding="utf-8")
    (data / "leads_today.json").write_text(json.dumps([{"name": "Ravi Shah", "source": "IndiaMART"}]),
                                           encoding="utf-8")
    (data / "attendance_today.csv").write_text("employee,present\nAsha,1\nBina,0\n", encoding="utf-8")
    for name in ("sales_today.csv", "leads_today.json", "attendance_today.csv"):
        os.utime(data / name, (EVENING.timestamp(), EVENING.timestamp()))
    (folder / ".env").write_text("API_ID=12345\nAPI_HASH=abcdef0123456789\nSESSION_NAME=bizbot\n"
                                 "DEST_CHAT=me\nUPDATE_INTERVAL=1800\n", encoding="utf-8")
    (folder / "business_summary_log.csv").write_text(
        "date,total_sales,orders,avg_order,leads_count,attendance_rate,absents,delta_sales_pct,"
        "delta_leads_pct,delta_attendance_pct,time\n"
        f"{yesterday},1000,1,1000,3,50.0,1,,,,19:00:00\n"
        f"{yesterday},2000,2,1000,2,50.0,1,,,,19:30:00\n",  # regenerated later that day: this row wins
        encoding="utf-8",
    )


@time_machine.travel(EVENING + dt.timedelta(minutes=5), tick=True)
def test_import_seed_then_generate_continues_the_history(tmp_path, capsys):
    today = EVENING.date()
    yesterday = today - dt.timedelta(days=1)
    seed = tmp_path / "seed"
    make_seed(seed, yesterday)

    assert main(["import-seed", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "History: 1 day(s) imported" in out
    assert "telegram_api_id, telegram_api_hash: moved into the OS keyring" in out
    assert "no bizbot.session file" in out  # Telegram stays off until a session exists (see test_seed_telegram)

    settings = load_settings(app_paths().settings_file)
    assert [(s.domain, s.path) for s in settings.sources] == [
        ("sales", str((seed / "data" / "sales_today.csv").resolve())),
        ("leads", str((seed / "data" / "leads_today.json").resolve())),
        ("attendance", str((seed / "data" / "attendance_today.csv").resolve())),
    ]
    assert (settings.schedule.mode, settings.schedule.interval_minutes) == ("interval", 30)  # 1800 seconds
    assert "UPDATE_INTERVAL=1800 seconds: schedule set to every 30 minute(s)" in out
    assert "abcdef0123456789" not in app_paths().settings_file.read_text(encoding="utf-8")
    assert HistoryStore(app_paths().history_db).get(yesterday).sales.total == 2000.0

    # importing again adds nothing twice
    assert main(["import-seed", str(seed)]) == 0
    assert len(load_settings(app_paths().settings_file).sources) == 3
    capsys.readouterr()

    assert main(["generate", "--json", "--date", today.isoformat()]) == 0  # the seed files were written today
    report = json.loads(capsys.readouterr().out)
    assert report["sales"]["total"] == 4000.0
    assert report["sales"]["prev_date"] == yesterday.isoformat()
    assert report["sales"]["prev_total"] == 2000.0
    assert report["sales"]["change_pct"] == 100.0


def test_import_seed_of_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["import-seed", str(tmp_path / "nowhere")]) == 2
    assert "seed folder not found" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "minutes"), [("1800", 30), ("90", 2), ("20", 1), ("3600.0", 60)])
def test_update_interval_is_seconds(tmp_path, capsys, value, minutes):
    (tmp_path / ".env").write_text(f"UPDATE_INTERVAL={value}\n", encoding="utf-8")
    assert main(["import-seed", str(tmp_path)]) == 0
    schedule = load_settings(app_paths().settings_file).schedule
    assert (schedule.mode, schedule.interval_minutes) == ("interval", minutes)


@pytest.mark.parametrize("value", ["soon", "-5", "0", "nan"])
def test_an_update_interval_that_is_not_seconds_leaves_the_schedule(tmp_path, capsys, value):
    (tmp_path / ".env").write_text(f"UPDATE_INTERVAL={value}\n", encoding="utf-8")
    assert main(["import-seed", str(tmp_path)]) == 0
    assert "schedule left as it was" in capsys.readouterr().out
    assert load_settings(app_paths().settings_file).schedule.mode == "daily"


def test_a_log_with_other_headers_is_mapped_by_meaning(tmp_path, capsys):
    (tmp_path / "business_summary_log.csv").write_text(
        "Date,Total Sales,Orders,Avg Order,Leads,Attendance %,Absent,Remarks,Time\n"
        "23/11/2026,\"₹1,500.50\",3,500.17,4,90,1,ok,2026-11-23 19:00:00\n"
        "24/11/2026,2500,5,500,,,,,\n", encoding="utf-8")
    assert main(["import-seed", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "History: 2 day(s) imported" in out
    assert "column(s) not used: 'Remarks'" in out
    store = HistoryStore(app_paths().history_db)
    first = store.get(dt.date(2026, 11, 23))
    assert (first.sales.total, first.sales.orders, first.leads.count, first.attendance.rate_pct) == (1500.5, 3, 4, 90)
    second = store.get(dt.date(2026, 11, 24))
    assert second.sales.total == 2500 and second.leads is None and second.attendance is None  # blank, not zero


def test_a_log_without_a_date_column_says_why_nothing_was_imported(tmp_path, capsys):
    (tmp_path / "business_summary_log.csv").write_text("Day of sale,Total Sales\n2026-11-24,100\n", encoding="utf-8")
    assert main(["import-seed", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "History: 0 day(s) imported" in out
    assert "business_summary_log.csv: no date column (headers: 'Day of sale', 'Total Sales')" in out
    assert "Name the column with the report dates 'date'" in out


def test_log_rows_that_cannot_be_read_are_named_and_the_rest_imported(tmp_path, capsys):
    (tmp_path / "business_summary_log.csv").write_text(
        "date,total_sales,orders\n2026-11-22,100,1\nyesterday,200,2\n2026-11-24,lots,3\n", encoding="utf-8")
    assert main(["import-seed", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "History: 1 day(s) imported" in out
    assert "line 3: skipped (date 'yesterday' is not like 2026-11-24 or 24/11/2026)" in out
    assert "line 4: skipped (total_sales 'lots' is not a number)" in out

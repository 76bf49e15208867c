"""import-seed: the original script's folder becomes sources, settings and history."""

from __future__ import annotations

import datetime as dt
import json

from desktop_app.cli import main
from desktop_app.history import HistoryStore
from desktop_app.paths import app_paths
from desktop_app.pipeline import today_in
from desktop_app.settings import Settings, load_settings


def make_seed(folder, yesterday: dt.date):
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "sales_today.csv").write_text("order_id,amount\n101,1500\n102,2500\n", encoding="utf-8")
    (data / "leads_today.json").write_text(json.dumps([{"name": "Ravi Shah", "source": "IndiaMART"}]),
                                           encoding="utf-8")
    (data / "attendance_today.csv").write_text("employee,present\nAsha,1\nBina,0\n", encoding="utf-8")
    (folder / ".env").write_text("API_ID=12345\nAPI_HASH=abcdef0123456789\nSESSION_NAME=bizbot\n"
                                 "DEST_CHAT=me\nUPDATE_INTERVAL=30\n", encoding="utf-8")
    (folder / "business_summary_log.csv").write_text(
        "date,total_sales,orders,avg_order,leads_count,attendance_rate,absents,delta_sales_pct,"
        "delta_leads_pct,delta_attendance_pct,time\n"
        f"{yesterday},1000,1,1000,3,50.0,1,,,,19:00:00\n"
        f"{yesterday},2000,2,1000,2,50.0,1,,,,19:30:00\n",  # regenerated later that day: this row wins
        encoding="utf-8",
    )


def test_import_seed_then_generate_continues_the_history(tmp_path, capsys):
    today = today_in(Settings())  # the business's day, as the pipeline judges freshness
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
    assert (settings.schedule.mode, settings.schedule.interval_minutes) == ("interval", 30)
    assert "abcdef0123456789" not in app_paths().settings_file.read_text(encoding="utf-8")
    assert HistoryStore(app_paths().history_db).get(yesterday).sales.total == 2000.0

    # importing again adds nothing twice
    assert main(["import-seed", str(seed)]) == 0
    assert len(load_settings(app_paths().settings_file).sources) == 3
    capsys.readouterr()

    previous = settings.business.previous_open_day(today)
    assert main(["generate", "--json", "--date", today.isoformat()]) == 0  # the seed files were written today
    report = json.loads(capsys.readouterr().out)
    assert report["sales"]["total"] == 4000.0
    assert report["sales"]["prev_date"] == previous.isoformat()
    if previous == yesterday:
        assert report["sales"]["prev_total"] == 2000.0
        assert report["sales"]["change_pct"] == 100.0


def test_import_seed_of_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["import-seed", str(tmp_path / "nowhere")]) == 2
    assert "seed folder not found" in capsys.readouterr().err

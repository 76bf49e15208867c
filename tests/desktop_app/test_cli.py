"""The CLI contract: commands, --json keys and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from desktop_app import __version__
from desktop_app.cli import main
from desktop_app.paths import app_paths

REPO = Path(__file__).resolve().parents[2]
JSON_KEYS = {"date", "currency", "sales", "leads", "attendance", "insights", "engine", "warnings", "text"}


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, BUSINESS_ORCHESTRATOR_HOME=str(home),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_json_has_the_contract_keys_and_history(capsys):
    assert main(["generate", "--demo", "--no-send", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= JSON_KEYS
    assert {"total", "orders", "avg_order", "prev_total", "change_pct", "week_ago_total",
            "week_change_pct"} <= set(report["sales"])
    assert {"count", "change_pct", "by_source"} <= set(report["leads"])
    assert {"headcount", "present", "absent", "rate_pct", "change_pp"} <= set(report["attendance"])
    assert report["demo"] is True and "DEMO" in report["text"]
    assert report["sales"]["prev_total"] is not None and report["sales"]["week_ago_total"] is not None
    demo_history = app_paths().demo_workspace / "history.sqlite3"
    assert demo_history.exists()
    assert not app_paths().history_db.exists() or "DEMO" not in app_paths().history_db.read_text(errors="ignore")


def test_exit_codes(tmp_path):
    home = tmp_path / "home"
    stale = tmp_path / "sales_today.csv"
    stale.write_text("order_id,amount\n1,100\n", encoding="utf-8")
    os.utime(stale, (0, 86400 * 365))  # changed in 1971: stale for any report date
    partial = run_cli("generate", "--source", f"sales={stale}", "--json", home=home)
    assert partial.returncode == 3, partial.stderr
    assert json.loads(partial.stdout)["sales"] is None

    usage = run_cli("generate", "--date", "24/11/2026", home=home)
    assert usage.returncode == 2 and "not a date" in usage.stderr

    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.toml").write_text('[business]\ncurrency = "XYZ1"\n', encoding="utf-8")
    bad_settings = run_cli("generate", home=home)
    assert bad_settings.returncode == 2
    assert "settings.toml: key 'business.currency'" in bad_settings.stderr


def test_unexpected_error_is_one_line_and_a_logged_traceback(tmp_path):
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data" / "history.sqlite3").write_text("this is not a database", encoding="utf-8")
    result = run_cli("history", home=home)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "app.log" in result.stderr
    assert "Traceback" in (home / "logs" / "app.log").read_text(encoding="utf-8")


def test_history_lists_saved_reports(capsys):
    assert main(["generate", "--demo", "--json"]) == 0
    capsys.readouterr()
    # the demo keeps its own history; the user's history stays empty
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_history_ends_on_the_business_today_not_the_pc_clock_zone_s(tmp_path, capsys):
    """At 00:30 in Ahmedabad on a PC whose clock is set to UTC (still the day before), tonight's report is listed."""
    sales = tmp_path / "sales.csv"
    sales.write_text("date,order_id,amount\n2026-12-08,1,1200\n", encoding="utf-8")
    with time_machine.travel(dt.datetime(2026, 12, 7, 19, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert dt.date.today() == dt.date(2026, 12, 7)  # the PC's zone; the business (Asia/Kolkata) is on the 8th
        main(["generate", "--source", f"sales={sales}", "--offline", "--no-send", "--json"])
        assert json.loads(capsys.readouterr().out)["date"] == "2026-12-08"
        assert main(["history", "--json", "--days", "1"]) == 0
    assert [report["date"] for report in json.loads(capsys.readouterr().out)] == ["2026-12-08"]


def test_doctor_reports_each_source(tmp_path, capsys):
    """doctor judges freshness for today: the clock and the file's time are set to 24 Nov 2026, 20:00 IST."""
    orders = tmp_path / "orders.csv"
    orders.write_text("Order Date,Order ID,Total\n2026-11-20,1,100\n2026-11-24,2,250\n", encoding="utf-8")
    evening = dt.datetime(2026, 11, 24, 20, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    os.utime(orders, (evening.timestamp(), evening.timestamp()))
    with time_machine.travel(evening, tick=True):
        _doctor_reports_each_source(orders, capsys)


def _doctor_reports_each_source(orders: Path, capsys) -> None:
    settings = app_paths().ensure().settings_file
    settings.write_text(f'[[sources]]\nname = "Shop"\ndomain = "sales"\npath = "{orders.as_posix()}"\n'
                        '[[sources]]\nname = "Gone"\ndomain = "leads"\npath = "/nowhere/leads.csv"\n',
                        encoding="utf-8")
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 3
    assert "[ok] Shop (sales)" in out and "rows: 2" in out and "2026-11-20 .. 2026-11-24" in out
    assert "[failed] Gone (leads)" in out and "not found" in out


def test_generate_with_no_sources_saves_nothing_and_says_why(capsys):
    assert main(["generate", "--no-send", "--date", "2026-11-24"]) == 2
    err = capsys.readouterr().err
    assert "no sources are set up, so there is nothing to report and nothing was saved" in err
    assert "import-seed" in err
    from desktop_app.history import HistoryStore

    assert HistoryStore(app_paths().history_db).latest_date() is None
    assert not app_paths().summary_log.exists()


def test_generate_with_every_source_switched_off_says_so(capsys, tmp_path):
    app_paths().ensure().settings_file.write_text(
        f'[[sources]]\nname = "Old"\ndomain = "sales"\npath = "{(tmp_path / "x.csv").as_posix()}"\nenabled = false\n',
        encoding="utf-8")
    assert main(["generate", "--no-send", "--date", "2026-11-24"]) == 2
    assert "all 1 source(s) are switched off (enabled = false)" in capsys.readouterr().err


def test_doctor_says_the_provider_must_be_set_when_only_base_url_is(capsys):
    app_paths().ensure().settings_file.write_text(
        '[insights]\nprovider = "none"\nbase_url = "http://127.0.0.1:1/v1"\n', encoding="utf-8")
    main(["doctor"])
    assert 'base_url is set but provider is "none"; set [insights] provider' in capsys.readouterr().out

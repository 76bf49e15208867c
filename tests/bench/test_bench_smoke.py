"""Smoke runs of the benchmarks at tiny sizes, so they cannot rot. No timing is asserted here."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import SHOPIFY_HEADER, Sizes, generate
from bench.run import compare

from ..conftest import shared_sample

ROOT = Path(__file__).resolve().parents[2]
TINY = Sizes(line_items=400, leads=60, staff=4, days=10)


def test_generator_is_deterministic_and_writes_shopifys_layout(tmp_path):
    one, two = generate(tmp_path / "one", TINY), generate(tmp_path / "two", TINY)
    for a, b in ((one.orders, two.orders), (one.leads, two.leads), (one.attendance, two.attendance)):
        assert a.read_bytes() == b.read_bytes()
    with shared_sample("shopify_orders_export_dev_store_eur.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == SHOPIFY_HEADER
    with one.orders.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == TINY.line_items + 1 and {len(row) for row in rows} == {79}
    continuation = [row for row in rows[1:] if not row[2]]
    assert continuation and all(row[0] and row[15] and row[17] and not row[11] for row in continuation)


def test_compare_reports_any_difference():
    duck = {"sales": {"total": "10.00", "orders": 1, "prev_total": "0.00", "prev_orders": 0, "week_ago_total": "0.00"},
            "leads": {"count": 1, "by_source": {"Web": 1}}, "attendance": {"present": 2, "headcount": 3}}
    report = {"sales": {"total": 10.0, "orders": 1, "prev_total": 0.0, "prev_orders": 0, "week_ago_total": 0.0},
              "leads": {"count": 1, "by_source": {"Web": 1}}, "attendance": {"present": 2, "headcount": 3}}
    assert compare(report, duck) == []
    report["sales"]["total"] = 10.01
    report["attendance"]["present"] = 3
    assert compare(report, duck) == ["sales.total: app 10.01 vs duckdb 10.00",
                                     "attendance.present: app 3 vs duckdb 2"]


def test_quick_run_of_every_benchmark_agrees_with_duckdb(tmp_path):
    pytest.importorskip("duckdb", reason="the bench extra (duckdb) is not installed")
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--data", str(tmp_path / "data"),
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    assert results["large"]["totals_match"] is True and results["large"]["mismatches"] == []
    assert results["large"]["duckdb_answer"]["sales"]["orders"] > 0
    for name in ("duckdb", "first", "repeat"):
        assert results["large"]["median"][name]["peak_rss_mb"] > 0
    assert results["demo"]["median"]["seconds"] > 0
    assert "first" in done.stdout and "repeat" in done.stdout
    startup = results["startup"]["median"]
    assert startup["bare_seconds"] > 0 and startup["app_seconds"] > 0 and "tray ready" in done.stdout
    tray = results["tray"]["median"]
    assert tray["runs"] == 3 and tray["idle_rss_mb"] > 0 and tray["rss_last_mb"] > 0
    payload = results["prompt"]["payload"]
    assert payload["chars"] > 0 and payload["estimate"] > 0


def test_readers_benchmark_reads_the_orders_with_every_installed_reader(tmp_path):
    data = generate(tmp_path / "data", TINY)
    out = tmp_path / "readers.json"
    done = subprocess.run([sys.executable, "-m", "bench.readers", "--data", str(data.orders.parent), "--repeats", "1",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    readers = results["readers"]
    if readers["duckdb-to-pandas"]["available"]:
        assert results["duckdb_report"]["seconds"] > 0 and "2x is" in done.stdout
    for name in ("pandas-c-all", "pandas-c-usecols"):
        assert readers[name]["available"] and readers[name]["rows"] == TINY.line_items
        assert readers[name]["adds_mb"] == 0 and readers[name]["peak_rss_mb"] > 0
    assert all(row["available"] or "not installed" in row["note"] for row in readers.values())


def test_only_runs_the_named_benchmarks(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--only", "prompt", "--data",
                           str(tmp_path / "data"), "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    assert "prompt" in results and not {"demo", "large", "startup", "tray"} & results.keys()
    assert "payload" in done.stdout and "first" not in done.stdout


@pytest.mark.parametrize("cmd", [["bench.bare_tray"], ["desktop_app", "gui", "--force-tray"]],
                         ids=["bare", "app"])
def test_ready_file_holds_the_moment_the_tray_was_up(tmp_path, cmd):
    """The start-up benchmark's one definition of "tray ready", in the bare script and in the app."""
    from bench.run import app_env, time_to_ready

    seconds = time_to_ready([sys.executable, "-m", *cmd], app_env(tmp_path / "home"), tmp_path / "ready")
    assert 0 < seconds < 60
    assert not (tmp_path / "ready.partial").exists()


def test_tray_soak_runs_scheduled_reports_through_the_app(tmp_path):
    """Three scheduled runs under the fake clock: each is a report in the owner's history, none is skipped."""
    from bench.run import app_env

    done = subprocess.run([sys.executable, "-m", "bench.tray_soak", "--runs", "3", "--settle", "0.1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=app_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr[-2000:]
    soak = json.loads(done.stdout.strip().splitlines()[-1])
    assert soak["reports_in_history"] == 4  # "Generate now" plus three scheduled runs
    assert soak["rss_run_1_mb"] > 0 and soak["rss_run_3_mb"] > 0


def test_payload_tokens_reports_every_part_of_the_prompt(tmp_path):
    from bench.run import app_env

    done = subprocess.run([sys.executable, "-m", "bench.payload_tokens", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=app_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    prompt = json.loads(done.stdout)
    assert {"payload", "system", "user"} <= prompt.keys()
    assert all(prompt[part]["estimate"] > 0 for part in ("payload", "system", "user"))

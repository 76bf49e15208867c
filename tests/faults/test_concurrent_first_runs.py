"""Two or three first runs at once on a brand-new home (the tray at login plus a scheduled task, two
clicks): none ends "database is locked" while creating the schema, and the reports all land."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from desktop_app.paths import app_paths

REPO = Path(__file__).resolve().parents[2]
ROUNDS, PROCESSES = 20, 3


def open_stores(home: str, barrier, results) -> None:
    os.environ["BUSINESS_ORCHESTRATOR_HOME"] = home
    from desktop_app.history import HistoryStore
    from desktop_app.insights.usage import UsageLedger
    from desktop_app.outbox import Outbox

    barrier.wait()
    try:
        paths = app_paths().ensure()
        HistoryStore(paths.history_db)
        Outbox(paths.history_db)
        UsageLedger.for_paths(paths)
        results.put("ok")
    except Exception as exc:
        results.put(f"{exc.__class__.__name__}: {exc}")


def test_first_runs_at_once_never_end_database_is_locked(tmp_path):
    """Before the fix 7 of 300 such openings failed; 60 here (forked processes, real files)."""
    context = multiprocessing.get_context("fork")
    outcomes: dict[str, int] = {}
    for round_number in range(ROUNDS):
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        home = str(tmp_path / f"home{round_number}")
        workers = [context.Process(target=open_stores, args=(home, barrier, results)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        for _ in workers:
            outcome = results.get(timeout=10)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes == {"ok": ROUNDS * PROCESSES}


def test_two_generate_commands_at_once_on_a_new_home(tmp_path):
    home = Path(os.environ["BUSINESS_ORCHESTRATOR_HOME"])
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Order ID,Amount\n2026-11-24,A1,1000\n", encoding="utf-8")
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    command = [sys.executable, "-m", "desktop_app", "generate", "--offline", "--no-send", "--date", "2026-11-24",
               "--source", f"sales={sales}"]
    runs = [subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    assert not any("locked" in err for _, err in outputs)
    with closing(sqlite3.connect(home / "data" / "history.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*), SUM(current) FROM reports WHERE date = '2026-11-24'").fetchone() == (2, 1)
    rows = (home / "data" / "business_summary_log.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("date,") and len(rows) == 3  # the header once, a row per run

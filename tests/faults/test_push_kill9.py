"""kill -9 in the middle of a push of report rows to the shared history, on real processes, a real SQLite history
and a real database (PostgreSQL, and a SQLite shared file): nothing lost, nothing twice.

The dangerous moment is after the shared database committed a batch and before the PC cleared it from its
outbox; the push after the restart offers that batch again and the key (branch, date, revision) keeps one copy.
Kills at random moments cover the rest (mid-transaction on either side)."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.history import HistoryStore
from desktop_app.report import Report, SalesKpis
from desktop_app.storage.push import waiting
from desktop_app.storage.shared import SharedHistory

CHILD = Path(__file__).with_name("push_child.py")
REPO = Path(__file__).resolve().parents[2]
FIRST = dt.date(2026, 2, 1)
DAYS = 60

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


@pytest.fixture(params=["postgresql", "sqlite"])
def target(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}", ""
    database = request.getfixturevalue("pg_database")
    return database.url, database.password


def history(tmp_path: Path) -> tuple[Path, dict[dt.date, float]]:
    store = HistoryStore(tmp_path / "history.sqlite3", branch="Naroda", pc="NARODA-PC")
    expected = {}
    for offset in range(DAYS):
        day = FIRST + dt.timedelta(days=offset)
        for revision in range(1, 3 if offset % 10 == 0 else 2):  # every tenth day corrected once
            total = round(1000 + offset * 13.37 + revision, 2)
            store.save(Report(date=day, currency="INR", business="B", leads=None, attendance=None,
                              sales=SalesKpis(total=total, orders=1, avg_order=total),
                              generated_at=dt.datetime(2026, 2, 1, 19, tzinfo=dt.UTC) + dt.timedelta(days=offset)))
            expected[day] = total
    return store.path, expected


def child(path: Path, url: str, password: str, *extra: str, popen: bool = False):
    env = dict(os.environ, BO_HISTORY_DB_PASSWORD=password, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    command = [sys.executable, str(CHILD), str(path), url, *extra]
    if popen:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def check(path: Path, url: str, password: str, total_rows: int) -> int:
    """Every row is in the shared database or still queued on the PC (or both); none is there twice."""
    shared = SharedHistory.open(url, password=password or None)
    with shared.engine.connect() as conn:
        keys = [tuple(row) for row in conn.execute(sa.text("SELECT branch, date, revision FROM branch_reports"))]
    shared.dispose()
    assert len(keys) == len(set(keys))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(keys) + waiting(path) >= total_rows
    return len(keys)


def test_a_kill_after_the_shared_commit_then_a_restart_pushes_each_row_once(tmp_path, target):
    url, password = target
    path, expected = history(tmp_path)
    rows = DAYS + DAYS // 10
    killed = child(path, url, password, "3")  # dies after its 3rd batch of 7 reached the database
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert check(path, url, password, rows) == 21
    assert waiting(path) == rows - 14  # the 3rd batch is in the database AND still queued on the PC
    again = child(path, url, password)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.strip() == f"pushed={rows - 21} already=7 waiting=0 error=None"
    assert check(path, url, password, rows) == rows
    shared = SharedHistory.open(url, password=password or None)
    got = shared.branch_reports(FIRST, FIRST + dt.timedelta(days=DAYS))["Naroda"]
    assert {day: report.sales.total for day, report in got.items()} == expected
    shared.dispose()


def test_kills_at_random_moments_lose_and_double_nothing(tmp_path, target):
    url, password = target
    path, expected = history(tmp_path)
    rows = DAYS + DAYS // 10
    SharedHistory.open(url, password=password or None).dispose()  # the schema, so each child starts pushing at once
    randomness = random.Random(19)
    for _ in range(6):
        process = child(path, url, password, popen=True)
        time.sleep(randomness.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        check(path, url, password, rows)
    final = child(path, url, password)
    assert final.returncode == 0, final.stdout + final.stderr
    assert check(path, url, password, rows) == rows and waiting(path) == 0
    shared = SharedHistory.open(url, password=password or None)
    got = shared.branch_reports(FIRST, FIRST + dt.timedelta(days=DAYS))["Naroda"]
    assert {day: report.sales.total for day, report in got.items()} == expected
    shared.dispose()

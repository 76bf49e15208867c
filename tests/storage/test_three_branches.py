"""Three branches, one PostgreSQL database, 30 simulated days: three processes with their own homes make and push
their reports at the same time; Vastral is offline for 5 days and catches up. Set up with docs/branches.md's SQL.

Checked: every branch-day is in the shared history exactly once, with the branch's own total to the paisa; the
head office's consolidated report of each day equals the sum of the branch reports (and of the bills) to the
paisa; nothing waits on any PC; a branch's role cannot write another branch's rows. The days are fixed dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.consolidated_run import consolidated_for
from tests.pg_server import free_port
from tests.storage.pg_business import Business
from tests.storage.test_shared_store import row

WORKER = Path(__file__).with_name("branch_worker.py")
REPO = Path(__file__).resolve().parents[2]
FIRST = dt.date(2026, 4, 1)
DAYS = 30
OFFLINE = range(10, 15)  # Vastral's days 11..15
BRANCHES = {"Naroda": "branch_naroda", "Maninagar": "branch_maninagar", "Vastral": "branch_vastral"}


def bills(branch: str) -> list[list[tuple[str, str]]]:
    """Each day's bills for a branch: 3..12 amounts with paisa, the same on every run."""
    randomness = random.Random(branch)
    days = []
    for offset in range(DAYS):
        count = randomness.randint(3, 12)
        days.append([(f"{branch[:3].upper()}-{offset:02d}-{n}", f"{randomness.randint(5000, 2500000) / 100:.2f}")
                     for n in range(count)])
    return days


@pytest.fixture
def business(pg_server):
    business = Business.set_up(pg_server)
    business.add_branch("branch_vastral", "Vastral")
    yield business
    business.tear_down()


def test_three_branches_thirty_days_one_offline(business, tmp_path):
    expected = {branch: bills(branch) for branch in BRANCHES}
    down_url = f"postgresql://nobody@127.0.0.1:{free_port()}/business"
    processes, logs, homes = {}, {}, {}
    started = time.monotonic()
    for branch, role in BRANCHES.items():
        homes[branch] = tmp_path / branch
        logs[branch] = tmp_path / f"{branch}.jsonl"
        spec = tmp_path / f"{branch}.json"
        spec.write_text(json.dumps({
            "home": str(homes[branch]), "branch": branch, "pc": f"{branch.upper()}-PC", "url": business.url(role),
            "down_url": down_url, "first": FIRST.isoformat(), "bills": expected[branch], "log": str(logs[branch]),
            "offline_days": list(OFFLINE) if branch == "Vastral" else [],
        }))
        env = dict(os.environ, BO_HISTORY_DB_PASSWORD=business.password(role),
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        processes[branch] = subprocess.Popen([sys.executable, str(WORKER), str(spec)], cwd=REPO, env=env,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for branch, process in processes.items():
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"{branch}: {out}\n{err}"
    wall = time.monotonic() - started

    # The offline branch: five days kept on its PC with a sentence, then everything went on day 16.
    days = [json.loads(line) for line in logs["Vastral"].read_text().splitlines() if "day" in line]
    for offset in OFFLINE:
        assert days[offset]["pushed"] == 0 and days[offset]["waiting"] == offset - OFFLINE.start + 1
        assert days[offset]["error"].startswith("the shared history at postgresql://nobody@127.0.0.1:")
    assert days[OFFLINE.stop]["pushed"] == len(OFFLINE) + 1 and days[OFFLINE.stop]["waiting"] == 0
    assert all(day["error"] is None for day in days[OFFLINE.stop:])

    # Every branch-day exactly once, each branch's own total to the paisa (read as the head office).
    head_office = business.open("bo_head_office")
    shared = head_office.branch_reports(FIRST, FIRST + dt.timedelta(days=DAYS - 1))
    assert set(shared) == set(BRANCHES)
    for branch, per_day in expected.items():
        assert len(shared[branch]) == DAYS
        for offset, day_bills in enumerate(per_day):
            report = shared[branch][FIRST + dt.timedelta(days=offset)]
            assert Decimal(str(report.sales.total)) == sum(Decimal(amount) for _, amount in day_bills), (branch, offset)
            assert report.sales.orders == len(day_bills)
    # The head office's consolidated report (desktop_app/consolidated_run.py) of each day is the sum of the
    # branch reports, and of the bills, to the paisa; no branch is missing.
    for offset in range(DAYS):
        day = FIRST + dt.timedelta(days=offset)
        whole = sum(Decimal(str(shared[branch][day].sales.total)) for branch in BRANCHES)
        assert whole == sum(Decimal(amount) for branch in BRANCHES for _, amount in expected[branch][offset])
        consolidated = consolidated_for(head_office, day)
        assert Decimal(str(consolidated.sales.total)) == whole, day
        assert consolidated.sales.orders == sum(len(expected[branch][offset]) for branch in BRANCHES)
        assert consolidated.consolidated.missing == []
    listed = {info.branch: (info.last_date, info.pc, info.days) for info in head_office.branches()}
    assert listed == {branch: (FIRST + dt.timedelta(days=DAYS - 1), f"{branch.upper()}-PC", DAYS)
                      for branch in BRANCHES}
    with head_office.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT COUNT(*), COUNT(DISTINCT (branch, date, revision)) "
                                    "FROM branch_reports")).one()
    assert tuple(rows) == (3 * DAYS, 3 * DAYS)  # not one lost, not one twice
    head_office.dispose()

    # Nothing waits on any PC, and each PC's own history has its 30 days.
    for branch, home in homes.items():
        with closing(sqlite3.connect(home / "data" / "history.sqlite3")) as conn:
            assert conn.execute("SELECT COUNT(*) FROM row_outbox").fetchone()[0] == 0
            assert conn.execute("SELECT COUNT(*), MIN(branch), MAX(branch) FROM reports WHERE current = 1"
                                ).fetchone() == (DAYS, branch, branch)

    # A branch's role cannot write another branch's rows.
    naroda = business.open("branch_naroda")
    with pytest.raises(sa.exc.DatabaseError, match="row-level security"):
        naroda.put([row("Maninagar", FIRST, 2, 1.0)])
    naroda.dispose()

    seconds = {branch: json.loads(logs[branch].read_text().splitlines()[-1])["seconds"] for branch in BRANCHES}
    print(f"\nthree-branch scenario: {3 * DAYS} rows, {len(OFFLINE)} days offline caught up, wall {wall:.1f} s, "
          f"per branch {seconds}")

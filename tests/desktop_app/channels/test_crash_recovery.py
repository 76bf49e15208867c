"""SIGKILL in the middle of draining, then a restart: every report arrives, only the interrupted one twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from desktop_app.outbox import Outbox

from ..outbox_helpers import API_HASH, BOT_TOKEN, make_report, paths, queue

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[3]


def child(home: Path, sends: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, BUSINESS_ORCHESTRATOR_HOME=str(home), BO_TELEGRAM_API_ID="123456",
               BO_TELEGRAM_API_HASH=API_HASH, BO_TELEGRAM_BOT_TOKEN=BOT_TOKEN,
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return subprocess.Popen([sys.executable, str(CHILD), str(sends), *extra], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_mid_send_then_restarted_delivers_everything_once_except_the_flagged_one(app_home, tmp_path):
    computed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # the child runs on the real clock
    days = [computed.date() - dt.timedelta(days=offset) for offset in (2, 1, 0)]
    ids = [queue(make_report(day=day, generated_at=computed), ["@owner_ramesh"])[0] for day in days]
    sends = tmp_path / "sends.log"

    crashing = child(app_home, sends, "--block-at", "2")
    assert crashing.stdout.readline().strip() == "BLOCKED", crashing.stderr.read()
    os.kill(crashing.pid, signal.SIGKILL)
    assert crashing.wait(timeout=60) == -signal.SIGKILL
    crashing.stdout.close()
    crashing.stderr.close()

    outbox = Outbox(paths().history_db)
    assert [outbox.get(row).status for row in ids] == ["sent", "sending", "pending"]

    restarted = child(app_home, sends)
    out, err = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, err
    assert "sent=2 failed=0" in out

    log = sends.read_text(encoding="utf-8").splitlines()
    per_day = Counter(line.split("|")[0] for line in log)
    labels = [f"{day:%a} {day.day} {day:%b %Y}" for day in days]
    assert [per_day[label] for label in labels] == [1, 2, 1]
    assert log.count(f"{labels[1]}|dup") == 1 and sum(line.endswith("|dup") for line in log) == 1
    assert [outbox.get(row).status for row in ids] == ["sent", "sent", "sent"]
    assert [outbox.get(row).possible_duplicate for row in ids] == [False, True, False]
    assert outbox.pending_count() == 0

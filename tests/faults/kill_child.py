"""A real process for the kill -9 matrix: `generate` (optionally SIGKILLing itself at one write) or `start`.

    python tests/faults/kill_child.py generate [POINT]   # run_report for DAY, queued for Telegram
    python tests/faults/kill_child.py start              # what the tray does at start-up (load_startup)

POINT: history-insert | outbox-insert | commit | csv-append (see test_kill9.py).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_app import history, pipeline
from desktop_app.outbox import Outbox
from desktop_app.paths import app_paths
from desktop_app.settings import load_settings

DAY = dt.date(2026, 11, 24)


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def kill_after(owner, name: str, *, static: bool = False) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        die()
        return result

    setattr(owner, name, staticmethod(wrapper) if static else wrapper)


def kill_before(owner, name: str) -> None:
    def wrapper(*args, **kwargs):
        die()

    setattr(owner, name, wrapper)


POINTS = {
    "history-insert": lambda: kill_after(history.HistoryStore, "save_in"),  # inside the transaction
    "outbox-insert": lambda: kill_after(Outbox, "enqueue_in", static=True),  # inside it, just before COMMIT
    "commit": lambda: kill_before(history.HistoryStore, "flush_csv_log"),  # committed, CSV not yet written
    "csv-append": lambda: kill_after(history, "append_csv_log"),  # CSV written, its debt not yet cleared
}


def main() -> int:
    mode, point = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    paths = app_paths().ensure()
    if mode == "start":
        from desktop_app.ui.jobs import load_startup

        load_startup(None, paths)  # type: ignore[arg-type]
        return 0
    if point:
        POINTS[point]()
    pipeline.run_report(load_settings(paths.settings_file), paths, DAY, send=True, offline=True)
    print("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""SQLite connections the same way everywhere: WAL, full sync, rows by name, short-lived.

Each call opens its own connection, so stores can be shared by the CLI, the GUI thread and
workers; writes go through `write_transaction`, which takes the write lock up front.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

BUSY_TIMEOUT_S = 30


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    _use_wal(conn)
    conn.execute("PRAGMA synchronous=FULL")
    conn.row_factory = sqlite3.Row
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out other processes doing the same on a brand-new file.

    SQLite does not call its busy handler for this switch: two first runs at once on a new
    home made one fail with "database is locked" (1 in 100), so we wait here instead.
    """
    deadline, pause = time.monotonic() + BUSY_TIMEOUT_S, 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                conn.close()
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@contextmanager
def write_transaction(path: Path, lock: threading.Lock | None = None) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (so a crash leaves nothing half-written)."""
    with lock or nullcontext(), closing(connect(path)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def create_schema(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(path)) as conn:
        conn.executescript(schema)

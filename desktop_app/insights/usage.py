"""Token accounting: every LLM call's usage, per month, so `[insights] monthly_token_cap` can hold.

A small SQLite file of its own in the data folder (`llm_usage.sqlite3`), not the history: tokens are
spent whether or not a report is saved (previews, demo runs), and the cap must see all of them.
Writes are serialised by one lock per file; each call opens its own connection, so the CLI, the tray's
worker threads and a scheduled run can share it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from ..db import connect
from ..paths import AppPaths
from .llm import Usage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_calls (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    month TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    estimated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS llm_calls_month ON llm_calls (month);
"""
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def usage_db(paths: AppPaths) -> Path:
    return paths.data / "llm_usage.sqlite3"


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


class UsageLedger:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock(path), closing(self._connect()) as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def for_paths(cls, paths: AppPaths) -> UsageLedger:
        return cls(usage_db(paths))

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path)

    def record(self, model: str, usage: Usage, when: dt.datetime | None = None) -> None:
        when = when or dt.datetime.now().astimezone()
        with _lock(self.path), closing(self._connect()) as conn:
            conn.execute(
                "INSERT INTO llm_calls (at, month, model, prompt_tokens, completion_tokens, total_tokens, estimated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (when.isoformat(timespec="seconds"), f"{when:%Y-%m}", model, usage.prompt, usage.completion,
                 usage.total, int(usage.estimated)),
            )

    def month_total(self, when: dt.date | dt.datetime | None = None) -> int:
        """Tokens used in the calendar month of `when` (default: this month)."""
        when = when or dt.datetime.now().astimezone()
        with closing(self._connect()) as conn:
            (total,) = conn.execute("SELECT COALESCE(SUM(total_tokens), 0) FROM llm_calls WHERE month = ?",
                                    (f"{when:%Y-%m}",)).fetchone()
        return int(total)

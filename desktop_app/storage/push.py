"""The outbox of report rows: what this branch PC owes the shared database, pushed when it can be reached.

Every saved report revision is queued in `row_outbox` inside the report's own SQLite transaction (history.py),
so a report is never saved without its debt. A push copies a batch of rows to the shared database in one
transaction, then deletes them from the outbox in another. A kill between the two leaves them queued: the next
push offers them again and the shared database, keyed by branch + date + revision, keeps its one copy
(never lost, never twice). While the database is unreachable the branch keeps working on its own history.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.db import connect, write_transaction

from .migrations import ensure_sqlite
from .shared import BranchRow, SharedHistory, SharedUnavailable, describe, pc_name

log = logging.getLogger("business_orchestrator.storage")
BATCH = 200


@dataclass
class PushResult:
    pushed: int = 0  # rows the shared database did not have
    already: int = 0  # rows it had (a replay after an interrupted push)
    waiting: int = 0  # rows still queued (unreachable database, or conflicts)
    error: str | None = None  # why the push stopped early
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.conflicts


def waiting(history_path: Path) -> int:
    """Rows this PC has not pushed yet (what the tray and `branches` say is waiting)."""
    ensure_sqlite(history_path, "local")  # a PC that never made a report has no history file yet
    with closing(connect(history_path)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM row_outbox WHERE conflict IS NULL").fetchone()[0])


def queue_all_for(history_path: Path, target: str, *, now: dt.datetime | None = None) -> int:
    """The first push to a shared database (or to another one) offers this PC's whole history; returns how many
    rows were queued. Rows already there are skipped by the key, so this is safe to repeat."""
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    with write_transaction(history_path) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'shared_target'").fetchone()
        if row is not None and row[0] == target:
            return 0
        queued = conn.execute("INSERT OR IGNORE INTO row_outbox (report_id, queued_at) "
                              "SELECT id, ? FROM reports WHERE demo = 0", (stamp,)).rowcount
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('shared_target', ?)", (target,))
    return queued


def push_pending(history_path: Path, shared: SharedHistory, *, branch: str, pc: str = "",
                 batch: int = BATCH, now: dt.datetime | None = None) -> PushResult:
    """Push every queued row; stops at the first unreachable moment (the rest wait for the next push).

    `branch`/`pc` name rows saved before they carried their own (history from before issue 19)."""
    result = PushResult()
    if not branch:
        result.error = "set [business] branch (this shop's name) before using a shared history"
        result.waiting = waiting(history_path)
        return result
    pc = pc or pc_name()
    ensure_sqlite(history_path, "local")
    queue_all_for(history_path, shared.label, now=now)
    while True:
        with closing(connect(history_path)) as conn:
            rows = conn.execute(
                "SELECT r.id, r.branch, r.pc, r.date, r.revision, r.generated_at, r.engine, r.demo, r.body "
                "FROM row_outbox o JOIN reports r ON r.id = o.report_id WHERE o.conflict IS NULL "
                "ORDER BY r.id LIMIT ?", (batch,)).fetchall()
        if not rows:
            break
        by_key = {(row["branch"] or branch, row["date"], row["revision"]): row["id"] for row in rows}
        batch_rows = [BranchRow(branch=row["branch"] or branch, date=dt.date.fromisoformat(row["date"]),
                                revision=row["revision"], pc=row["pc"] or pc, generated_at=row["generated_at"],
                                engine=row["engine"], demo=bool(row["demo"]), body=row["body"]) for row in rows]
        try:
            put = shared.put(batch_rows, now=now)
        except Exception as exc:  # unreachable, a dropped connection, a refused role: the rows wait
            result.error = exc.args[0] if isinstance(exc, SharedUnavailable) else describe(exc, shared.label)
            with write_transaction(history_path) as conn:
                conn.executemany("UPDATE row_outbox SET attempts = attempts + 1, last_error = ? WHERE report_id = ?",
                                 [(result.error, report_id) for report_id in by_key.values()])
            break
        conflicted = {(row.branch, row.date.isoformat(), row.revision): sentence for row, sentence in put.conflicts}
        with write_transaction(history_path) as conn:
            for key, report_id in by_key.items():
                if key in conflicted:
                    conn.execute("UPDATE row_outbox SET conflict = ?, last_error = ? WHERE report_id = ?",
                                 (conflicted[key], conflicted[key], report_id))
                else:
                    conn.execute("DELETE FROM row_outbox WHERE report_id = ?", (report_id,))
        result.pushed += put.added
        result.already += put.already
        result.conflicts += list(conflicted.values())
        for sentence in conflicted.values():
            log.warning("shared history: %s", sentence)
    result.waiting = waiting(history_path)
    return result


def push_for_settings(settings, paths) -> PushResult | None:
    """After a report is saved (and on the tray's timer): push what this PC owes, if a shared history is set.

    Never raises: an unreachable database is the normal state of an offline branch."""
    if not settings.history.url or settings.business.head_office:  # the head office reads, it has no rows to push
        return None
    try:
        shared = SharedHistory.for_settings(settings)
    except Exception as exc:
        sentence = exc.args[0] if isinstance(exc, SharedUnavailable) else describe(exc, settings.history.url)
        log.warning("shared history: %s; this PC's reports wait in its own history", sentence)
        return PushResult(error=sentence, waiting=waiting(paths.history_db))
    try:
        result = push_pending(paths.history_db, shared, branch=settings.business.branch,
                              pc=settings.history.pc_name)
    finally:
        shared.dispose()
    if result.error:
        log.warning("shared history: %s; %d row(s) wait", result.error, result.waiting)
    elif result.pushed:
        log.info("shared history: %d row(s) pushed to %s", result.pushed, shared.label)
    return result

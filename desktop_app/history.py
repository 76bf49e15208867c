"""Report history: SQLite (one current report per date, earlier revisions kept) and the seed's CSV log.

All writes go through `HistoryStore`, which serialises them with a lock; each call opens its own
connection, so the store may be shared by the CLI, the GUI thread and worker threads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import sqlite3
import threading
from contextlib import AbstractContextManager, closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db import connect, write_transaction
from .redact import redact_urls
from .report import Report

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("business_orchestrator.history")
CSV_LOG_COLUMNS = (
    "date", "total_sales", "orders", "avg_order", "leads_count", "attendance_rate", "absents",
    "delta_sales_pct", "delta_leads_pct", "delta_attendance_pct", "time",
)


class HistoryStore:
    """This PC's reports. `branch` and `pc` are stamped on each saved row (issue 19: the shared history's key)."""

    def __init__(self, path: Path, *, branch: str = "", pc: str = ""):
        from .storage.migrations import ensure_sqlite

        self.path = path
        self.branch = branch
        self.pc = pc
        self._write_lock = threading.Lock()
        ensure_sqlite(path, "local")  # the schema (storage/migrations.py), migrated in place when older

    @classmethod
    def for_settings(cls, settings: Settings, path: Path) -> HistoryStore:
        from .storage.shared import pc_name

        return cls(path, branch=settings.business.branch, pc=settings.history.pc_name or pc_name())

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path)

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction; other tables (the outbox) can join it so both land or neither."""
        return write_transaction(self.path, self._write_lock)

    def save_in(self, conn: sqlite3.Connection, report: Report, *, csv_log: bool = False) -> int:
        """Store `report` as the current one for its date; returns its revision number.

        `csv_log`: the report also owes a row to the CSV log (see `flush_csv_log`). The row is also queued for
        the shared history (storage/push.py), in this same transaction, so it cannot be saved and then missed."""
        day = report.date.isoformat()
        (last,) = conn.execute("SELECT COALESCE(MAX(revision), 0) FROM reports WHERE date = ?", (day,)).fetchone()
        conn.execute("UPDATE reports SET current = 0 WHERE date = ?", (day,))
        conn.execute(
            "INSERT INTO reports (date, revision, current, generated_at, engine, demo, body, branch, pc) "
            "VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (day, last + 1, report.generated_at.isoformat(timespec="seconds"), report.engine, int(report.demo),
             redact_urls(json.dumps(report.to_dict(), ensure_ascii=False)), self.branch, self.pc),
        )
        (report_id,) = conn.execute("SELECT last_insert_rowid()").fetchone()
        if csv_log:
            conn.execute("INSERT INTO csv_pending (report_id) VALUES (?)", (report_id,))
        if not report.demo and report.consolidated is None:  # a head office's whole-business report is not a branch's
            conn.execute("INSERT INTO row_outbox (report_id, queued_at) VALUES (?, ?)",
                         (report_id, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        return last + 1

    def save(self, report: Report) -> int:
        with self.transaction() as conn:
            return self.save_in(conn, report)

    def save_all(self, reports: list[Report]) -> list[int]:
        """Store several reports in one transaction (all land or none): a backfill's 60 past days are one
        connection and one commit to disk instead of 60."""
        with self.transaction() as conn:
            return [self.save_in(conn, report) for report in reports]

    def get(self, day: dt.date) -> Report | None:
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT body FROM reports WHERE date = ? AND current = 1", (day.isoformat(),)).fetchone()
        return Report.from_dict(json.loads(row["body"])) if row else None

    def revisions(self, day: dt.date) -> int:
        with closing(self._connect()) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM reports WHERE date = ?", (day.isoformat(),)).fetchone()
        return int(count)

    def bodies(self, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Any]]:
        """Current report JSON per date in first..last: the KPI engine's fallback for past days."""
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT date, body FROM reports WHERE current = 1 AND date BETWEEN ? AND ? ORDER BY date",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        return {dt.date.fromisoformat(row["date"]): json.loads(row["body"]) for row in rows}

    def recent(self, days: int, until: dt.date | None = None) -> list[Report]:
        until = until or self.latest_date() or dt.date.today()
        bodies = self.bodies(until - dt.timedelta(days=days - 1), until)
        return [Report.from_dict(body) for body in bodies.values()]

    def latest_date(self) -> dt.date | None:
        with closing(self._connect()) as conn:
            (day,) = conn.execute("SELECT MAX(date) FROM reports WHERE current = 1").fetchone()
        return dt.date.fromisoformat(day) if day else None

    def last_generated_at(self) -> dt.datetime | None:
        """When the newest report was made: the scheduler's 'last run' for missed-run catch-up."""
        with closing(self._connect()) as conn:
            stamps = [row[0] for row in conn.execute("SELECT generated_at FROM reports WHERE engine != 'imported'")]
        # Compared as moments, not as text: stamps carry the UTC offset of their day (+01:00 vs +00:00
        # across a DST change), so the text maximum can be the earlier run.
        return max((_aware(stamp) for stamp in stamps), default=None)

    def flush_csv_log(self, path: Path) -> int:
        """Append the rows the CSV log is owed (this run's, and any a crash left behind); returns how many.

        Before each append the file's size is recorded; a row found after that offset was appended by a
        run killed before it could clear the debt, so it is not added twice. One process at a time.
        """
        from filelock import FileLock, Timeout

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(path.with_name(path.name + ".lock"), timeout=60):
                return self._flush_csv_log_locked(path)
        except (OSError, Timeout) as exc:  # open in Excel (Windows locks it), a full disk: the rows wait
            log.warning("%s could not be written (%s); the missing rows are written next time", path.name, exc)
            return 0

    def _flush_csv_log_locked(self, path: Path) -> int:
        appended = 0
        with closing(self._connect()) as conn:
            owed = conn.execute("SELECT r.id, r.body, p.csv_offset FROM csv_pending p JOIN reports r "
                                "ON r.id = p.report_id ORDER BY r.id").fetchall()
        for row in owed:
            report = Report.from_dict(json.loads(row["body"]))
            if row["csv_offset"] is None or not _appended_after(path, row["csv_offset"], report):
                with self.transaction() as conn:
                    size = path.stat().st_size if path.exists() else 0
                    conn.execute("UPDATE csv_pending SET csv_offset = ? WHERE report_id = ?", (size, row["id"]))
                append_csv_log(path, report)
                appended += 1
            with self.transaction() as conn:
                conn.execute("DELETE FROM csv_pending WHERE report_id = ?", (row["id"],))
        return appended

    def report_dates(self, first: dt.date, last: dt.date) -> set[dt.date]:
        """The days in first..last that have a report (the summary's calendar marks them)."""
        with closing(self._connect()) as conn:
            rows = conn.execute("SELECT DISTINCT date FROM reports WHERE current = 1 AND date BETWEEN ? AND ?",
                                (first.isoformat(), last.isoformat())).fetchall()
        return {dt.date.fromisoformat(row["date"]) for row in rows}

    def has(self, day: dt.date) -> bool:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT 1 FROM reports WHERE date = ?", (day.isoformat(),)).fetchone() is not None


def _aware(stamp: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.astimezone()  # naive: written in this PC's local time


def csv_log_row(report: Report) -> dict[str, Any]:
    s, leads, att = report.sales, report.leads, report.attendance

    def blank(value: Any) -> Any:
        return "" if value is None else value

    return {
        "date": report.date.isoformat(),
        "total_sales": blank(s and s.total),
        "orders": blank(s and s.orders),
        "avg_order": blank(s and s.avg_order),
        "leads_count": blank(leads and leads.count),
        "attendance_rate": blank(att and att.rate_pct),
        "absents": blank(att and att.absent),
        "delta_sales_pct": blank(s and s.change_pct),
        "delta_leads_pct": blank(leads and leads.change_pct),
        "delta_attendance_pct": blank(att and att.change_pp),
        "time": report.generated_at.strftime("%Y-%m-%d %H:%M:%S"),
    }


def append_csv_log(path: Path, report: Report) -> None:
    """Append one row; never rewrites the file, so rows the user added or edited stay as they are.

    The row goes out in one write and is synced, so a kill leaves the whole row or none of it.
    """
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_LOG_COLUMNS)
    if new:
        writer.writeheader()
    elif not _ends_with_newline(path):
        text.write("\r\n")  # the user's last row had no line end: do not glue ours onto it
    writer.writerow(csv_log_row(report))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.getvalue().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) in (b"\n", b"\r")


def _csv_line(report: Report) -> bytes:
    text = io.StringIO()
    csv.DictWriter(text, fieldnames=CSV_LOG_COLUMNS).writerow(csv_log_row(report))
    return text.getvalue().encode("utf-8")


def _appended_after(path: Path, offset: int, report: Report) -> bool:
    """Whether `report`'s row is in the file after `offset` (where an interrupted append began)."""
    if not path.exists() or path.stat().st_size <= offset:
        return False
    with path.open("rb") as handle:
        handle.seek(offset)
        return _csv_line(report) in handle.read(1_000_000)


def _num(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def report_from_log_row(row: dict[str, str], currency: str, business: str) -> Report:
    """An imported seed log row as a minimal report, so 'vs yesterday' continues after the switch."""
    from .report import AttendanceKpis, LeadsKpis, SalesKpis

    total, orders = _num(row.get("total_sales")), _num(row.get("orders"))
    leads, rate, absents = _num(row.get("leads_count")), _num(row.get("attendance_rate")), _num(row.get("absents"))
    stamp = row.get("time") or ""
    try:
        generated = dt.datetime.fromisoformat(stamp) if len(stamp) > 8 else \
            dt.datetime.combine(dt.date.fromisoformat(row["date"]), dt.time.fromisoformat(stamp or "00:00"))
    except ValueError:
        generated = dt.datetime.combine(dt.date.fromisoformat(row["date"]), dt.time())
    return Report(
        date=dt.date.fromisoformat(row["date"]),
        currency=currency,
        business=business,
        sales=SalesKpis(total=total, orders=int(orders or 0), avg_order=_num(row.get("avg_order")))
        if total is not None else None,
        leads=LeadsKpis(count=int(leads), by_source={}) if leads is not None else None,
        attendance=AttendanceKpis(headcount=0, present=0, absent=int(absents or 0), rate_pct=rate)
        if rate is not None else None,
        engine="imported",
        engine_reason="imported from business_summary_log.csv",
        generated_at=generated.astimezone(),
    )

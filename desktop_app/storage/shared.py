"""Every branch's reports: the interface the head office's consolidated report and `branches` read.

`SharedHistory` is the shared database (PostgreSQL, or one SQLite file holding all branches), written by the
branch PCs through their outbox of rows (storage/push.py). `LocalBranchHistory` answers the same questions from
this PC's own history when no shared database is set: one branch, nothing to set up.

A branch's current report for a day is its highest revision of that day. Rows are only ever added (keyed by
branch, date and revision), so a replayed push changes nothing and no branch can overwrite another's rows.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from desktop_app.paths import AppPaths
    from desktop_app.report import Report
    from desktop_app.settings import Settings


@dataclass(frozen=True)
class BranchInfo:
    """One branch as `branches` lists it: its newest report day, when that report was made and on which PC."""

    branch: str
    last_date: dt.date
    last_generated_at: dt.datetime
    pc: str
    days: int = 0  # days with a report

    def to_dict(self) -> dict[str, Any]:
        return {"branch": self.branch, "last_date": self.last_date.isoformat(),
                "last_generated_at": self.last_generated_at.isoformat(), "pc": self.pc, "days": self.days}


@dataclass(frozen=True)
class BranchRow:
    """One report revision as the shared database keeps it."""

    branch: str
    date: dt.date
    revision: int
    pc: str
    generated_at: str
    engine: str
    demo: bool
    body: str  # Report.to_dict() as JSON


@dataclass
class PutResult:
    added: int = 0
    already: int = 0  # the same row was there already (a replayed push)
    conflicts: list[tuple[BranchRow, str]] = field(default_factory=list)  # (row, sentence)


class BranchHistory(Protocol):
    """What the consolidated report needs, whichever store answers."""

    label: str

    def branch_reports(self, first: dt.date, last: dt.date,
                       branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, Report]]: ...

    def branch_bodies(self, first: dt.date, last: dt.date,
                      branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, dict[str, Any]]]: ...

    def branches(self) -> list[BranchInfo]: ...


class SharedUnavailable(Exception):
    """The shared database could not be reached or used; the message says why and what happens meanwhile."""


def pc_name() -> str:
    """This PC's name as rows record it."""
    return socket.gethostname() or "this PC"


def _aware(stamp: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.astimezone()


def _reports(bodies: dict[str, dict[dt.date, dict[str, Any]]]) -> dict[str, dict[dt.date, Report]]:
    from desktop_app.report import Report

    return {branch: {day: Report.from_dict(body) for day, body in days.items()} for branch, days in bodies.items()}


class SharedHistory:
    """The shared database of every branch's reports (SQLAlchemy Core; PostgreSQL or SQLite)."""

    def __init__(self, engine: Engine, *, label: str):
        import sqlalchemy as sa

        self.engine = engine
        self.label = label  # the URL without any password, for messages
        meta = sa.MetaData()
        self.table = sa.Table(
            "branch_reports", meta,
            sa.Column("branch", sa.String(100), primary_key=True), sa.Column("date", sa.Date, primary_key=True),
            sa.Column("revision", sa.Integer, primary_key=True), sa.Column("pc", sa.String(200)),
            sa.Column("generated_at", sa.String(40)), sa.Column("engine", sa.String(20)),
            sa.Column("demo", sa.Boolean), sa.Column("body", sa.Text), sa.Column("pushed_at", sa.String(40)),
        )

    # -- opening ------------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, password: str | None = None, tls: str = "prefer", ca_file: str = "",
             timeout_s: float = 15, migrate: bool = True) -> SharedHistory:
        """Connect to `url` and bring its schema up to date (the owner role can; a branch role only checks)."""
        from .engines import engine_for_url, shown

        store = cls(engine_for_url(url, password=password, tls=tls, ca_file=ca_file, timeout_s=timeout_s),
                    label=shown(url))
        if migrate:
            store.upgrade()
        return store

    @classmethod
    def for_settings(cls, settings: Settings, *, migrate: bool = True) -> SharedHistory:
        """The shared database of `[history] url`, with the password from the keyring."""
        from desktop_app.secrets import Secret, get_secret

        conf = settings.history
        return cls.open(conf.url, password=get_secret(Secret.HISTORY_DB_PASSWORD), tls=conf.tls,
                        ca_file=conf.ca_file, timeout_s=conf.timeout_seconds, migrate=migrate)

    def upgrade(self) -> list[str]:
        """Apply missing schema steps; a role that may not change the schema gets a sentence saying who can."""
        import sqlalchemy as sa

        from .migrations import head, upgrade

        try:
            if self.schema_version() == head("shared"):
                return []
            return upgrade(self.engine, "shared")
        except sa.exc.DBAPIError as exc:
            if "permission denied" in str(exc).lower() or "must be owner" in str(exc).lower():
                raise SharedUnavailable(
                    f"the shared history at {self.label} is not set up for this version of the app, and this "
                    "PC's role may not change it: on the head office PC run `business-orchestrator branches "
                    "--setup-db` with the database owner's URL (docs/branches.md)") from exc
            raise SharedUnavailable(describe(exc, self.label)) from exc

    def schema_version(self) -> str | None:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        self.engine.dispose()

    # -- writing (storage/push.py) -----------------------------------------------------------------------------

    def put(self, rows: Sequence[BranchRow], *, now: dt.datetime | None = None) -> PutResult:
        """Add report rows in one transaction; a row already there is left as it is (never twice).

        A row whose key holds a different report (another PC's, or this PC's history started over) is not
        written: it comes back in `conflicts` with a sentence, so nothing is overwritten silently.
        """
        import sqlalchemy as sa

        pushed_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
        result = PutResult()
        table = self.table
        with self.engine.begin() as conn:
            for row in rows:
                values = {**row.__dict__, "pushed_at": pushed_at}
                if conn.dialect.name == "postgresql":
                    from sqlalchemy.dialects.postgresql import insert
                else:
                    from sqlalchemy.dialects.sqlite import insert
                inserted = conn.execute(insert(table).values(values).on_conflict_do_nothing()).rowcount
                if inserted:
                    result.added += 1
                    continue
                there = conn.execute(sa.select(table.c.pc, table.c.generated_at, table.c.body).where(
                    table.c.branch == row.branch, table.c.date == row.date, table.c.revision == row.revision,
                )).first()
                if there is not None and (there.pc, there.generated_at) == (row.pc, row.generated_at):
                    result.already += 1
                else:
                    who = f"PC {there.pc} at {there.generated_at}" if there else "another role"
                    result.conflicts.append((row, (
                        f"the shared history already holds revision {row.revision} of {row.branch}'s report for "
                        f"{row.date.isoformat()} from {who}; this PC's copy was not written over it (was this "
                        "PC's history started again, or do two PCs use the same branch name?)")))
        return result

    # -- reading ------------------------------------------------------------------------------------------------

    def _current(self, first: dt.date, last: dt.date, branches: Iterable[str] | None):
        import sqlalchemy as sa

        table = self.table
        newest = (sa.select(table.c.branch, table.c.date, sa.func.max(table.c.revision).label("revision"))
                  .where(table.c.date.between(first, last)).group_by(table.c.branch, table.c.date))
        if branches is not None:
            newest = newest.where(table.c.branch.in_(list(branches)))
        newest = newest.subquery()
        return table.join(newest, sa.and_(table.c.branch == newest.c.branch, table.c.date == newest.c.date,
                                          table.c.revision == newest.c.revision))

    def branch_bodies(self, first: dt.date, last: dt.date,
                      branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, dict[str, Any]]]:
        """Each branch's current report JSON per date in first..last (branches with no report there are absent)."""
        import sqlalchemy as sa

        table = self.table
        query = (sa.select(table.c.branch, table.c.date, table.c.body)
                 .select_from(self._current(first, last, branches)).order_by(table.c.branch, table.c.date))
        result: dict[str, dict[dt.date, dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for branch, day, body in conn.execute(query):
                result.setdefault(branch, {})[day] = json.loads(body)
        return result

    def branch_reports(self, first: dt.date, last: dt.date,
                       branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, Report]]:
        """Each branch's current report per date in first..last: {branch: {date: Report}}."""
        return _reports(self.branch_bodies(first, last, branches))

    def branches(self) -> list[BranchInfo]:
        """Every branch that ever reported, by name: newest report day, when it was made, from which PC."""
        import sqlalchemy as sa

        table = self.table
        days = (sa.select(table.c.branch, sa.func.max(table.c.date).label("last"),
                          sa.func.count(sa.distinct(table.c.date)).label("days"))
                .group_by(table.c.branch).subquery())
        query = (sa.select(table.c.branch, table.c.date, table.c.revision, table.c.generated_at, table.c.pc,
                           days.c.days)
                 .join(days, sa.and_(table.c.branch == days.c.branch, table.c.date == days.c.last))
                 .order_by(table.c.branch, table.c.revision.desc()))
        found: dict[str, BranchInfo] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                found.setdefault(row.branch, BranchInfo(row.branch, row.date, _aware(row.generated_at), row.pc,
                                                        row.days))
        return list(found.values())


class LocalBranchHistory:
    """This PC's own history as one branch (no shared database set): same questions, no SQLAlchemy."""

    def __init__(self, path: Path, *, branch: str = "", pc: str = ""):
        from .migrations import ensure_sqlite

        self.path = Path(path)
        self.branch = branch
        self.pc = pc or pc_name()
        self.label = str(self.path)
        ensure_sqlite(self.path, "local")

    @classmethod
    def for_settings(cls, settings: Settings, paths: AppPaths) -> LocalBranchHistory:
        return cls(paths.history_db, branch=settings.business.branch, pc=settings.history.pc_name)

    def _name(self, branch: str) -> str:
        return branch or self.branch

    def branch_bodies(self, first: dt.date, last: dt.date,
                      branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, dict[str, Any]]]:
        from desktop_app.db import connect

        wanted = None if branches is None else set(branches)
        result: dict[str, dict[dt.date, dict[str, Any]]] = {}
        with closing(connect(self.path)) as conn:
            rows = conn.execute("SELECT branch, date, body FROM reports WHERE current = 1 AND date BETWEEN ? AND ? "
                                "ORDER BY date", (first.isoformat(), last.isoformat())).fetchall()
        for row in rows:
            name = self._name(row["branch"])
            if wanted is None or name in wanted:
                result.setdefault(name, {})[dt.date.fromisoformat(row["date"])] = json.loads(row["body"])
        return result

    def branch_reports(self, first: dt.date, last: dt.date,
                       branches: Iterable[str] | None = None) -> dict[str, dict[dt.date, Report]]:
        return _reports(self.branch_bodies(first, last, branches))

    def branches(self) -> list[BranchInfo]:
        from desktop_app.db import connect

        with closing(connect(self.path)) as conn:
            rows = conn.execute(
                "SELECT r.branch, r.date, r.generated_at, r.pc, d.days FROM reports r JOIN "
                "(SELECT branch, MAX(date) AS last, COUNT(DISTINCT date) AS days FROM reports WHERE current = 1 "
                "GROUP BY branch) d ON r.branch = d.branch AND r.date = d.last WHERE r.current = 1 "
                "ORDER BY r.branch").fetchall()
        found: dict[str, BranchInfo] = {}
        for row in rows:
            name = self._name(row["branch"])
            info = BranchInfo(name, dt.date.fromisoformat(row["date"]), _aware(row["generated_at"]),
                              row["pc"] or self.pc, row["days"])
            if name not in found or info.last_date > found[name].last_date:
                found[name] = info
        return sorted(found.values(), key=lambda info: info.branch)


def open_branch_history(settings: Settings, paths: AppPaths) -> SharedHistory | LocalBranchHistory:
    """The shared database when `[history] url` is set, else this PC's own history (raises SharedUnavailable)."""
    if not settings.history.url:
        return LocalBranchHistory.for_settings(settings, paths)
    try:
        return SharedHistory.for_settings(settings)
    except SharedUnavailable:
        raise
    except Exception as exc:
        raise SharedUnavailable(describe(exc, settings.history.url)) from exc


def describe(exc: BaseException, url: str) -> str:
    """A database error as one sentence naming the store, never the password or the SQL."""
    from desktop_app.redact import redact_urls

    from .engines import StoreUrlError, shown

    label = shown(url) if "://" in url else url
    if isinstance(exc, StoreUrlError):
        return f"[history] url: {exc}"
    original = getattr(exc, "orig", None) or exc
    detail = str(original.args[0]) if getattr(original, "args", None) else str(original)
    if isinstance(original.args[0] if getattr(original, "args", None) else None, dict):
        fields = original.args[0]
        detail = f"{fields.get('M', '')} ({fields.get('C', '')})"
    detail = redact_urls(detail.splitlines()[0] if detail else type(original).__name__)[:300]
    return f"the shared history at {label} could not be used: {detail}"

"""Every store's schema as an ordered list of Alembic steps, applied in place on first start.

Alembic's operations (`Operations`) run the steps and its version table (`alembic_version`) records where a
database stands, as `alembic upgrade` would; the steps are plain functions in this module rather than a script
folder, so the frozen build needs no migration files on disk and nothing is imported to find them.

Four chains, one per kind of database:
- LOCAL: this PC's history file (reports, deliveries, the CSV-log debt, the outbox of rows for the shared database).
  SQLite only. Step 1 is the schema every earlier version of the app wrote, so existing files simply carry on.
- SHARED: the database every branch writes to (PostgreSQL; or one SQLite file that holds all branches).
- RECORDS: the fetched-records file of the live connectors (connectors/store.py); or a database URL.
- OUTBOX: the deliveries table alone, for an outbox kept on a database URL (desktop_app/outbox.py); on a PC's
  own file the deliveries are part of LOCAL, beside the reports they carry.

`ensure_sqlite(path, chain)` is on the start-up path: it reads the version with sqlite3. A step written as plain
SQL (`Step.sql`, the whole LOCAL chain) is applied by sqlite3 too, so a PC's first report does not wait for
SQLAlchemy and Alembic to load (about 0.35 s); the other steps need them, and Alembic applies every step on a
database URL. Either way the file ends with the same tables and the same `alembic_version` row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Step:
    revision: str
    upgrade: Callable[[Any], None] | None = None  # called with an alembic Operations
    sql: tuple[str, ...] = ()  # or: statements that sqlite3 and Alembic's op.execute both run as written

    def apply(self, operations) -> None:
        if self.upgrade is not None:
            self.upgrade(operations)
        for statement in self.sql:
            operations.execute(statement)


# -- LOCAL: this PC's history file ---------------------------------------------------------------------------------

_DELIVERIES = (
    # The deliveries outbox (desktop_app/outbox.py): part of the history file, or alone on a server (OUTBOX).
    """CREATE TABLE IF NOT EXISTS deliveries (
        id INTEGER PRIMARY KEY,
        report_date TEXT NOT NULL,
        report_revision INTEGER NOT NULL,
        channel TEXT NOT NULL DEFAULT 'telegram',
        destination TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'held', 'skipped')),
        body TEXT NOT NULL,
        edited INTEGER NOT NULL DEFAULT 0,
        computed_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        hold_until TEXT,
        next_attempt_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        error_kind TEXT,
        parts TEXT,
        message_ids TEXT NOT NULL DEFAULT '[]',
        sent_at TEXT,
        possible_duplicate INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (status) WHERE status IN ('pending', 'sending', 'held')",
    "CREATE INDEX IF NOT EXISTS deliveries_by_date ON deliveries (report_date, destination)",
)

_LOCAL_BASELINE = (
    # The schema of desktop_app/history.py and desktop_app/outbox.py before issue 19, statement for statement.
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS reports (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        revision INTEGER NOT NULL,
        current INTEGER NOT NULL DEFAULT 1,
        generated_at TEXT NOT NULL,
        engine TEXT NOT NULL,
        demo INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL,
        UNIQUE (date, revision)
    )""",
    "CREATE INDEX IF NOT EXISTS reports_current ON reports (date) WHERE current = 1",
    # Reports saved but not yet appended to business_summary_log.csv (see HistoryStore.flush_csv_log).
    "CREATE TABLE IF NOT EXISTS csv_pending (report_id INTEGER PRIMARY KEY, csv_offset INTEGER)",
    *_DELIVERIES,
    "INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')",
)


_LOCAL_BRANCH_ROWS = (
    # Issue 19: each report row says which branch and PC made it; the outbox of rows for the shared database.
    # Written as Alembic's op.add_column/op.create_table wrote them on SQLite, so files migrated either way match.
    "ALTER TABLE reports ADD COLUMN branch TEXT DEFAULT '' NOT NULL",
    "ALTER TABLE reports ADD COLUMN pc TEXT DEFAULT '' NOT NULL",
    # One row per saved report revision the shared database has not confirmed yet. `conflict` is set (and the
    # row no longer pushed) when the shared database holds a different report under the same key.
    "CREATE TABLE row_outbox (\n\treport_id INTEGER NOT NULL, \n\tqueued_at TEXT NOT NULL, \n"
    "\tattempts INTEGER DEFAULT '0' NOT NULL, \n\tlast_error TEXT, \n\t\"conflict\" TEXT, \n"
    "\tPRIMARY KEY (report_id)\n)",
)


def _outbox_deliveries(op) -> None:
    """The deliveries table alone, on a database URL (a PC that keeps its outbox on the server)."""
    for statement in _DELIVERIES:
        if op.get_context().dialect.name == "postgresql":
            statement = statement.replace("id INTEGER PRIMARY KEY", "id INTEGER GENERATED BY DEFAULT AS IDENTITY "
                                          "PRIMARY KEY")
        op.execute(statement)


LOCAL = (Step("0001_local_baseline", sql=_LOCAL_BASELINE), Step("0002_branch_rows", sql=_LOCAL_BRANCH_ROWS))


# -- SHARED: every branch's reports --------------------------------------------------------------------------------

def _shared_branch_reports(op) -> None:
    import sqlalchemy as sa

    op.create_table(
        "branch_reports",
        sa.Column("branch", sa.String(100), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("pc", sa.String(200), nullable=False),
        sa.Column("generated_at", sa.String(40), nullable=False),  # ISO 8601 with the PC's UTC offset
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("body", sa.Text, nullable=False),  # the report's JSON (Report.to_dict), URLs redacted
        sa.Column("pushed_at", sa.String(40), nullable=False),  # UTC, when the branch PC pushed it
        # The key: a branch's rows can never collide with another branch's, and a replayed push is a no-op.
        sa.PrimaryKeyConstraint("branch", "date", "revision", name="branch_reports_pkey"),
    )
    op.create_index("branch_reports_by_date", "branch_reports", ["date", "branch"])
    # Which database role writes for which branch (PostgreSQL's row-level security reads it; docs/branches.md).
    op.create_table(
        "branch_roles",
        sa.Column("role_name", sa.String(63), primary_key=True),
        sa.Column("branch", sa.String(100), nullable=False, unique=True),
    )
    if op.get_context().dialect.name == "postgresql":
        for statement in SHARED_POLICIES:
            op.execute(statement)


SHARED_POLICIES = (
    "ALTER TABLE branch_reports ENABLE ROW LEVEL SECURITY",
    # A branch role sees and adds only its own rows; any other role granted SELECT (the head office) sees all.
    # No UPDATE or DELETE policy: with row-level security on, a role other than the owner changes nothing.
    """CREATE POLICY branch_reads ON branch_reports FOR SELECT USING (
        NOT EXISTS (SELECT 1 FROM branch_roles r WHERE r.role_name = current_user)
        OR branch = (SELECT r.branch FROM branch_roles r WHERE r.role_name = current_user))""",
    """CREATE POLICY branch_writes ON branch_reports FOR INSERT WITH CHECK (
        branch = (SELECT r.branch FROM branch_roles r WHERE r.role_name = current_user))""",
)

SHARED = (Step("s0001_branch_reports", _shared_branch_reports),)


# -- RECORDS: the live connectors' fetched records ----------------------------------------------------------------

def _records_baseline(op) -> None:
    from connectors.store import SCHEMA

    postgresql = op.get_context().dialect.name == "postgresql"
    for statement in filter(None, (part.strip() for part in SCHEMA.split(";"))):
        op.execute(statement.replace(") WITHOUT ROWID", ")") if postgresql else statement)  # a SQLite storage hint


RECORDS = (Step("r0001_records_baseline", _records_baseline),)

OUTBOX = (Step("o0001_deliveries", _outbox_deliveries),)

CHAINS = {"local": LOCAL, "shared": SHARED, "records": RECORDS, "outbox": OUTBOX}


def head(chain: str) -> str:
    return CHAINS[chain][-1].revision


# -- applying them -------------------------------------------------------------------------------------------------

class SchemaTooNew(Exception):
    """The database was migrated by a newer version of the app."""


def sqlite_version(path: Path) -> str | None:
    """The file's Alembic revision, read with sqlite3 alone (None: a new file, or one from before Alembic)."""
    from desktop_app.db import connect

    with closing(connect(path)) as conn:
        try:
            row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def ensure_sqlite(path: Path, chain: str) -> None:
    """Bring a SQLite file to this app's schema; cheap when it already is (no SQLAlchemy import)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sqlite_version(path) == head(chain):
        return
    if all(step.sql and step.upgrade is None for step in CHAINS[chain]):
        _upgrade_with_sqlite3(path, chain)
        return
    from .engines import sqlite_engine

    engine = sqlite_engine(path)
    try:
        upgrade(engine, chain)
    finally:
        engine.dispose()


def _pending(chain: str, current: str | None) -> tuple[Step, ...]:
    steps = CHAINS[chain]
    known = [step.revision for step in steps]
    if current is not None and current not in known:
        raise SchemaTooNew(f"the database is at schema {current}, newer than this app knows ({known[-1]}); "
                           "update the app on this PC")
    return steps[known.index(current) + 1:] if current else steps


_VERSION_TABLE_SQL = (  # what Alembic creates (see upgrade), so either path leaves the same file
    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\n\tversion_num VARCHAR(32) NOT NULL, \n"
    "\tPRIMARY KEY (version_num)\n)")


def _upgrade_with_sqlite3(path: Path, chain: str) -> list[str]:
    """`upgrade` for a chain of SQL steps, by sqlite3 alone, in one transaction under the write lock."""
    from desktop_app.db import write_transaction

    with write_transaction(path) as conn:
        try:
            row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        except sqlite3.OperationalError:
            row = None
        todo = _pending(chain, row[0] if row else None)
        if not todo:
            return []
        conn.execute(_VERSION_TABLE_SQL)
        for step in todo:
            for statement in step.sql:
                conn.execute(statement)
        conn.execute(f"DELETE FROM {VERSION_TABLE}")
        conn.execute(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (?)", (todo[-1].revision,))
    return [step.revision for step in todo]


def upgrade(engine, chain: str) -> list[str]:
    """Apply the steps `engine`'s database lacks, in one transaction (SQLite: under its write lock, so two
    first starts at once migrate once); returns the revisions applied."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    version = sa.Table(VERSION_TABLE, sa.MetaData(), sa.Column("version_num", sa.String(32), primary_key=True))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # one migrator at a time on a shared server
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(19190019)"))
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        todo = _pending(chain, context.get_current_revision())
        if not todo:
            return []
        version.create(conn, checkfirst=True)
        operations = Operations(context)
        for step in todo:
            step.apply(operations)
        conn.execute(version.delete())
        conn.execute(version.insert().values(version_num=todo[-1].revision))
    return [step.revision for step in todo]

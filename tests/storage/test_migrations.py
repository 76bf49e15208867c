"""A history file made by the app before issue 19 migrates in place on first start: every report, revision,
delivery and CSV-log debt survives, and the rows are then offered to the shared history."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.report import Report, SalesKpis
from desktop_app.storage.engines import sqlite_engine
from desktop_app.storage.migrations import LOCAL, ensure_sqlite, head, sqlite_version, upgrade
from desktop_app.storage.push import push_pending
from desktop_app.storage.shared import SharedHistory

REPO = Path(__file__).resolve().parents[2]

# The schema history.py and outbox.py created before issue 19, copied here so this test keeps proving the upgrade
# from it even after the code changes.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    revision INTEGER NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    generated_at TEXT NOT NULL,
    engine TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    UNIQUE (date, revision)
);
CREATE INDEX IF NOT EXISTS reports_current ON reports (date) WHERE current = 1;
CREATE TABLE IF NOT EXISTS csv_pending (report_id INTEGER PRIMARY KEY, csv_offset INTEGER);
CREATE TABLE IF NOT EXISTS deliveries (
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
);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (status) WHERE status IN ('pending', 'sending', 'held');
CREATE INDEX IF NOT EXISTS deliveries_by_date ON deliveries (report_date, destination);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '1');
"""
FIRST = dt.date(2026, 1, 1)
DAYS = 40


def body(day: dt.date, total: float) -> dict:
    return Report(date=day, currency="INR", business="Old Shop", sales=SalesKpis(total=total, orders=2, avg_order=None),
                  leads=None, attendance=None, generated_at=dt.datetime(day.year, day.month, day.day, 19,
                                                                        tzinfo=dt.UTC)).to_dict()


def old_history(path: Path) -> dict[dt.date, float]:
    """A history file exactly as the previous version wrote it: 40 days, day 3 corrected twice, deliveries."""
    expected = {}
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(OLD_SCHEMA)
        for offset in range(DAYS):
            day = FIRST + dt.timedelta(days=offset)
            revisions = 3 if offset == 3 else 1
            for revision in range(1, revisions + 1):
                total = 1000.0 + offset + revision / 100
                conn.execute("UPDATE reports SET current = 0 WHERE date = ?", (day.isoformat(),))
                conn.execute("INSERT INTO reports (date, revision, current, generated_at, engine, demo, body) "
                             "VALUES (?, ?, 1, ?, 'rules', 0, ?)",
                             (day.isoformat(), revision, f"{day.isoformat()}T19:00:00+05:30",
                              json.dumps(body(day, total))))
                expected[day] = total
            conn.execute("INSERT INTO deliveries (report_date, report_revision, destination, status, body, "
                         "computed_at, created_at, next_attempt_at, message_ids, sent_at) VALUES "
                         "(?, 1, '@owner', 'sent', 'text', ?, ?, ?, '[101]', ?)",
                         (day.isoformat(), *[f"{day.isoformat()}T13:30:00+00:00"] * 4))
        conn.execute("INSERT INTO csv_pending (report_id) VALUES (40)")
        conn.commit()
    return expected


def test_an_existing_history_survives_the_upgrade_report_by_report(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    expected = old_history(path)
    assert sqlite_version(path) is None
    store = HistoryStore(path, branch="Naroda", pc="NARODA-PC")
    assert sqlite_version(path) == head("local")
    last = FIRST + dt.timedelta(days=DAYS - 1)
    assert {day: b["sales"]["total"] for day, b in store.bodies(FIRST, last).items()} == expected
    assert store.get(FIRST + dt.timedelta(days=3)).sales.total == 1003.03
    assert store.revisions(FIRST + dt.timedelta(days=3)) == 3
    assert store.latest_date() == last
    outbox = Outbox(path)
    assert len(outbox.deliveries(100)) == DAYS and outbox.deliveries(1)[0].message_ids == [101]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM csv_pending").fetchone()[0] == 1  # the CSV debt is kept
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # and the next report goes on from there, stamped with its branch
    store.save(Report.from_dict(body(last + dt.timedelta(days=1), 5.0)))
    assert store.get(last + dt.timedelta(days=1)).sales.total == 5.0
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT branch, pc FROM reports ORDER BY id DESC LIMIT 1").fetchone() == \
            ("Naroda", "NARODA-PC")


def test_the_migrated_history_reaches_the_shared_database_whole(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    expected = old_history(path)
    HistoryStore(path)
    shared = SharedHistory.open(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    result = push_pending(path, shared, branch="Naroda", pc="NARODA-PC")
    assert (result.pushed, result.waiting) == (DAYS + 2, 0)  # every revision, day 3's three included
    got = shared.branch_reports(FIRST, FIRST + dt.timedelta(days=DAYS))["Naroda"]
    assert {day: r.sales.total for day, r in got.items()} == expected


def test_a_current_file_opens_without_importing_sqlalchemy(tmp_path: Path):
    """The tray's start-up path: once migrated, opening the history reads one row with sqlite3 and no more."""
    path = tmp_path / "history.sqlite3"
    HistoryStore(path)
    code = ("import sys; from pathlib import Path; from desktop_app.history import HistoryStore; "
            "from desktop_app.outbox import Outbox; "
            f"HistoryStore(Path({str(path)!r})); Outbox(Path({str(path)!r})); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'pg8000')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_new_file_is_made_without_sqlalchemy_and_matches_what_alembic_makes(tmp_path: Path):
    """A PC's first report makes the history file by sqlite3 alone (no 0.35 s of imports), and the file is the
    one Alembic makes from the same steps: same tables, same SQL, same version row; from an old file as well."""
    by_sqlite3, by_alembic = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    code = ("import sys; from pathlib import Path; from desktop_app.history import HistoryStore; "
            f"HistoryStore(Path({str(by_sqlite3)!r})); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'pg8000')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    engine = sqlite_engine(by_alembic)
    assert upgrade(engine, "local") == [step.revision for step in LOCAL]
    engine.dispose()
    assert schema(by_sqlite3) == schema(by_alembic)
    assert sqlite_version(by_sqlite3) == sqlite_version(by_alembic) == head("local")
    old_a, old_b = tmp_path / "old-a.sqlite3", tmp_path / "old-b.sqlite3"
    old_history(old_a)
    old_history(old_b)
    ensure_sqlite(old_a, "local")
    engine = sqlite_engine(old_b)
    upgrade(engine, "local")
    engine.dispose()
    assert schema(old_a) == schema(old_b)
    assert HistoryStore(old_a).bodies(FIRST, FIRST + dt.timedelta(days=DAYS)) == \
        HistoryStore(old_b).bodies(FIRST, FIRST + dt.timedelta(days=DAYS))


def schema(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall() + \
            conn.execute("SELECT * FROM alembic_version").fetchall()


def test_a_second_start_changes_nothing(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    old_history(path)
    HistoryStore(path)
    with closing(sqlite3.connect(path)) as conn:
        before = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    HistoryStore(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == before


def test_an_existing_records_file_keeps_its_records(tmp_path: Path):
    """The live connectors' store (connectors/store.py) is under the same migrations: an old file carries on."""
    from connectors.store import SCHEMA, RecordStore

    path = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO records VALUES ('Shopify', ?, NULL, '2026-01-01T00:00:00+00:00', ?)",
                         [(str(n), json.dumps({"id": n, "total": n * 1.5})) for n in range(50)])
        conn.execute("INSERT INTO source_state (source, identity) VALUES ('Shopify', 'shop.example')")
        conn.commit()
    store = RecordStore(path)
    assert store.count("Shopify") == 50  # ordered by record id as text: "7" is the 48th
    assert {record["id"]: record["total"] for record in store.records("Shopify")}[7] == 10.5
    assert store.state("Shopify").identity == "shop.example"
    assert sqlite_version(path) == head("records")

"""docs/branches.md's SQL, run as written on a real PostgreSQL server: a branch role adds and reads only its own
rows, changes and deletes none, and cannot change the schema; the head office reads every branch."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.storage.shared import SharedHistory, SharedUnavailable
from tests.storage.test_shared_store import DAY, row

DOC = Path(__file__).resolve().parents[2] / "docs" / "branches.md"
NAMES = ("bo_owner", "bo_branch", "branch_naroda", "branch_maninagar", "bo_head_office")
PASSWORDS = {"bo_owner": "owner-password", "branch_naroda": "naroda-password",
             "branch_maninagar": "maninagar-password", "bo_head_office": "head-office-password"}


def doc_sql(marker: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- sql:{marker} -->\s*```sql\n(.*?)```", text, re.S)
    assert match, f"docs/branches.md has no sql:{marker} block"
    return match.group(1)


def run_script(conn, sql: str) -> None:
    code = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    for statement in code.split(";"):
        if statement.strip():
            conn.run(statement)


@pytest.fixture
def business(pg_server):
    """The documented set-up with this test's own names (roles are server-wide): server block, --setup-db as the
    owner, roles block. Returns a function role -> SharedHistory (logged in as that role)."""
    suffix = pg_server.new_database()  # a unique name; the documented database is created below
    pg_server.drop_database(suffix)
    database = f"business_{suffix}"

    def ours(sql: str) -> str:
        sql = re.sub(r"\bbusiness\b", database, sql)
        for name in NAMES:
            sql = re.sub(rf"\b{name}\b", f"{name}_{suffix}", sql)
        return sql

    admin = pg_server.admin()
    run_script(admin, ours(doc_sql("server")))
    admin.close()

    def connect(role: str, *, migrate: bool = True) -> SharedHistory:
        url = pg_server.url(database, user=f"{role}_{suffix}")
        return SharedHistory.open(url, password=PASSWORDS[role], migrate=migrate)

    owner = connect("bo_owner")  # `branches --setup-db`
    owner.dispose()
    admin = pg_server.admin(database)
    run_script(admin, ours(doc_sql("roles")))
    admin.close()
    yield connect
    admin = pg_server.admin()
    admin.run(f"DROP DATABASE {database} WITH (FORCE)")
    for name in reversed(NAMES):
        admin.run(f"DROP ROLE IF EXISTS {name}_{suffix}")
    admin.close()


def test_a_branch_adds_and_reads_only_its_own_rows(business):
    naroda, maninagar, head_office = business("branch_naroda"), business("branch_maninagar"), \
        business("bo_head_office")
    assert naroda.put([row("Naroda", DAY, 1, 1500.0)]).added == 1
    assert maninagar.put([row("Maninagar", DAY, 1, 2500.0)]).added == 1
    with pytest.raises(sa.exc.DatabaseError, match="row-level security"):
        naroda.put([row("Maninagar", DAY, 2, 1.0)])  # writing as another branch
    with pytest.raises(sa.exc.DatabaseError, match="row-level security"):
        naroda.put([row("Maninagar", DAY + dt.timedelta(days=1), 1, 1.0)])
    assert set(naroda.branch_reports(DAY, DAY)) == {"Naroda"}  # it sees only its own
    assert [info.branch for info in naroda.branches()] == ["Naroda"]
    everything = head_office.branch_reports(DAY, DAY)
    assert {branch: days[DAY].sales.total for branch, days in everything.items()} == \
        {"Naroda": 1500.0, "Maninagar": 2500.0}
    for store in (naroda, maninagar, head_office):
        store.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE branch_reports SET body = '{}' WHERE branch = 'Maninagar'",
    "UPDATE branch_reports SET body = '{}' WHERE branch = 'Naroda'",
    "DELETE FROM branch_reports WHERE branch = 'Maninagar'",
    "DELETE FROM branch_reports",
    "TRUNCATE branch_reports",
    "INSERT INTO branch_roles VALUES ('intruder', 'Vastral')",
    "UPDATE branch_roles SET branch = 'Maninagar'",
])
def test_a_branch_role_changes_and_deletes_nothing(business, statement):
    naroda, maninagar = business("branch_naroda"), business("branch_maninagar")
    naroda.put([row("Naroda", DAY, 1, 1500.0)])
    maninagar.put([row("Maninagar", DAY, 1, 2500.0)])
    with pytest.raises(sa.exc.DatabaseError, match="permission denied"), naroda.engine.begin() as conn:
        conn.execute(sa.text(statement))
    head_office = business("bo_head_office")
    assert {branch: days[DAY].sales.total for branch, days in head_office.branch_reports(DAY, DAY).items()} == \
        {"Naroda": 1500.0, "Maninagar": 2500.0}
    for store in (naroda, maninagar, head_office):
        store.dispose()


def test_the_head_office_writes_nothing(business):
    head_office = business("bo_head_office")
    with pytest.raises(sa.exc.DatabaseError, match="permission denied"):
        head_office.put([row("Naroda", DAY, 1, 1.0)])
    head_office.dispose()


def test_a_branch_role_cannot_change_the_schema_and_says_who_can(pg_server):
    """A database set up by hand but not by --setup-db: the branch role gets a sentence, not a traceback."""
    name = pg_server.new_database()
    admin = pg_server.admin(name)
    admin.run(f"CREATE ROLE branch_{name} LOGIN PASSWORD 'pw'")
    admin.run(f"GRANT CONNECT ON DATABASE {name} TO branch_{name}")
    admin.close()
    with pytest.raises(SharedUnavailable, match="--setup-db"):
        SharedHistory.open(pg_server.url(name, user=f"branch_{name}"), password="pw")
    pg_server.drop_database(name)
    admin = pg_server.admin()
    admin.run(f"DROP ROLE branch_{name}")
    admin.close()


def test_the_policies_are_in_place(business):
    store = business("bo_head_office")
    with store.engine.connect() as conn:
        policies = conn.execute(sa.text("SELECT policyname, cmd FROM pg_policies WHERE tablename = 'branch_reports' "
                                        "ORDER BY policyname")).all()
        secured = conn.execute(sa.text("SELECT relrowsecurity FROM pg_class WHERE relname = 'branch_reports'")).scalar()
    assert [tuple(policy) for policy in policies] == [("branch_reads", "SELECT"), ("branch_writes", "INSERT")]
    assert secured is True
    store.dispose()

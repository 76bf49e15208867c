"""docs/branches.md's set-up, run as written (with names of the test's own) on the test PostgreSQL server."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "branches.md"
DOC_ROLES = ("bo_owner", "bo_branch", "branch_naroda", "branch_maninagar", "bo_head_office")
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


@dataclass
class Business:
    server: object
    database: str
    suffix: str
    extra_roles: list[str]

    def role(self, name: str) -> str:
        return f"{name}_{self.suffix}"

    def url(self, role: str) -> str:
        return self.server.url(self.database, user=self.role(role))

    def password(self, role: str) -> str:
        return PASSWORDS.get(role, f"{role.removeprefix('branch_')}-password")  # never the role name itself

    def open(self, role: str, *, migrate: bool = True):
        from desktop_app.storage.shared import SharedHistory

        return SharedHistory.open(self.url(role), password=self.password(role), migrate=migrate)

    def add_branch(self, role: str, branch: str) -> None:
        """The documented two lines for a new branch (Naroda's, with another name)."""
        lines = [line for line in doc_sql("roles").splitlines() if "branch_naroda" in line]
        assert len(lines) == 2, lines
        sql = "\n".join(lines).replace("branch_naroda", role).replace("'Naroda'", f"'{branch}'")
        sql = sql.replace("naroda-password", self.password(role))
        self.extra_roles.append(role)
        admin = self.server.admin(self.database)
        run_script(admin, self._ours(sql))
        admin.close()

    def _ours(self, sql: str) -> str:
        sql = re.sub(r"\bbusiness\b", self.database, sql)
        for name in (*DOC_ROLES, *self.extra_roles):
            sql = re.sub(rf"\b{name}\b", self.role(name), sql)
        return sql

    @classmethod
    def set_up(cls, server) -> Business:
        suffix = server.new_database()  # a unique name (roles are server-wide); the documented database follows
        server.drop_database(suffix)
        business = cls(server, f"business_{suffix}", suffix, [])
        admin = server.admin()
        run_script(admin, business._ours(doc_sql("server")))
        admin.close()
        business.open("bo_owner").dispose()  # what `branches --setup-db` does as the owner
        admin = server.admin(business.database)
        run_script(admin, business._ours(doc_sql("roles")))
        admin.close()
        return business

    def tear_down(self) -> None:
        admin = self.server.admin()
        admin.run(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        for name in (*reversed(DOC_ROLES), *self.extra_roles):
            if name != "bo_branch":
                admin.run(f"DROP ROLE IF EXISTS {self.role(name)}")
        admin.run(f"DROP ROLE IF EXISTS {self.role('bo_branch')}")
        admin.close()

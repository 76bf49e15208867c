"""Shared fixtures: every test gets its own app home and an in-memory keyring."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.samples import shared_sample

__all__ = ["shared_sample"]


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "bo-home"
    monkeypatch.setenv("BUSINESS_ORCHESTRATOR_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# -- PostgreSQL (issue 19): one throwaway server per session, a database per test ---------------------------------

@pytest.fixture(scope="session")
def pg_server():
    import os

    from tests.pg_server import REQUIRE_ENV, PgServer, bin_dir

    if bin_dir() is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message}, and {REQUIRE_ENV}=1 says these tests must run")
        pytest.skip(message)
    server = PgServer.start()
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server):
    """A fresh database on the session's server: (url without password, admin password, name, server)."""
    from tests.pg_server import ADMIN_PASSWORD

    name = pg_server.new_database()
    yield PgDatabase(url=pg_server.url(name), password=ADMIN_PASSWORD, name=name, server=pg_server)
    pg_server.drop_database(name)


class PgDatabase(NamedTuple):
    url: str
    password: str
    name: str
    server: object

"""The store suite runs on both engines: `shared_url` is a SQLite file or a database on the test PostgreSQL server."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def shared_target(engine_name, tmp_path, request):
    """(url, password) of an empty shared history on the engine under test."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}", None
    database = request.getfixturevalue("pg_database")
    return database.url, database.password


@pytest.fixture
def shared(shared_target):
    from desktop_app.storage.shared import SharedHistory

    url, password = shared_target
    store = SharedHistory.open(url, password=password)
    yield store
    store.dispose()

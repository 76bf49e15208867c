"""Without PostgreSQL the shared-history tests skip on a developer's PC and fail on CI (REQUIRE_POSTGRESQL=1)."""

from __future__ import annotations

import pytest

from tests import pg_server


def test_missing_postgresql_fails_when_required(monkeypatch):
    monkeypatch.setattr(pg_server, "bin_dir", lambda: None)
    monkeypatch.setenv(pg_server.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_POSTGRESQL=1 says these tests must run"):
        pg_server.require_server()


def test_missing_postgresql_skips_on_a_developers_pc(monkeypatch):
    monkeypatch.setattr(pg_server, "bin_dir", lambda: None)
    monkeypatch.delenv(pg_server.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pg_server.require_server()


def test_the_server_programs_are_found_here_when_required(monkeypatch):
    """On CI (.ci/run installs the package) the real lookup finds initdb."""
    import os

    if os.environ.get(pg_server.REQUIRE_ENV) != "1":
        pytest.skip("only meaningful where PostgreSQL is required")
    assert pg_server.bin_dir() is not None

"""TLS as PostgreSQL's own tools mean it: `prefer` encrypts when the server offers it and connects in the clear when
it does not; `require` refuses a server without TLS; a CA file makes the certificate checked."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import trustme

from desktop_app.storage.shared import SharedHistory, SharedUnavailable
from tests.pg_server import ADMIN_PASSWORD, PgServer, require_server


def encrypted(store: SharedHistory) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar()


@pytest.fixture(scope="module")
def plain_server():
    require_server()
    server = PgServer.start(tls=False)
    yield server
    server.stop()


@pytest.mark.parametrize(("tls", "expected"), [("prefer", True), ("require", True), ("disable", False)])
def test_a_server_offering_tls(pg_database, tls, expected):
    store = SharedHistory.open(pg_database.url, password=pg_database.password, tls=tls)
    assert encrypted(store) is expected
    store.dispose()


def test_the_certificate_is_checked_when_a_ca_file_is_given(pg_database, tmp_path):
    server = pg_database.server
    store = SharedHistory.open(pg_database.url, password=pg_database.password, ca_file=str(server.ca_file))
    assert encrypted(store)
    store.dispose()
    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    with pytest.raises(SharedUnavailable, match=r"could not be used: .*certificate verify failed"):
        SharedHistory.open(pg_database.url, password=pg_database.password, ca_file=str(stranger))


def test_prefer_connects_in_the_clear_to_a_server_without_tls(plain_server):
    store = SharedHistory.open(plain_server.url(), password=ADMIN_PASSWORD, tls="prefer")
    assert encrypted(store) is False
    store.dispose()


def test_require_refuses_a_server_without_tls(plain_server):
    with pytest.raises(SharedUnavailable, match="refuses SSL"):
        SharedHistory.open(plain_server.url(), password=ADMIN_PASSWORD, tls="require")


def test_sslmode_in_the_url_is_understood(plain_server):
    with pytest.raises(SharedUnavailable, match="refuses SSL"):
        SharedHistory.open(plain_server.url() + "?sslmode=require", password=ADMIN_PASSWORD)

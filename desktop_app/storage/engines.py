"""SQLAlchemy engines for the two kinds of store: a SQLite file and a PostgreSQL server.

SQLite keeps the guarantees of desktop_app/db.py (WAL, full sync, BEGIN IMMEDIATE so a writer takes the lock
up front). PostgreSQL goes through pg8000: pure Python (about 0.5 MB with scramp and asn1crypto), where
psycopg[binary] ships its own libpq, OpenSSL and Kerberos (about 10 MB) into a build that has 2 MB to spare;
a branch pushes a few rows an evening, so a C driver's speed buys nothing here.

The password never travels in a URL the user typed or we print: it comes from the OS keyring and is put into
SQLAlchemy's URL object, whose text form hides it.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from desktop_app import db

Tls = Literal["prefer", "require", "disable"]


class StoreUrlError(ValueError):
    """A `[history] url` that cannot be used; the message says what to write instead."""


def sqlite_engine(path: Path) -> Engine:
    """A SQLite file with WAL and full sync, each transaction begun with BEGIN IMMEDIATE."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def connect():
        conn = db.connect(path)  # WAL (waiting out a concurrent switch), synchronous=FULL, autocommit mode
        conn.row_factory = None
        return conn

    engine = sa.create_engine("sqlite://", creator=connect, poolclass=NullPool)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # pysqlite would begin lazily (DEFERRED); take the write lock at once instead
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def parse_url(url: str) -> URL:
    """The settings' URL as SQLAlchemy's URL, or a sentence saying what is wrong with it."""
    try:
        parsed = make_url(url.strip())
    except sa.exc.ArgumentError as exc:
        raise StoreUrlError(f"'{url}' is not a database URL such as postgresql://branch_naroda@server/business") \
            from exc
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise StoreUrlError(f"the shared history must be PostgreSQL (postgresql://user@server/database), not "
                            f"{backend}")
    if parsed.password:
        raise StoreUrlError("the URL holds a password: remove it from the URL and save it in the settings' "
                            "History tab, which keeps it in the OS keyring")
    return parsed


def engine_for_url(url: str, *, password: str | None = None, tls: Tls = "prefer", ca_file: str = "",
                   timeout_s: float = 15) -> Engine:
    """An engine for `url` (postgresql://user@host[:port]/database, or sqlite:///path for one PC holding all)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database:
            raise StoreUrlError("a sqlite:/// URL needs a file path, e.g. sqlite:///C:/Shared/branches.sqlite3")
        return sqlite_engine(Path(parsed.database))
    query = dict(parsed.query)
    tls = query.pop("sslmode", tls)  # libpq's spelling, as an IT person may write it
    if tls not in ("prefer", "require", "disable", "verify-full", "verify-ca", "allow"):
        raise StoreUrlError(f"sslmode={tls} is not known; use prefer, require or disable")
    if query:
        raise StoreUrlError(f"the URL's options {', '.join(sorted(query))} are not supported; keep only "
                            "postgresql://user@server:port/database")
    parsed = parsed.set(drivername="postgresql+pg8000", password=password or None, query={})
    connect_args: dict[str, object] = {"timeout": timeout_s, "application_name": "business-orchestrator"}
    context = tls_context(tls, ca_file)
    if context is not None:
        connect_args["ssl_context"] = context
    engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    if context is not None and tls in ("prefer", "allow"):
        _fall_back_to_plain(engine)
    return engine


def tls_context(tls: str, ca_file: str = "") -> ssl.SSLContext | None:
    """libpq's meaning: prefer/require encrypt without checking the certificate (unless a CA file is given, then
    it is checked, host name included); disable sends in the clear."""
    if tls == "disable":
        return None
    context = ssl.create_default_context(cafile=ca_file or None)
    if not ca_file and tls not in ("verify-full", "verify-ca"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _fall_back_to_plain(engine: Engine) -> None:
    """`prefer`: a server without TLS answers the TLS request with 'no'; then connect in the clear."""

    @sa.event.listens_for(engine, "do_connect")
    def _connect(dialect, conn_rec, cargs, cparams):
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.InterfaceError as exc:
            if "refuses SSL" not in str(exc):
                raise
        plain = {key: value for key, value in cparams.items() if key != "ssl_context"}
        return dialect.loaded_dbapi.connect(*cargs, **plain)


def shown(url: str) -> str:
    """The URL as it may be printed or logged: no password, whatever was typed."""
    from desktop_app.redact import redact_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return redact_url(url)

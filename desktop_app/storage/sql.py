"""One way for a store to run its SQL on either engine: a SQLite file, or a database URL (PostgreSQL).

The stores' SQL is written once, with `:named` parameters, which sqlite3 takes as they are and SQLAlchemy Core
takes through `text()`; only SQL both dialects understand is used (INSERT ... ON CONFLICT, RETURNING, CASE
instead of SQLite's two-argument MIN/MAX). A SQLite file is opened with sqlite3 alone, as before: the tray
starts and idles without importing SQLAlchemy. A URL goes through SQLAlchemy Core over storage/engines.py's
engine, and its schema through the Alembic chain the store names (storage/migrations.py).

Rows answer by name and by position on both engines (sqlite3.Row, or `Row` below).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .engines import Tls


class Row(tuple):
    """A SQLAlchemy row that, like sqlite3.Row, answers `row["column"]` as well as `row[0]`."""

    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key):  # type: ignore[override]
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)


class Result:
    """A SQLAlchemy result as a sqlite3 cursor is used here: fetchone, fetchall, iteration, rowcount."""

    def __init__(self, result):
        self.rowcount = result.rowcount
        self._rows: list[Row] = []
        if result.returns_rows:
            row_type = type("Row", (Row,), {"_index": {key: i for i, key in enumerate(result.keys())}})
            self._rows = [row_type(row) for row in result]

    def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Row]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class Conn:
    """A connection of either engine, running the stores' `:named` SQL."""

    def __init__(self, raw: Any):
        self.raw = raw
        self.sqlite = isinstance(raw, sqlite3.Connection)

    @classmethod
    def of(cls, conn: Conn | sqlite3.Connection) -> Conn:
        return conn if isinstance(conn, Conn) else cls(conn)

    def execute(self, sql: str, params: dict[str, Any] | None = None):
        if self.sqlite:
            return self.raw.execute(sql, params or {})
        from sqlalchemy import text

        return Result(self.raw.execute(text(sql), params or {}))

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        if self.sqlite:
            self.raw.executemany(sql, rows)
        elif rows:
            from sqlalchemy import text

            self.raw.execute(text(sql), list(rows))


class Database:
    """Where one store keeps its rows: `path` (SQLite, sqlite3 only) unless `url` is given.

    `chain` is the Alembic chain of the store's schema; `connect` opens the SQLite file the store's way (WAL and
    its sync level). Each `read()`/`write()` is one short connection; `write()` is one transaction (SQLite:
    BEGIN IMMEDIATE, the write lock taken up front), rolled back on any exception.
    """

    def __init__(self, path: Path, chain: str, *, connect: Callable[[Path], sqlite3.Connection],
                 url: str | None = None, password: str | None = None, tls: Tls = "prefer", ca_file: str = ""):
        self.path, self.chain, self._connect_sqlite = Path(path), chain, connect
        self.url = url or None
        self._engine = None
        if self.url:
            from .engines import engine_for_url
            from .migrations import upgrade

            self._engine = engine_for_url(self.url, password=password, tls=tls, ca_file=ca_file)
            upgrade(self._engine, chain)
        else:
            self.ensure()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name if self._engine is not None else "sqlite"

    def ensure(self) -> None:
        """Bring the SQLite file to the chain's schema (cheap, and SQLAlchemy-free, when it already is)."""
        if self._engine is None:
            from .migrations import ensure_sqlite

            ensure_sqlite(self.path, self.chain)

    @contextmanager
    def read(self) -> Iterator[Conn]:
        if self._engine is None:
            with closing(self._connect_sqlite(self.path)) as conn:
                yield Conn(conn)
        else:
            with self._engine.connect() as conn:
                yield Conn(conn)

    @contextmanager
    def write(self) -> Iterator[Conn]:
        if self._engine is None:
            with closing(self._connect_sqlite(self.path)) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Conn(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        else:
            with self._engine.begin() as conn:
                yield Conn(conn)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

"""The fetched-records store on both engines: the PC's SQLite file (the default) and a PostgreSQL database."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.base import Record
from connectors.store import RecordStore

T0 = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(engine_name, tmp_path, request):
    if engine_name == "sqlite":
        return RecordStore(tmp_path / "live.sqlite3")
    database = request.getfixturevalue("pg_database")
    return RecordStore(tmp_path / "unused.sqlite3", url=database.url, password=database.password)


def order(number: int, total: float, updated: str | None = None) -> Record:
    return Record(str(number), {"id": number, "total": total}, updated)


def test_a_refetch_updates_a_record_and_an_older_copy_never_undoes_a_newer_one(store):
    assert store.save_fetch("Shopify", "shop-a", [order(1, 100, "2026-11-20T10:00:00+00:00"), order(2, 50)],
                            since=T0 - dt.timedelta(days=3), until=T0, finished_at=T0) == 2
    store.save_fetch("Shopify", "shop-a", [order(1, 90, "2026-11-22T10:00:00+00:00")], since=None, until=T0,
                     finished_at=T0)
    store.save_fetch("Shopify", "shop-a", [order(1, 100, "2026-11-20T10:00:00+00:00"), order(3, 7.25)],
                     since=None, until=T0, finished_at=T0)  # an older fetch finishing last
    assert store.records("Shopify") == [{"id": 1, "total": 90}, {"id": 2, "total": 50}, {"id": 3, "total": 7.25}]
    assert store.count("Shopify") == 3 and store.count("WooCommerce") == 0
    assert not (store.path.exists() and "unused" in store.path.name)  # on PostgreSQL no file is made


def test_coverage_grows_and_a_failure_keeps_the_records(store):
    store.save_fetch("Shopify", "shop-a", [order(1, 10)], since=T0 - dt.timedelta(days=5),
                     until=T0 - dt.timedelta(days=1), finished_at=T0)
    store.save_fetch("Shopify", "shop-a", [order(2, 20)], since=T0 - dt.timedelta(days=2), until=T0,
                     finished_at=T0 + dt.timedelta(minutes=1))
    store.save_failure("Shopify", "shop-a", "HTTP 503 from the shop", 503, T0 + dt.timedelta(hours=1))
    state = store.state("Shopify")
    assert (state.covered_since, state.covered_until) == (T0 - dt.timedelta(days=5), T0)
    assert state.last_good_at == T0 + dt.timedelta(minutes=1) and state.records == 2
    assert state.failed_last and state.last_status == 503 and state.last_error == "HTTP 503 from the shop"
    assert state.last_attempt_at == T0 + dt.timedelta(hours=1)
    store.save_fetch("Shopify", "shop-a", [], since=None, until=T0, finished_at=T0 + dt.timedelta(hours=2))
    assert not store.state("Shopify").failed_last and store.state("Nobody") is None


def test_another_shop_or_a_snapshot_replaces_the_sources_records(store):
    store.save_fetch("Sheet", "sheet-1", [order(1, 1), order(2, 2)], since=None, until=T0, finished_at=T0)
    store.save_fetch("Sheet", "sheet-1", [order(2, 3)], since=None, until=T0, finished_at=T0, snapshot=True)
    assert store.records("Sheet") == [{"id": 2, "total": 3}]
    store.save_fetch("Shopify", "shop-a", [order(1, 10)], since=T0, until=T0, finished_at=T0)
    store.save_fetch("Shopify", "shop-b", [order(9, 90)], since=T0, until=T0, finished_at=T0)
    assert store.records("Shopify") == [{"id": 9, "total": 90}] and store.state("Shopify").identity == "shop-b"
    store.forget("Shopify")
    assert store.records("Shopify") == [] and store.state("Shopify") is None and store.count("Sheet") == 1


def test_a_fetch_that_fails_midway_leaves_the_store_as_it_was(store, monkeypatch):
    store.save_fetch("Shopify", "shop-a", [order(1, 10)], since=None, until=T0, finished_at=T0)
    from desktop_app.storage import sql

    real = sql.Conn.execute

    def broken(self, statement, params=None):
        if statement.startswith("INSERT INTO source_state"):
            raise RuntimeError("the disk is full")
        return real(self, statement, params)

    monkeypatch.setattr(sql.Conn, "execute", broken)
    with pytest.raises(RuntimeError):
        store.save_fetch("Shopify", "shop-b", [order(2, 20)], since=None, until=T0, finished_at=T0)
    monkeypatch.setattr(sql.Conn, "execute", real)
    assert store.records("Shopify") == [{"id": 1, "total": 10}] and store.state("Shopify").identity == "shop-a"

"""Live-source fixtures: a spec, a store and a client pointed at a server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors.base import SourceSpec
from connectors.http import HttpClient
from connectors.store import RecordStore
from desktop_app.live import LiveSources

# A fixed "now": no test depends on today's date. Tuesday 24 Nov 2026, 18:00 in Ahmedabad.
ZONE = "Asia/Kolkata"
NOW = dt.datetime(2026, 11, 24, 12, 30, tzinfo=dt.UTC)
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def ist(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=IST)


def service_spec(kind: str, url: str, name: str = "Shop", **service: object) -> SourceSpec:
    return SourceSpec(name=name, domain="sales", path="", kind=kind,
                      service={"url": url, "backfill_days": 60, "overlap_days": 3, "timezone": ZONE, **service})


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path) -> RecordStore:
    """The fetched-records store on each engine (issue 19): this PC's file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return RecordStore(tmp_path / "live.sqlite3")
    database = request.getfixturevalue("pg_database")
    return RecordStore(tmp_path / "live.sqlite3", url=database.url, password=database.password)


def make_live(store: RecordStore, sleeps: Sleeps, secrets: dict[str, str], *, timeout_s: float = 2.0,
              retries: int = 2) -> LiveSources:
    def client() -> HttpClient:
        return HttpClient(user_agent="BusinessOrchestrator/test", timeout_s=timeout_s, retries=retries,
                          backoff_s=0.01, sleep=sleeps)

    return LiveSources(store, client=client, secrets=lambda source, name: secrets.get(name))

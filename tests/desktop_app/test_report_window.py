"""A report reads only the rows of its window (issue 17): the same report and history as from every row.

The exports are the benchmark's generator at a small size (150 days of Shopify orders, leads and
attendance), so the window (backfill days + LOOKBACK_DAYS) holds only part of each file.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bench.generate import Sizes, generate
from desktop_app import pipeline
from desktop_app.pipeline import run_report

from .shop_files import app_home, generated_settings, report_and_history

SIZES = Sizes(line_items=3_000, leads=900, staff=4, days=150)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("exports"), SIZES)


def _every_row(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "rows_since", lambda day, past_days=0: None)


def test_the_window_gives_the_report_and_history_every_row_gives(exports, tmp_path, monkeypatch):
    settings, day = generated_settings(exports), exports.report_day
    windowed = report_and_history(settings, app_home(monkeypatch, tmp_path / "window"), day)
    _every_row(monkeypatch)
    whole = report_and_history(settings, app_home(monkeypatch, tmp_path / "whole"), day)
    assert windowed == whole
    assert len(windowed[1]) == 61  # the backfill's 60 days and the day itself
    sources = {s["name"]: s for s in windowed[0]["sources"]}
    assert sources["Orders"]["first_date"] < (day - dt.timedelta(days=120)).isoformat()  # the whole file's span


def test_a_window_too_short_would_change_the_backfill(exports, tmp_path, monkeypatch):
    """The check above can fail: without the rows before the first backfilled day, its comparisons differ."""
    settings, day = generated_settings(exports), exports.report_day
    right = report_and_history(settings, app_home(monkeypatch, tmp_path / "right"), day)
    monkeypatch.setattr(pipeline, "LOOKBACK_DAYS", 0)
    short = report_and_history(settings, app_home(monkeypatch, tmp_path / "short"), day)
    assert short[0]["sales"] == right[0]["sales"]  # the day itself reads only its own week
    assert short[1] != right[1]


def test_an_earlier_day_from_the_cache_of_a_later_report_is_the_same_as_a_fresh_read(exports, tmp_path, monkeypatch):
    """The cache holds every row: a later run for a day outside the first run's window reads it correctly."""
    settings, day = generated_settings(exports), exports.report_day
    earlier = day - dt.timedelta(days=100)
    paths = app_home(monkeypatch, tmp_path / "cached")
    run_report(settings, paths, day, offline=True)
    assert any(paths.cache.iterdir())
    from_cache = run_report(settings, paths, earlier, offline=True, save=False).to_dict()
    fresh = run_report(settings, app_home(monkeypatch, tmp_path / "fresh"), earlier, offline=True, save=False).to_dict()
    for report in (from_cache, fresh):
        report.pop("generated_at", None)
    assert from_cache == fresh
    assert from_cache["sales"]["total"] > 0

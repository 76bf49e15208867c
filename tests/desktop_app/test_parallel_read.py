"""Files parsed side by side in worker processes (issue 17) give the report and history a one-by-one read gives.

The exports are the benchmark's generator at a small size; the size thresholds are lowered so these small files
take the parallel path, and one spare core is assumed so the path is taken on any machine.
"""

from __future__ import annotations

import multiprocessing

import pytest

from bench.generate import Sizes, generate
from connectors import SourceSpec
from desktop_app import parallel_read
from desktop_app.parallel_read import warm_cache
from desktop_app.source_cache import SourceCache

from .shop_files import app_home, report_and_history, settings_for

SIZES = Sizes(line_items=2_000, leads=600, staff=4, days=90)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("exports"), SIZES)


@pytest.fixture
def side_by_side(monkeypatch):
    monkeypatch.setattr(parallel_read, "BIGGEST_MIN_BYTES", 1)
    monkeypatch.setattr(parallel_read, "OTHER_MIN_BYTES", 1)
    monkeypatch.setattr(parallel_read, "spare_cores", lambda: 1)


def _specs(data) -> list[SourceSpec]:
    return [SourceSpec(name="Orders", domain="sales", path=str(data.orders)),
            SourceSpec(name="Leads", domain="leads", path=str(data.leads)),
            SourceSpec(name="Staff", domain="attendance", path=str(data.attendance))]


def test_workers_parse_all_but_the_biggest_file_into_the_cache(exports, tmp_path, side_by_side):
    cache = SourceCache(tmp_path / "cache")
    specs = _specs(exports)
    assert warm_cache(cache, specs) == ["Leads", "Staff"]  # by size: the orders are parsed here
    assert all(cache.has(spec) for spec in specs)
    fresh = SourceCache(tmp_path / "fresh")
    for spec in specs:  # what a worker cached is what this process reads
        assert cache.read(spec).frame.equals(fresh.read(spec).frame)
    assert warm_cache(cache, specs) == []  # nothing missing: nothing to do


def test_the_report_and_history_are_the_ones_read_one_by_one(exports, tmp_path, monkeypatch, side_by_side):
    settings, day = settings_for(*((s.name, s.domain, s.file) for s in _specs(exports))), exports.report_day
    calls: list[list[str]] = []
    real = parallel_read.warm_cache
    monkeypatch.setattr("desktop_app.pipeline.warm_cache", lambda cache, specs: calls.append(real(cache, specs)))
    parallel = report_and_history(settings, app_home(monkeypatch, tmp_path / "parallel"), day)
    assert calls == [["Leads", "Staff"]]
    monkeypatch.setattr(parallel_read, "spare_cores", lambda: 0)
    one_by_one = report_and_history(settings, app_home(monkeypatch, tmp_path / "serial"), day)
    assert calls[-1] == []
    assert parallel == one_by_one
    assert parallel[0]["sales"]["total"] and parallel[0]["leads"]["count"]


def test_a_file_a_worker_cannot_read_is_read_again_and_its_error_said(exports, tmp_path, side_by_side):
    broken = tmp_path / "leads.csv"
    broken.write_text('Lead ID,Created Date,Lead Source\nL-1,2025-01-01,"Walk-in\n', encoding="utf-8")
    specs = [_specs(exports)[0], SourceSpec(name="Leads", domain="leads", path=str(broken))]
    cache = SourceCache(tmp_path / "cache")
    assert warm_cache(cache, specs) == ["Leads"]
    assert not cache.has(specs[1])
    with pytest.raises(Exception) as from_cache:
        cache.read(specs[1])
    with pytest.raises(Exception) as direct:
        SourceCache(tmp_path / "other").read(specs[1])
    assert str(from_cache.value) == str(direct.value) and "Leads" in str(direct.value)


def test_small_files_go_to_a_worker_only_with_a_big_one(exports, tmp_path, monkeypatch, side_by_side):
    specs = _specs(exports)
    monkeypatch.setattr(parallel_read, "OTHER_MIN_BYTES", exports.leads.stat().st_size)
    assert warm_cache(SourceCache(tmp_path / "a"), specs) == ["Leads", "Staff"]
    monkeypatch.setattr(parallel_read, "OTHER_MIN_BYTES", exports.leads.stat().st_size + 1)
    assert warm_cache(SourceCache(tmp_path / "b"), specs) == []


def test_one_core_small_files_or_a_daemon_process_read_one_by_one(exports, tmp_path, monkeypatch, side_by_side):
    specs = _specs(exports)
    monkeypatch.setattr(parallel_read, "spare_cores", lambda: 0)
    assert warm_cache(SourceCache(tmp_path / "a"), specs) == []
    monkeypatch.setattr(parallel_read, "spare_cores", lambda: 1)
    monkeypatch.setattr(parallel_read, "BIGGEST_MIN_BYTES", exports.orders.stat().st_size + 1)
    assert warm_cache(SourceCache(tmp_path / "b"), specs) == []
    monkeypatch.setattr(parallel_read, "BIGGEST_MIN_BYTES", 1)

    class Daemon:
        daemon = True

    monkeypatch.setattr(multiprocessing, "current_process", lambda: Daemon())
    assert warm_cache(SourceCache(tmp_path / "c"), specs) == []
    assert not any((tmp_path / name).exists() for name in "abc")  # nothing was parsed ahead

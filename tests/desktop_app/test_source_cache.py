"""The source cache: a hit skips the parse, any change is a miss, a damaged file is rebuilt."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from connectors import SourceSpec, read_source
from desktop_app import source_cache
from desktop_app.source_cache import SourceCache

CSV = "Invoice No,Invoice Date,Amount,Status\nA1,2025-04-03,100,paid\nA2,2025-04-03,250.50,cancelled\n"


class CountingReader:
    """read_source, counting how often the file was really parsed."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, spec: SourceSpec):
        self.calls += 1
        return read_source(spec)


@pytest.fixture
def sales(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(CSV, encoding="utf-8")
    return SourceSpec(name="shop", domain="sales", path=str(path))


@pytest.fixture
def cache(tmp_path):
    return SourceCache(tmp_path / "cache")


def test_unchanged_file_is_read_once_and_the_cached_frame_is_identical(sales, cache):
    reader = CountingReader()
    first = cache.read(sales, reader)
    second = cache.read(sales, reader)
    assert reader.calls == 1
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert (second.connector, second.has_dates, second.warnings) == (first.connector, first.has_dates, first.warnings)
    assert second.frame["amount"].tolist() == [100.0, 250.5]


def test_issues_and_currencies_survive_the_round_trip(tmp_path, cache):
    path = tmp_path / "sales.csv"
    path.write_text("Invoice No,Invoice Date,Amount\nA1,2025-04-03,lots\n", encoding="utf-8")
    spec = SourceSpec(name="shop", domain="sales", path=str(path))
    reader = CountingReader()
    first, second = cache.read(spec, reader), cache.read(spec, reader)
    assert reader.calls == 1
    assert second.issues == first.issues and str(second.issues[0]).startswith("'shop', row 2, column 'Amount'")


def test_a_changed_file_is_read_again_never_stale(sales, cache):
    reader = CountingReader()
    cache.read(sales, reader)
    stat = sales.file.stat()
    # Same size and the same modification time: only the change time and content differ.
    sales.file.write_text(CSV.replace("100", "900"), encoding="utf-8")
    os.utime(sales.file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = cache.read(sales, reader)
    assert reader.calls == 2
    assert again.frame["amount"].tolist() == [900.0, 250.5]
    assert cache.read(sales, reader).frame["amount"].tolist() == [900.0, 250.5]
    assert reader.calls == 2
    assert len(list(cache.folder.iterdir())) == 1  # the entry was replaced, not added to


def test_a_different_spec_is_a_different_entry(sales, cache):
    reader = CountingReader()
    cache.read(sales, reader)
    mapped = SourceSpec(name="shop", domain="sales", path=sales.path, columns={"amount": "Amount"},
                        options={"dayfirst": True})
    cache.read(mapped, reader)
    assert reader.calls == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(sales, cache, damage):
    reader = CountingReader()
    expected = cache.read(sales, reader).frame
    entry = cache.entry(sales)
    blob = entry.read_bytes()
    damaged = {
        "garbage": b"\x00not a cache file at all",
        "truncated": blob[: len(blob) - 10],
        "flipped": blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:],
        "empty": b"",
    }[damage]
    entry.write_bytes(damaged)
    rebuilt = cache.read(sales, reader)
    assert reader.calls == 2
    pd.testing.assert_frame_equal(rebuilt.frame, expected)
    assert entry.read_bytes() == blob  # written again, whole
    cache.read(sales, reader)
    assert reader.calls == 2


def test_a_file_that_changes_while_being_read_is_not_cached(sales, cache):
    def reader_that_sees_an_edit(spec):
        result = read_source(spec)
        spec.file.write_text(CSV + "A3,2025-04-03,5,paid\n", encoding="utf-8")
        return result

    cache.read(sales, reader_that_sees_an_edit)
    assert not cache.entry(sales).exists()
    assert cache.read(sales).frame["order_id"].tolist() == ["A1", "A2", "A3"]


def test_a_missing_file_is_the_readers_error(tmp_path, cache):
    from connectors import SourceReadError

    with pytest.raises(SourceReadError, match="file not found"):
        cache.read(SourceSpec(name="gone", domain="sales", path=str(tmp_path / "gone.csv")))


def test_installing_or_upgrading_a_connector_plug_in_is_a_miss(sales, cache, monkeypatch):
    """A plug-in may replace a built-in's parser, so the cache key names every installed entry point (and its
    package version), read from the package metadata without importing any connector."""
    from importlib import metadata

    reader = CountingReader()
    cache.read(sales, reader)
    plugins: list[metadata.EntryPoint] = []
    real = metadata.entry_points

    def entry_points(**params):
        if params.get("group") == "business_orchestrator.connectors":
            return metadata.EntryPoints(plugins)
        return real(**params)

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    monkeypatch.setattr(source_cache, "_plugins", source_cache._plugins.__wrapped__)  # not the process's list
    cache.read(sales, reader)
    assert reader.calls == 1
    plugins.append(metadata.EntryPoint("tally_xml", "acme_connectors:TallyXml", "business_orchestrator.connectors"))
    cache.read(sales, reader)
    assert reader.calls == 2
    cache.read(sales, reader)
    assert reader.calls == 2
    plugins[0] = metadata.EntryPoint("tally_xml", "acme_connectors:TallyXmlV2", "business_orchestrator.connectors")
    cache.read(sales, reader)
    assert reader.calls == 3

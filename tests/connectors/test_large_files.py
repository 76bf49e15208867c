"""The paths that make big exports fast give exactly the answers of the plain paths."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest

import connectors.files as files
from connectors import SourceSpec, read_source
from connectors.parsing import _parse_date_general, _parse_date_text

from .conftest import shared_data, write


def read_both_ways(spec: SourceSpec, monkeypatch: pytest.MonkeyPatch, chunk_rows: int = 3):
    """(plain read, streamed + chunked read) of the same file."""
    with monkeypatch.context() as patch:
        patch.setattr(files, "STREAM_BYTES", 10**12)
        plain = read_source(spec)
    with monkeypatch.context() as patch:
        patch.setattr(files, "STREAM_BYTES", 0)
        patch.setattr(files, "CHUNK_ROWS", chunk_rows)
        calls = []
        original = files._parse_csv
        patch.setattr(files, "_parse_csv", lambda *a, **k: calls.append(a[4]) or original(*a, **k))
        streamed = read_source(spec)
    return plain, streamed, calls


def assert_same(plain, streamed):
    pd.testing.assert_frame_equal(plain.frame, streamed.frame)
    assert (plain.issues, plain.warnings, plain.currencies) == (streamed.issues, streamed.warnings,
                                                                streamed.currencies)


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7, 1000])
def test_shopify_sample_streamed_in_chunks_equals_the_plain_read(monkeypatch, chunk_rows):
    path = shared_data("shopify_orders_export_dev_store_eur.csv")
    spec = SourceSpec(name="shop", domain="sales", path=str(path))
    plain, streamed, calls = read_both_ways(spec, monkeypatch, chunk_rows)
    assert calls == ["utf-8"]  # the streaming path really ran
    assert_same(plain, streamed)
    assert len(streamed.frame) == 19


def test_continuation_rows_split_across_chunks_keep_the_first_product(tmp_path, monkeypatch):
    header = "Name,Financial Status,Total,Created at,Lineitem name,Cancelled at\n"
    rows = ("#2,,,2025-05-12 10:00:00 +0530,,\n"  # a continuation row with no item, before its order row
            "#1,paid,100.00,2025-05-11 10:00:00 +0530,Kurta,\n"
            "#1,,,2025-05-11 10:00:00 +0530,Dupatta,\n"
            "#2,paid,50.00,2025-05-12 10:00:00 +0530,,\n"
            "#2,,,2025-05-12 10:00:00 +0530,Mojari,\n"
            "#3,voided,70.00,2025-05-12 11:00:00 +0530,Diya,2025-05-12 11:05:00 +0530\n")
    path = write(tmp_path / "orders_export.csv", header + rows)
    spec = SourceSpec(name="shop", domain="sales", path=str(path))
    for size in (1, 2, 4):
        plain, streamed, _ = read_both_ways(spec, monkeypatch, size)
        assert_same(plain, streamed)
    assert streamed.frame[["order_id", "product", "status"]].values.tolist() == [
        ["#1", "Kurta", "paid"], ["#2", "Mojari", "paid"], ["#3", "Diya", "cancelled"]]
    assert streamed.frame["_row"].tolist() == [3, 5, 7]


def test_generic_csv_with_blank_rows_and_quoted_newlines_streams_the_same(tmp_path, monkeypatch):
    text = ('Invoice No,Invoice Date,Customer,Amount\n'
            'A1,2025-04-03,"Patel\nBrothers",100\n'
            ',,,\n'
            '\n'
            'A2,03/04/2025,Shah,"2,35,000"\n'
            'A3,2025-04-04,Joshi,oops\n')
    path = write(tmp_path / "sales.csv", text)
    os.utime(path, (dt.datetime(2025, 4, 4, 20).timestamp(),) * 2)  # so 03/04/2025 is 3 April (see connectors/dates.py)
    plain, streamed, calls = read_both_ways(SourceSpec(name="s", domain="sales", path=str(path)), monkeypatch, 2)
    assert calls == ["utf-8"]
    assert_same(plain, streamed)
    assert streamed.frame["_row"].tolist() == [2, 5, 6]  # records, not lines


def test_a_file_that_is_not_utf8_past_its_head_falls_back_to_cp1252(tmp_path, monkeypatch):
    lines = "".join(f"A{i},2025-04-03,{i}\n" for i in range(20000))  # more than the sniffed head
    path = tmp_path / "sales.csv"
    path.write_bytes(("Invoice No,Invoice Date,Amount\n" + lines).encode() + "B1,2025-04-03,5 £\n".encode("cp1252"))
    plain, streamed, calls = read_both_ways(SourceSpec(name="s", domain="sales", path=str(path)), monkeypatch)
    assert calls == ["utf-8", None]  # tried streaming, then decoded the whole file the old way
    assert_same(plain, streamed)
    assert streamed.frame["amount"].iloc[-1] == 5.0


EDGE_DATES = [
    "2025-12-31 21:52:42 +0530", "2025-12-31T21:52:42+05:30", "2025-12-31 21:52:42Z", "2025-12-31",
    "2025-12-31 21:52", "2025-13-31 10:00:00", "2025-02-30", "2025-12-31 24:00:00", "2025-12-31 21:52:42 -0400",
    "2025-12-31 21:52:42 +05:30", "२०२५-12-31", "2025-12-31 21:52:42.123", "2025/12/31 10:00:00", "31/12/2025",
    "2025-12-31 21:52:42+0530", "2025-12-31 9:52:42", "2025-12-31\x0010:00", "0000-01-01", "0099-05-05 10:00",
    "2025-12-31 21:52:42  +0530", "2025-12-31 21:52:42 UTC", "1999-01-01T00:00", "2025-12-31 10:00 PM",
    "05/13/2025", "2025-12-31X21:52:42", "2025-12-31 21:52:42 +05", "",
]


def test_the_iso_fast_path_agrees_with_the_general_parser_on_every_shape():
    text = pd.Series(EDGE_DATES, dtype="str")
    fast, fast_notes = _parse_date_text(text, None, "Created at")
    general, general_notes = _parse_date_general(text, None, "Created at")
    pd.testing.assert_series_equal(fast, general)
    assert fast_notes == general_notes
    assert fast[0] == pd.Timestamp("2025-12-31 21:52:42") and fast[17] == pd.Timestamp("2000-01-01")


def test_the_iso_fast_path_reads_a_long_column_in_blocks_with_the_same_answer(monkeypatch):
    import connectors.parsing as parsing

    text = pd.Series(EDGE_DATES * 5, dtype="str", index=range(100, 100 + 5 * len(EDGE_DATES)))
    whole = parsing._iso_fast(text)
    monkeypatch.setattr(parsing, "ISO_BLOCK", 7)  # blocks that split the edge cases at odd places
    blocked = parsing._iso_fast(text)
    for one, other in zip(whole, blocked, strict=True):
        pd.testing.assert_series_equal(one, other)
    assert blocked[1].sum() == 5 * whole[1].iloc[:len(EDGE_DATES)].sum() > 0

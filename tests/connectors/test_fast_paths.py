"""The cheap per-cell paths of the read (issue 17) give exactly the answers of the plain pandas ones."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from connectors import read_source
from connectors.files import read_csv_table
from connectors.parsing import (
    _amount_text,
    _amounts_of,
    as_text,
    blank_text,
    parse_amounts_and_currencies,
    text_or_na,
)

from .conftest import spec, write

# Python's whitespace (what str.strip removes): ASCII, the 0x1c-0x1f separators, NEL, NBSP, the
# Unicode spaces and the ideographic space; U+200B (zero width space) is not whitespace to Python.
SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_text_is_stripped_of_every_whitespace_python_strips():
    cells = [" a ", "\xa0b\xa0", "\tc\n", "\u3000d\u2009", "e", None, "  ", "\u200bf", "x\x1cy\x1f"]
    text = pd.Series(cells, dtype="str", index=range(10, 19), name="Customer")
    expected = pd.Series([c.strip() if c is not None else "" for c in cells], dtype="str", index=text.index,
                         name="Customer")
    pd.testing.assert_series_equal(as_text(text), expected)
    assert as_text(text).tolist()[:4] == ["a", "b", "c", "d"]
    nullable = text.astype("string")
    assert as_text(nullable).dtype == nullable.dtype
    assert as_text(nullable).tolist() == expected.tolist()


def test_text_or_na_makes_blank_cells_missing():
    text = pd.Series([" a ", "", " \xa0 ", None, "b"], dtype="str", index=[2, 3, 4, 5, 6])
    out = text_or_na(text)
    assert out.dtype == "str"
    assert out.tolist()[0::4] == ["a", "b"]
    assert out.isna().tolist() == [False, True, True, True, False]
    assert out.index.tolist() == [2, 3, 4, 5, 6]


def test_blank_text_is_strip_equals_empty_for_every_whitespace_character():
    # Each whitespace character alone (blank), leading a value (not blank), doubled (blank),
    # and every other character in the first place (not blank): the first-character test must
    # agree with Python's idea of whitespace on all of them.
    others = [chr(c) for c in range(0x110000) if not chr(c).isspace()]
    cells = SPACES + [s + "x" for s in SPACES] + [s + s for s in SPACES] + others + ["", None]
    text = pd.Series(cells, dtype="str")
    expected = text.fillna("").map(lambda v: v.strip() == "").astype(bool)
    pd.testing.assert_series_equal(blank_text(text), expected)
    assert blank_text(text).sum() == 2 * len(SPACES) + 2


def test_a_row_of_only_spaces_is_dropped_and_a_row_starting_with_one_is_kept(tmp_path):
    text = ("Order ID,Date,Amount\n"
            "A1,2025-04-03,100\n"
            '"\u00a0 ", \t ,\u3000\n'  # blank in every cell, in three kinds of whitespace
            '" ",2025-04-03,50\n'  # blank first cell, but a row with values
            '" A3",2025-04-03,25\n')
    frame = read_csv_table(spec(write(tmp_path / "sales.csv", text), "sales"))
    assert frame.index.tolist() == [2, 4, 5]
    sales = read_source(spec(tmp_path / "sales.csv", "sales")).frame
    assert sales["order_id"].tolist() == ["A1", "row 4", "A3"]
    assert sales["amount"].tolist() == [100.0, 50.0, 25.0]


@pytest.mark.parametrize("decimal", [".", ","])
def test_plain_amounts_read_directly_equal_the_general_parser(decimal):
    rng = random.Random(17)
    plain = ["978.00", "1500", "0.5", "007", "1000000000000000", "99999999999999999999", "12.345678901234567",
             "9" * 5000, "1." + "0" * 5000]  # more digits than int() reads: unreadable, not a crash
    other = ["1,200", "₹ 50", " 75 ", "(1,200)", "500-", "1e3", ".5", "5.", "", "abc", "978,00", "١٢", "$9.99"]
    for size in (1, 3, 20):
        cells = pd.Series([rng.choice(plain + other) for _ in range(size)] + plain + other, dtype="str")
        fast = _amounts_of(cells, decimal)
        general = _amount_text(cells, decimal)
        for got, want in zip(fast, general, strict=True):
            pd.testing.assert_series_equal(got, want, check_dtype=False, check_names=False)


def test_plain_and_written_amounts_in_one_column():
    values, bad, codes = parse_amounts_and_currencies(pd.Series(
        ["978.00", "1,200", "₹ 50", "  75 ", "", "abc", "0.5", "1000000000000000"], dtype="str"))
    assert values.tolist()[:4] == [978.0, 1200.0, 50.0, 75.0]
    assert values.iloc[6] == 0.5
    assert np.isnan(values.iloc[4]) and np.isnan(values.iloc[5]) and np.isnan(values.iloc[7])  # 1e15: too big
    assert bad.tolist() == [False, False, False, False, False, True, False, True]
    assert codes == {"INR"}
    comma, comma_bad, _ = parse_amounts_and_currencies(pd.Series(["978.00", "978,00"], dtype="str"), decimal=",")
    assert comma_bad.tolist() == [True, False]  # with a decimal comma "978.00" is not a plain amount
    assert comma.iloc[1] == 978.0


SHOPIFY_HEADER = "Name,Financial Status,Total,Created at,Lineitem name,Cancelled at\n"


@pytest.mark.parametrize("blank", [" ", "\u00a0", " \t "])
def test_shopify_status_and_total_of_only_spaces_is_not_an_order(tmp_path, monkeypatch, blank):
    from .test_large_files import assert_same, read_both_ways

    rows = (f"#1,paid,100.00,2025-05-11 10:00:00 +0530,{blank},\n"  # no item on the order row itself
            f"#1,{blank},{blank},2025-05-11 10:00:00 +0530,Kurta,\n"  # kept by the cheap test, not an order
            f"#1,{blank},,2025-05-11 10:00:00 +0530,Dupatta,\n"
            f"#2,{blank},{blank},2025-05-12 10:00:00 +0530,{blank},\n"  # an item-less continuation row
            "#2,paid,50.00,2025-05-12 10:00:00 +0530,Mojari,\n"
            f"#3,paid,70.00,2025-05-12 11:00:00 +0530,{blank},\n"
            f"#3,,,2025-05-12 11:00:00 +0530,{blank},\n"  # an item of only spaces is no first item
            "#3,,,2025-05-12 11:00:00 +0530,Diya,\n")
    path = write(tmp_path / "orders_export.csv", SHOPIFY_HEADER + rows)
    sheet = spec(path, "sales", name="shop")
    for size in (1, 2, 3, 10):
        plain, streamed, _ = read_both_ways(sheet, monkeypatch, size)
        assert_same(plain, streamed)
        assert streamed.frame[["order_id", "amount", "product"]].values.tolist() == [
            ["#1", 100.0, "Kurta"], ["#2", 50.0, "Mojari"], ["#3", 70.0, "Diya"]]
        assert streamed.frame["_row"].tolist() == [2, 6, 7]


def test_a_column_mixing_iso_and_day_month_dates_reads_as_before(tmp_path):
    text = ("Lead ID,Created Date,Lead Source\n"
            "L1, 2025-05-11 10:00:00\u00a0,IndiaMART\n"
            "L2,13/05/2025,Walk-in\n"
            "L3,2025-05-12T09:30,Website\n"
            "L4,12/05/2025 18:45,Walk-in\n"
            "L5,2025-05-12 25:00:00,Website\n")
    leads = read_source(spec(write(tmp_path / "leads.csv", text), "leads")).frame
    assert leads["received_at"].tolist() == [
        pd.Timestamp("2025-05-11 10:00"), pd.Timestamp("2025-05-13"), pd.Timestamp("2025-05-12 09:30"),
        pd.Timestamp("2025-05-12 18:45"), pd.Timestamp("2025-05-13 01:00")]

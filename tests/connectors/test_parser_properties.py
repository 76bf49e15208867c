"""Property-based tests of the cell parsers: any amount, date or mark written the ways exports write them
reads back exactly, and no text at all makes a parser raise or return a number it did not see."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.parsing import (
    ABSENT_WORDS,
    MAX_AMOUNT,
    NOT_COUNTED_WORDS,
    PRESENT_WORDS,
    parse_amounts,
    parse_bool_presence,
    parse_dates,
)
from connectors.quoting import column_list, cut

PAISE = st.integers(min_value=-(10**13), max_value=10**13)  # up to ₹1 lakh crore, to the paisa
DATES = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2099, 12, 31))
FAST = settings(max_examples=150, deadline=None)


def western(units: int) -> str:
    return f"{units:,}"


def indian(units: int) -> str:
    """12,34,56,789: the last three digits, then pairs."""
    text = str(units)
    if len(text) <= 3:
        return text
    head, tail = text[:-3], text[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


def one(values: list[str], **kwargs) -> tuple[float, bool]:
    parsed, bad = parse_amounts(pd.Series(values, dtype="str"), **kwargs)
    return parsed.iloc[0], bool(bad.iloc[0])


@FAST
@given(PAISE, st.sampled_from([western, indian]), st.sampled_from(["", "₹", "Rs. ", "INR ", "₹ "]),
       st.sampled_from(["minus", "parens", "trailing"]), st.sampled_from(["", " ", "\u00a0"]))
def test_written_amounts_read_back_exactly(paise, grouping, symbol, negative_style, pad):
    units, cents = divmod(abs(paise), 100)
    body = f"{symbol}{grouping(units)}.{cents:02d}"
    if paise < 0:
        body = {"minus": f"-{body}", "parens": f"({body})", "trailing": f"{body}-"}[negative_style]
    value, bad = one([pad + body + pad])
    assert not bad
    assert Decimal(str(float(value))).quantize(Decimal("0.01")) == Decimal(paise) / 100


@FAST
@given(PAISE)
def test_decimal_comma_amounts_read_back_exactly(paise):
    units, cents = divmod(abs(paise), 100)
    text = f"{'-' if paise < 0 else ''}{units:,}".replace(",", ".") + f",{cents:02d}"
    value, bad = one([text], decimal=",")
    assert not bad and round(value * 100) == paise


@FAST
@given(st.text(max_size=40))
def test_no_text_breaks_the_amount_parser(text):
    value, bad = one([text])
    if math.isnan(value):
        assert bad == bool(text.strip().replace("\u00a0", "").replace("\u2009", "").replace("\u202f", ""))
    else:
        assert not bad and abs(value) < MAX_AMOUNT and any(ch.isdigit() for ch in text)


@FAST
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(10**40),
                                                                              max_value=10**40)))
def test_excel_number_cells_are_finite_and_bounded_or_unreadable(number):
    parsed, bad = parse_amounts(pd.Series([number], dtype=object))
    value = parsed.iloc[0]
    if isinstance(number, float) and math.isnan(number):
        assert math.isnan(value) and not bad.iloc[0]  # a blank Excel cell
    elif abs(number) < MAX_AMOUNT:
        assert value == float(number) and not bad.iloc[0]
    else:
        assert math.isnan(value) and bad.iloc[0]  # 1e308, inf, 29 digits: one unreadable cell, not a crash


DATE_SHAPES = [("%Y-%m-%d", None), ("%d/%m/%Y", True), ("%m/%d/%Y", False), ("%d-%m-%Y", True),
               ("%d %b %Y", None), ("%d-%b-%y", None), ("%Y-%m-%dT%H:%M:%S+05:30", None), ("%d.%m.%Y", True)]


@FAST
@given(DATES, st.sampled_from(DATE_SHAPES), st.integers(min_value=0, max_value=86399))
def test_written_dates_read_back_to_the_same_day(day, shape, seconds):
    fmt, dayfirst = shape
    stamp = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    if "%y" in fmt and not 1969 <= day.year <= 2068:
        return  # two-digit years pivot like strptime's %y
    values, bad, _ = parse_dates(pd.Series([stamp.strftime(fmt)], dtype="str"), dayfirst=dayfirst)
    assert not bad.iloc[0]
    assert values.iloc[0].date() == day


@FAST
@given(st.lists(DATES, min_size=1, max_size=20), st.booleans())
def test_a_column_with_an_unambiguous_day_reads_every_row_in_that_order(days, dayfirst):
    days = [*days, dt.date(2026, 11, 24)]  # 24 > 12 shows the order
    fmt = "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
    values, bad, _ = parse_dates(pd.Series([d.strftime(fmt) for d in days], dtype="str"))
    assert not bad.any()
    assert [v.date() for v in values] == days


@FAST
@given(st.text(max_size=30))
def test_no_text_breaks_the_date_parser(text):
    values, bad, _ = parse_dates(pd.Series([text], dtype="str"))
    assert bool(bad.iloc[0]) == (pd.isna(values.iloc[0]) and bool(text.strip()))


@FAST
@given(st.sampled_from(sorted(PRESENT_WORDS | ABSENT_WORDS | NOT_COUNTED_WORDS)),
       st.sampled_from([str.upper, str.lower, str.title, lambda w: f"  {w} "]))
def test_every_known_mark_reads_whatever_its_case_and_spacing(word, style):
    present, bad, not_counted = parse_bool_presence(pd.Series([style(word)], dtype="str"))
    assert not bad.iloc[0]
    if word in NOT_COUNTED_WORDS:
        assert not_counted.iloc[0]
    else:
        assert bool(present.iloc[0]) == (word in PRESENT_WORDS)


@FAST
@given(st.text(max_size=30))
def test_no_text_breaks_the_mark_parser(text):
    present, bad, not_counted = parse_bool_presence(pd.Series([text], dtype="str"))
    assert int(bool(bad.iloc[0])) + int(bool(not_counted.iloc[0])) + int(not pd.isna(present.iloc[0])) == 1


@FAST
@given(st.text(max_size=2000), st.integers(min_value=5, max_value=200))
def test_quoted_file_contents_are_cut_and_printable(text, limit):
    shown = cut(text, limit)
    assert len(shown) <= limit + 1 and shown.isprintable()


@FAST
@given(st.lists(st.text(max_size=500), max_size=60))
def test_column_lists_stay_short(names):
    assert len(column_list(names)) <= 10 * 64 + 40

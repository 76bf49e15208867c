"""Register-style exports: the header is not always row 1, may span two rows, and rows can be filtered.

Accounting packages (Tally, Busy, Marg, Vyapar...) print the company name, its address, the report
title and the period above the table, and some split a column across two header rows ("Amount" over
"Debit" and "Credit"). This module finds the real header (the first row that looks like one, or the
`header_row` option), names two-row headers, and applies a source's row filter (`[sources.filter]`).
Readers stay generic: they ask `find_header` where the table starts and `apply_filter` what to keep.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .base import SourceReadError, SourceSpec
from .columns import normalise_header
from .quoting import column_list, quoted

SCAN_ROWS = 30  # title blocks are a handful of rows; a header further down must be named with header_row
HEADER_ROW_OPTION = "header_row"
_NUMBER = re.compile(r"^\(?\s*[-+−]?\s*(?:₹|rs\.?|inr)?\s*[\d.,]+\s*\)?\s*(?:dr|cr)?\.?$", re.IGNORECASE)
_DATE = re.compile(r"^\d{1,4}[-/.\s](?:\d{1,2}|[a-z]{3,9})[-/.\s,]*\d{2,4}\b", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderLayout:
    """Where the table starts: `row` is the 0-based position of the header; `sub` a second header row."""

    row: int
    sub: bool
    names: tuple[str, ...]
    width: int = 0  # columns the header itself has; names past it only give rows that run longer a place

    @property
    def padded(self) -> tuple[str, ...]:
        """Names added for columns past the header's own (see files.csv_layout)."""
        return self.names[self.width:] if self.width else ()

    @property
    def data_start(self) -> int:
        """0-based position of the first data row."""
        return self.row + (2 if self.sub else 1)

    @property
    def first_data_row(self) -> int:
        """The spreadsheet row number (1-based) of the first data row."""
        return self.data_start + 1


def is_blank(value: Any) -> bool:
    """A cell with nothing in it: None, NaN, or only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _looks_like_value(value: Any) -> bool:
    """A number or a date: data, not a column name."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, dt.date, dt.datetime, pd.Timestamp)):
        return True
    text = str(value).strip()
    return bool(_NUMBER.match(text) and any(ch.isdigit() for ch in text)) or bool(_DATE.match(text))


def _filled(row: Sequence[Any]) -> list[int]:
    return [i for i, value in enumerate(row) if not is_blank(value)]


def _is_header(row: Sequence[Any], width: int) -> bool:
    filled = _filled(row)
    if len(filled) < max(2, math.ceil(width / 2)):
        return False
    texts = [str(row[i]).strip() for i in filled]
    return not any(_looks_like_value(row[i]) for i in filled) and len(set(texts)) == len(texts)


def _is_sub_header(row: Sequence[Any], header: Sequence[Any]) -> bool:
    """A second header row: only labels, fewer than the header has, and none in the first column."""
    filled = _filled(row)
    if not filled or len(filled) >= len(_filled(header)) or 0 in filled:
        return False
    return not any(_looks_like_value(row[i]) for i in filled)


def _names(header: Sequence[Any], sub: Sequence[Any] | None) -> tuple[str, ...]:
    """Column names; under a two-row header a label spanning columns prefixes the ones below it.

    "Amount" over "Debit" | "Credit" gives "Amount Debit", "Amount Credit". A label with its own
    column keeps its name ("Debit Amount" over "Inwards Qty" stays "Debit Amount": Tally prints the
    quantity caption there for stock vouchers).
    """
    width = max(len(header), len(sub or ()))
    top = [("" if i >= len(header) or is_blank(header[i]) else str(header[i]).strip()) for i in range(width)]
    low = [("" if sub is None or i >= len(sub) or is_blank(sub[i]) else str(sub[i]).strip()) for i in range(width)]
    names: list[str] = []
    for i in range(width):
        parent = top[i]
        if not parent and low[i]:
            left = next((j for j in range(i - 1, -1, -1) if top[j]), None)
            spans = left is not None and all(low[k] for k in range(left, i + 1))
            names.append(f"{top[left]} {low[i]}" if spans else low[i])
        elif parent and low[i] and i + 1 < width and not top[i + 1] and low[i + 1]:
            names.append(f"{parent} {low[i]}")  # the first column under a spanning label
        else:
            names.append(parent)
    seen: dict[str, int] = {}
    unique = []
    for i, name in enumerate(names):
        name = name or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        unique.append(name)
    return tuple(unique)


def header_row_option(spec: SourceSpec) -> int | None:
    """The `header_row` option (the spreadsheet row number of the header), validated."""
    value = spec.options.get(HEADER_ROW_OPTION)
    if value in (None, "", 0, "0", "auto"):
        return None
    try:
        row = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        row = 0
    if row < 1:
        raise SourceReadError(spec.name, f"header_row must be the spreadsheet row of the header (1, 2, ...), "
                                         f"not '{value}'")
    return row


def find_header(rows: Sequence[Sequence[Any]], explicit: int | None = None) -> HeaderLayout:
    """The header of a table whose first rows are `rows` (cells as read; blanks as None or "").

    The first row that looks like a header wins: at least half as many filled cells as the widest of
    the first rows, none of them a number or a date, no name twice. Without one, row 1 (as before).
    """
    rows = [list(row) for row in rows[:SCAN_ROWS]]
    if not rows:
        return HeaderLayout(0, False, ())
    if explicit is not None:
        index = explicit - 1
    else:
        width = max(len(_filled(row)) for row in rows)
        index = next((i for i, row in enumerate(rows) if _is_header(row, width)), 0)
    if index >= len(rows):
        return HeaderLayout(index, False, ())
    header = rows[index]
    following = rows[index + 1] if index + 1 < len(rows) else None
    sub = following is not None and _is_sub_header(following, header) and index + 2 < len(rows) \
        and bool(_filled(rows[index + 2]))
    return HeaderLayout(index, sub, _names(header, following if sub else None))


_DELIMITERS = (",", ";", "\t", "|")


def below_titles(text: str) -> str:
    """The text from its first line holding a delimiter: title lines above a table ("Day Book",
    "1-Apr-24 to 31-Mar-25") have none, and would make every delimiter look equally unlikely."""
    lines = text[:65536].splitlines(keepends=True)
    for index, line in enumerate(lines[:SCAN_ROWS]):
        if any(d in line for d in _DELIMITERS):
            return text[sum(len(x) for x in lines[:index]):] if index else text
    return text


def text_rows(text: str, delimiter: str) -> list[list[str]]:
    """The first SCAN_ROWS records of delimited text (what find_header looks at); [] if unparseable."""
    import csv
    import io

    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) >= SCAN_ROWS:
                break
    except csv.Error:
        return rows
    return rows


# --- the row filter -------------------------------------------------------------------------------

# A filter key may name the file's column or one of these; "voucher_type" finds "Vch Type".
FILTER_ALIASES: dict[str, tuple[str, ...]] = {
    "voucher_type": ("Voucher Type", "Vch Type", "VchType", "Voucher Type Name"),
    "status": ("Status", "Order Status", "Financial Status"),
    "channel": ("Channel", "Sales Channel", "Source"),
    "branch": ("Branch", "Location", "Godown", "Cost Centre", "Cost Center"),
}


def filter_column(columns: Sequence[str], key: str) -> str | None:
    by_norm = {normalise_header(c): c for c in columns}
    for name in (key, *FILTER_ALIASES.get(key.strip().lower(), ())):
        column = by_norm.get(normalise_header(name))
        if column is not None:
            return column
    return None


def _fold(text: pd.Series) -> pd.Series:
    return text.fillna("").astype("str").str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()


def apply_filter(raw: pd.DataFrame, spec: SourceSpec, filters: Mapping[str, Sequence[str]] | None = None
                 ) -> pd.DataFrame:
    """Keep the rows whose column holds one of the listed values (case and spacing ignored).

    Every key must name a column: a typo must fail loudly, naming the columns there are, rather than
    keep or drop rows silently.
    """
    filters = spec.filter if filters is None else filters
    for key, wanted in filters.items():
        column = filter_column(list(raw.columns), key)
        if column is None:
            have = column_list(raw.columns)
            raise SourceReadError(spec.name, f"the filter names column {quoted(key)}, which is not in the file; "
                                             f"the file has columns: {have}", column=key)
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        keep = set(_fold(pd.Series(values, dtype="str")))
        raw = raw[_fold(raw[column].map(lambda v: "" if is_blank(v) else str(v))).isin(keep)]
    return raw


__all__ = ["HEADER_ROW_OPTION", "HeaderLayout", "apply_filter", "below_titles", "filter_column", "find_header",
           "header_row_option", "is_blank", "text_rows"]

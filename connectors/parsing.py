"""Vectorised cell parsing for messy exports: text encodings, delimiters, amounts, dates, presence.

Files can hold a million rows, so every parser here works on whole columns with pandas string
methods and regular expressions; Python loops only touch the rare non-string cells that Excel
hands back (datetime objects, numbers). Each parser returns the values plus a mask of cells it
could not read, so callers can report them instead of guessing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .quoting import cut, quoted

DELIMITERS = (",", ";", "\t", "|")
DATETIME_DTYPE = "datetime64[ns]"


# --- text -------------------------------------------------------------------------------------


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding used).

    Excel on Windows saves "CSV" as cp1252 or UTF-16 and some tools add a BOM, so we look for a
    BOM first, then try strict UTF-8 (which rarely decodes non-UTF-8 text by accident), and fall
    back to cp1252 (Latin-1 superset used by Windows in India too). An explicit encoding wins.
    """
    if encoding:
        return raw.decode(encoding), encoding
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(name), name
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so reading never fails.
        return raw.decode("latin-1"), "latin-1"


def read_text(path: Path, encoding: str | None = None, limit: int | None = None) -> str:
    """Read a text file (or its first `limit` bytes) with encoding detection."""
    with open(path, "rb") as fh:
        raw = fh.read() if limit is None else fh.read(limit)
    if limit is not None and encoding is None:
        # A cut may split a multi-byte character: decode leniently for a probe.
        try:
            return decode(raw)[0]
        except UnicodeDecodeError:
            return raw.decode("utf-8", errors="replace")
    if limit is not None:
        return raw.decode(encoding, errors="replace")
    return decode(raw, encoding)[0]


def open_text(path: Path, encoding: str | None = None) -> io.StringIO:
    """A text stream of the whole file, decoded as `decode` would."""
    return io.StringIO(read_text(path, encoding), newline="")


_QUOTED = re.compile(r'"(?:[^"]|"")*"', re.DOTALL)


def sniff_delimiter(text: str, explicit: str | None = None) -> str:
    """Pick the delimiter among `, ; TAB |` that splits the first lines most consistently.

    csv.Sniffer is easily fooled by commas inside amounts ("2,35,000"); counting per line after
    removing quoted fields, and preferring the candidate whose smallest count is highest, is
    simpler and predictable. An explicit delimiter from settings wins.
    """
    if explicit:
        return "\t" if explicit in ("\\t", "tab", "TAB") else explicit
    sample = _QUOTED.sub("", text[:65536])
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = ",", (0, 0)
    for cand in DELIMITERS:
        counts = [line.count(cand) for line in lines] or [0]
        score = (min(counts), -len(set(counts)))
        if score[0] > 0 and score > best_score:
            best, best_score = cand, score
    return best


def first_row(text: str, delimiter: str) -> tuple[str, ...]:
    """The first record of delimited text (the header), fields stripped."""
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if any(cell.strip() for cell in row):
            return tuple(cell.strip() for cell in row)
    return ()


# --- helpers for mixed (Excel/JSON) columns ---------------------------------------------------


def _is_text_dtype(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def _cells(series: pd.Series) -> np.ndarray:
    """A str column's cells as a numpy array of Python str, "" for missing ones."""
    return series.to_numpy(dtype=object, na_value="")


def stripped_cells(series: pd.Series) -> np.ndarray:
    """`series.fillna("").str.strip()` of a str column, as an object array.

    pandas' `.str` methods on its Python-backed str dtype cost several times Python's own
    str.strip per cell (they re-check and re-wrap every answer); mapping str.strip over the
    cells gives the same strings for a fraction of the CPU, which counts on million-row exports.
    """
    cells = _cells(series)
    return np.fromiter(map(str.strip, cells), dtype=object, count=len(cells))


def text_or_na(series: pd.Series) -> pd.Series:
    """Cells as stripped str with blank cells as NA (the canonical frame's text columns)."""
    if _is_text_dtype(series):
        cells = stripped_cells(series)
        cells[cells == ""] = np.nan
        return pd.Series(cells, index=series.index, name=series.name, dtype="str")
    text = as_text(series)
    return text.where(text != "", None).astype("str")


def as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped strings ("" for missing). Integral floats lose their ".0" (Excel ids)."""
    if _is_text_dtype(series):
        return pd.Series(stripped_cells(series), index=series.index, name=series.name, dtype=series.dtype)

    def one(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return series.map(one).astype("str").str.strip()


# --- amounts ----------------------------------------------------------------------------------

_CURRENCY = r"(?:₹|rs\.?|inr|usd|eur|gbp|bdt|tk\.?|us\$|\$|€|£|৳)"
# What a symbol or code in an amount cell says about its currency ("$" is taken as USD).
CURRENCY_CODES = {"₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR", "usd": "USD", "us$": "USD", "$": "USD",
                  "eur": "EUR", "€": "EUR", "gbp": "GBP", "£": "GBP", "bdt": "BDT", "৳": "BDT", "tk": "BDT",
                  "tk.": "BDT"}
# Amounts beyond this are not money a small business takes in a day (1e308, 29-digit cells): such a cell
# is unreadable rather than a number that overflows every sum and formatter after it.
MAX_AMOUNT = 1e15
_AMOUNT = re.compile(
    rf"""^(?P<lp>\()?\s*(?P<s1>[-+−])?\s*(?P<c1>{_CURRENCY})?\s*(?P<s2>[-+−])?\s*
    (?P<num>\d[\d,.\s']*|[.,]\d+)(?P<exp>[eE][-+]?\d+)?
    \s*(?P<c2>{_CURRENCY})?\s*(?P<tm>-)?\s*(?P<rp>\))?\s*(?:cr|dr)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_SPACES = r"[\s\u00a0\u2009\u202f]+"
_GROUPED = r"(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})(?:\.\d*)?|\.\d+"
_GROUPED_COMMA_DECIMAL = r"(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d*)?|,\d+"


def parse_amounts(series: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse money cells to float64; return (values, bad mask). Empty cells are NaN but not bad.

    Handles currency symbols and codes, Indian ("2,35,000") and Western grouping, accounting
    negatives "(1,200)", trailing minus "500-" and decimal commas when `decimal=","`.
    """
    values, bad, _ = parse_amounts_and_currencies(series, decimal)
    return values, bad


def parse_amounts_and_currencies(series: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series, set[str]]:
    """`parse_amounts`, plus the ISO codes of the currency marks written in the cells that were read
    ("€12" -> EUR, "BDT 500" -> BDT; "$" is taken as USD), found in the same pass."""
    values = pd.Series(np.nan, index=series.index, dtype="float64")
    if not _is_text_dtype(series):
        is_num = series.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                            and not (isinstance(v, float) and np.isnan(v)))
        values[is_num] = series[is_num].map(_as_float).astype("float64")
        text = as_text(series.where(~is_num, ""))
    else:
        text = series.fillna("")
        is_num = pd.Series(False, index=series.index)
    parsed, empty, marks = by_unique(text, lambda u: _amounts_of(u, decimal))
    values = values.where(is_num, parsed)
    values = values.where(values.abs() < MAX_AMOUNT)  # also drops inf
    bad = values.isna() & (~empty | is_num)
    found = marks[values.notna() & ~is_num]
    codes = {CURRENCY_CODES[mark.lower().replace(" ", "")] for mark in found.unique() if mark}
    return values, bad, codes


def _as_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (OverflowError, ValueError):
        return float("nan")


def by_unique(
    text: pd.Series, parse: Callable[[pd.Series], pd.Series | tuple[pd.Series, ...]]
) -> tuple[pd.Series, ...]:
    """Run a column parser once per distinct value, then spread the answers back.

    Without pyarrow, pandas string methods loop in Python; exports repeat values a lot (dates,
    amounts, statuses), so parsing only the distinct ones makes million-row files fast.
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    answers = parse(pd.Series(uniques, dtype="str"))
    if not isinstance(answers, tuple):
        answers = (answers,)
    return tuple(pd.Series(a.to_numpy()[codes], index=text.index) for a in answers)


def filled(series: pd.Series) -> pd.Series:
    """`series.str.strip() != ""` for a str column, worked out once per distinct value.

    Presets test "is this cell blank" on every row of a million-row export; most columns repeat a
    handful of values, so this is much cheaper than stripping each cell (for columns whose values
    hardly repeat, `blank_text` is cheaper).
    """
    (mask,) = by_unique(series, lambda unique: unique.str.strip() != "")
    return mask.astype(bool)


def blank_text(series: pd.Series) -> pd.Series:
    """`series.fillna("").str.strip() == ""` for a str column, without hashing or stripping cells.

    For columns whose values hardly repeat (order ids, timestamps), where `filled` would hash every
    cell: a cell is blank when it is missing, empty, or starts with whitespace and is whitespace
    only. The first character of every cell is looked at in one numpy pass (its `isspace` is
    Python's: the same whitespace str.strip removes, NBSP included); only cells that start with
    whitespace are tested one by one.
    """
    cells = _cells(series)
    blank = cells == ""
    spaced = np.flatnonzero(np.strings.isspace(cells.astype("U1")))
    blank[spaced] = [cell.isspace() for cell in cells[spaced]]
    return pd.Series(blank, index=series.index)


_PLAIN = r"[0-9]+(?:\.[0-9]+)?"  # "978.00", "1500": what most exports write


def _amounts_of(text: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """`_amount_text`, with plain amounts read straight by pd.to_numeric.

    A plain amount ("978.00") has no spaces, signs, marks or grouping, so the general parser would
    hand pd.to_numeric the same string; skipping its regexes matters when a big export holds
    thousands of distinct totals. With a decimal comma "978.00" is not plain (it is refused there).
    """
    plain = text.str.fullmatch(_PLAIN) if decimal == "." else pd.Series(False, index=text.index)
    if not plain.any():
        return _amount_text(text, decimal)
    values = pd.Series(np.nan, index=text.index, dtype="float64")
    empty = pd.Series(False, index=text.index)
    marks = pd.Series("", index=text.index, dtype="str")
    values[plain] = pd.to_numeric(text[plain], errors="coerce").astype("float64")
    rest = ~plain
    if rest.any():
        values[rest], empty[rest], marks[rest] = _amount_text(text[rest], decimal)
    return values, empty, marks


def _amount_text(text: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, empty mask, currency mark or "") for distinct amount strings."""
    text = text.str.replace(_SPACES, " ", regex=True).str.strip()
    empty = text == ""
    parts = text.str.extract(_AMOUNT)
    num = parts["num"].fillna("").str.replace(r"[\s']", "", regex=True)
    # Grouping must be Western (1,234,567) or Indian (12,34,567): "9,95" is a decimal comma, not 995.
    grouped_ok = num.str.fullmatch(_GROUPED_COMMA_DECIMAL if decimal == "," else _GROUPED)
    if decimal == ",":
        num = num.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        num = num.str.replace(",", "", regex=False)
    num = num + parts["exp"].fillna("")
    parsed = pd.to_numeric(num.where(num != "", None), errors="coerce").astype("float64")
    parens_ok = (parts["lp"].isna() == parts["rp"].isna()) & grouped_ok
    minus = ["-", "−"]
    negative = parts["lp"].notna() | parts["s1"].isin(minus) | parts["s2"].isin(minus) | parts["tm"].notna()
    parsed = parsed.where(parens_ok)
    parsed = parsed.where(~negative, -parsed)
    return parsed, empty, parts["c1"].fillna(parts["c2"]).fillna("").astype(str)


# --- dates ------------------------------------------------------------------------------------

# Between date and time: spaces or "T", or a comma ("07/05/2025, 23:57:03": JavaScript's en-GB/en-IN date
# text, which Meta's Leads Center and NoPaperForms export); the comma says nothing about day/month order.
_TIME = r"""(?:(?:\s*,\s*|[\sT]+)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?
    \s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"""
_OFFSET = re.compile(
    r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$"
)
_YEAR_FIRST = re.compile(r"^(?P<Y>\d{4})[-/.](?P<a>\d{1,2})[-/.](?P<b>\d{1,2})" + _TIME, re.VERBOSE)
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<Y>\d{4}|\d{2})" + _TIME, re.VERBOSE)
_MONTH_NAME = re.compile(
    r"^(?P<b>\d{1,2})[\s/-]*(?P<mon>[A-Za-z]{3,9})[\s/,-]*(?P<Y>\d{4}|\d{2})" + _TIME, re.VERBOSE
)
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}


def _ns(stamps: pd.Series) -> pd.Series:
    """As datetime64[ns]; dates outside its range (year 1500, 9999) become NaT, i.e. unreadable cells."""
    if stamps.dtype != DATETIME_DTYPE:
        in_range = stamps.isna() | ((stamps >= pd.Timestamp.min) & (stamps <= pd.Timestamp.max))
        stamps = stamps.where(in_range)
    return stamps.astype(DATETIME_DTYPE)


def _strip_offset(text: pd.Series) -> pd.Series:
    """Drop a trailing UTC offset, keeping the wall-clock time as written.

    The owner means the shop's local day: an order stamped "2025-05-11 23:30 -0400" happened on
    the 11th for that shop. Converting to the PC's zone could move it to another day.
    """
    return text.str.replace(_OFFSET, r"\1", regex=True)


def _two_digit_year(year: pd.Series) -> pd.Series:
    """Two-digit years pivot like strptime's %y: 69-99 -> 1900s, 00-68 -> 2000s."""
    short = year < 100
    return year.where(~short, year + np.where(year < 69, 2000, 1900))


def _assemble(parts: pd.DataFrame, day: pd.Series, month: pd.Series) -> pd.Series:
    """Build timestamps from extracted pieces; impossible dates/times come back NaT."""
    year = _two_digit_year(pd.to_numeric(parts["Y"], errors="coerce"))
    hour = pd.to_numeric(parts["H"], errors="coerce").fillna(0)
    ampm = parts["ampm"].fillna("").str.lower().str[:1]
    bad_12h = (ampm != "") & ((hour < 1) | (hour > 12))
    hour = hour.where(ampm != "p", hour.where(hour == 12, hour + 12))
    hour = hour.where(ampm != "a", hour.where(hour != 12, 0))
    frac = parts["F"].fillna("").str.ljust(6, "0").str[:6]
    frame = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": hour.where(~bad_12h),
            "minute": pd.to_numeric(parts["M"], errors="coerce").fillna(0),
            "second": pd.to_numeric(parts["S"], errors="coerce").fillna(0),
            "us": pd.to_numeric(frac.where(frac != "000000", "0"), errors="coerce").fillna(0),
        }
    )
    return _ns(pd.to_datetime(frame, errors="coerce"))


def _from_format(text: pd.Series, fmt: str) -> pd.Series:
    """Read with the owner's date_format; cells it misses get its date part with another time style.

    The format fixes the day/month order; the time part says nothing about it. An export appended to
    daily can switch from "07/05/2025, 23:57:03" to "12/05/2025, 11:58:06 PM", and the editor's
    date-only formats ("%m/%d/%Y") meet timestamps: one pattern would make half of such a file, or
    all of it, unreadable. Cells the format reads are read by it alone, exactly as written.
    """
    fmt = re.sub(r"\s*%[zZ]", "", fmt)
    text = _strip_offset(text)
    out = _ns(pd.to_datetime(text, format=fmt, errors="coerce"))
    for other in _time_styles_of(fmt):
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = _ns(pd.to_datetime(text[todo], format=other, errors="coerce"))
    return out


# A format's time part: what follows the date ("%d/%m/%Y, %H:%M:%S", "%m-%d-%Y  %I:%M:%S%p").
_FORMAT_TIME = re.compile(r"(?P<sep>,?\s*|T)%[HI][:.]%M(?:[:.]%S(?:[.,]%f)?)?\s*(?:%p)?$")
TIME_STYLES = ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f", "%I:%M:%S %p", "%I:%M:%S%p", "%I:%M %p", "%I:%M%p")


def _time_styles_of(fmt: str) -> list[str]:
    """The other formats a date_format stands for: its date part alone and with each time style.

    Only the time part varies (24- or 12-hour, with or without seconds, or none); the date part, and so
    the day/month order, stays the owner's. A format whose time is not at its end is left as written.
    """
    found = _FORMAT_TIME.search(fmt)
    if found:
        date_part, seps = fmt[:found.start()], [found["sep"] or " "]
    elif any(code in fmt for code in ("%H", "%I", "%M", "%p")):
        return []
    else:
        date_part, seps = fmt, [" ", ", "]
    if "%" not in date_part:
        return []
    styles = [date_part, *(date_part + sep + style for sep in seps for style in TIME_STYLES)]
    return [style for style in styles if style != fmt]


_ZERO = ord("0")
_ISO_WIDTH = 26  # the longest shape the fast path takes: "YYYY-MM-DD HH:MM:SS +hh:mm"


def _digits(codes: np.ndarray, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(value, all-ASCII-digits mask) of the `count` characters at `start` of each row of code points."""
    chunk = codes[:, start:start + count].astype(np.int64) - _ZERO
    ok = ((chunk >= 0) & (chunk <= 9)).all(axis=1)
    value = np.zeros(len(codes), dtype=np.int64)
    for column in range(count):
        value = value * 10 + chunk[:, column]
    return value, ok


def _is_char(codes: np.ndarray, position: int, chars: str) -> np.ndarray:
    return np.isin(codes[:, position], [ord(c) for c in chars])


ISO_BLOCK = 65_536  # values per numpy pass: the code-point copies of a million stamps would cost ~100 MB


def _iso_fast(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`_iso_block` over blocks of `ISO_BLOCK` values, so its scratch arrays stay small on big columns."""
    if len(text) <= ISO_BLOCK:
        return _iso_block(text)
    out = np.full(len(text), np.datetime64("NaT"), dtype=DATETIME_DTYPE)
    handled = np.zeros(len(text), dtype=bool)
    for start in range(0, len(text), ISO_BLOCK):
        values, mask = _iso_block(text.iloc[start:start + ISO_BLOCK])
        out[start:start + ISO_BLOCK] = values.to_numpy()
        handled[start:start + ISO_BLOCK] = mask.to_numpy()
    return pd.Series(out, index=text.index), pd.Series(handled, index=text.index)


def _iso_block(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamps in the one shape most exports use, parsed with numpy instead of regexes.

    Takes exactly "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" (space or T) and the last
    followed by an offset (" +0530", "+05:30", "Z"). For these the regex path would extract the same
    digits and strip the same offset, and both end in `_assemble`, so results are identical;
    everything else is left (mask False) for the general parser. Cumulative exports have nearly one
    distinct timestamp per order, which made the regexes the slowest step of a large read.
    """
    handled = np.zeros(len(text), dtype=bool)
    if text.empty:
        return pd.Series(pd.NaT, index=text.index, dtype=DATETIME_DTYPE), pd.Series(handled, index=text.index)
    values = text.to_numpy(dtype=object)
    lengths = text.str.len().to_numpy(dtype="int64", na_value=0)
    fits = (lengths >= 10) & (lengths <= _ISO_WIDTH)
    if not fits.any():
        return pd.Series(pd.NaT, index=text.index, dtype=DATETIME_DTYPE), pd.Series(handled, index=text.index)
    codes = values[fits].astype(f"U{_ISO_WIDTH}").view(np.uint32).reshape(-1, _ISO_WIDTH)
    length = lengths[fits]
    # a NUL inside a value would vanish in the fixed-width copy: leave such values to the regexes
    same = (codes != 0).sum(axis=1) == length
    year, ok_y = _digits(codes, 0, 4)
    month, ok_m = _digits(codes, 5, 2)
    day, ok_d = _digits(codes, 8, 2)
    date_ok = same & ok_y & ok_m & ok_d & _is_char(codes, 4, "-") & _is_char(codes, 7, "-")
    hour, ok_h = _digits(codes, 11, 2)
    minute, ok_mi = _digits(codes, 14, 2)
    second, ok_s = _digits(codes, 17, 2)
    hm_ok = _is_char(codes, 10, " T") & ok_h & _is_char(codes, 13, ":") & ok_mi
    hms_ok = hm_ok & _is_char(codes, 16, ":") & ok_s
    sign = _is_char(codes, 19, "+-")
    space_sign = _is_char(codes, 19, " ") & _is_char(codes, 20, "+-")
    offset_ok = (
        ((length == 20) & _is_char(codes, 19, "Z"))
        | ((length == 24) & sign & _digits(codes, 20, 4)[1])
        | ((length == 25) & sign & _digits(codes, 20, 2)[1] & _is_char(codes, 22, ":") & _digits(codes, 23, 2)[1])
        | ((length == 25) & space_sign & _digits(codes, 21, 4)[1])
        | ((length == 26) & space_sign & _digits(codes, 21, 2)[1] & _is_char(codes, 23, ":")
           & _digits(codes, 24, 2)[1])
    )
    date_only = date_ok & (length == 10)
    with_minutes = date_ok & (length == 16) & hm_ok
    with_seconds = date_ok & hms_ok & ((length == 19) | offset_ok)
    take = date_only | with_minutes | with_seconds
    hour = np.where(date_only, 0, hour)
    minute = np.where(date_only, 0, minute)
    second = np.where(with_seconds, second, 0)
    year = _two_digit_year(pd.Series(year)).to_numpy()  # "0025-..." pivots like the regex path
    parts = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                          "second": second, "us": 0})[take]
    stamps = _ns(pd.to_datetime(parts, errors="coerce")).to_numpy()
    out = np.full(len(text), np.datetime64("NaT"), dtype=DATETIME_DTYPE)
    positions = np.flatnonzero(fits)[take]
    out[positions] = stamps
    handled[positions] = True
    return pd.Series(out, index=text.index), pd.Series(handled, index=text.index)


# Decides day/month order for a column whose numeric dates all fit both: given (a, b, Y) of those
# dates, returns (day first?, note or None), or raises (see connectors/dates.py).
OrderResolver = Callable[[pd.DataFrame], tuple[bool, str | None]]


def _parse_date_text(
    text: pd.Series, dayfirst: bool | OrderResolver | None, column: str
) -> tuple[pd.Series, list[str]]:
    """Parse strings without a configured format; the day/month order is decided by the data."""
    fast, handled = _iso_fast(text)
    if handled.all():
        return fast, []
    rest, warnings = _parse_date_general(text[~handled], dayfirst, column)
    fast[~handled] = rest
    return fast, warnings


def ascii_digits(text: pd.Series) -> pd.Series:
    """Digits of other scripts as ASCII digits: a date typed with Devanagari (१२), Gujarati (૧૨) or Arabic-Indic
    digits reads as the date it is. The patterns' \\d matches such digits and pd.to_numeric refuses them, so
    untranslated they stopped the whole source instead of one cell."""
    odd = ~text.str.isascii().fillna(True).astype(bool)
    if not odd.any():
        return text
    text = text.copy()
    text[odd] = text[odd].map(lambda value: "".join(str(unicodedata.decimal(c, c)) for c in value))
    return text


def _parse_date_general(
    text: pd.Series, dayfirst: bool | OrderResolver | None, column: str
) -> tuple[pd.Series, list[str]]:
    """The regex parser for every shape: ISO-like, compact YYYYMMDD, month names, and day/month or month/day
    numbers. A resolver gets the cells as written too ("text"), to quote one in its advice."""
    out = pd.Series(pd.NaT, index=text.index, dtype=DATETIME_DTYPE)
    warnings: list[str] = []
    written = text
    text = _strip_offset(ascii_digits(text).str.replace(r"\s+", " ", regex=True))

    compact, has = _compact_dates(text)
    if has.any():
        out[has] = compact

    iso = text.str.extract(_YEAR_FIRST)
    has = iso["Y"].notna()
    if has.any():
        p = iso[has]
        out[has] = _assemble(p, pd.to_numeric(p["b"]), pd.to_numeric(p["a"]))

    named = text.str.extract(_MONTH_NAME)
    month_no = named["mon"].str.lower().str[:3].map(MONTHS)
    has = named["Y"].notna() & month_no.notna()
    if has.any():
        p = named[has]
        out[has] = _assemble(p, pd.to_numeric(p["b"]), month_no[has])

    num = text.str.extract(_NUMERIC)
    has = num["Y"].notna()
    if has.any():
        p = num[has]
        a, b = pd.to_numeric(p["a"]), pd.to_numeric(p["b"])
        day_evidence, month_evidence = int((a > 12).sum()), int((b > 12).sum())
        if day_evidence and month_evidence:
            use_dayfirst = day_evidence >= month_evidence
            order = "day/month" if use_dayfirst else "month/day"
            warnings.append(
                f"dates in column {quoted(column)} mix day/month and month/day order; read as {order}, "
                f"cells that only fit the other order are marked unreadable"
            )
        elif day_evidence or month_evidence:
            use_dayfirst = bool(day_evidence)
        elif callable(dayfirst):
            use_dayfirst, note = dayfirst(pd.DataFrame({"a": a, "b": b, "Y": _two_digit_year(pd.to_numeric(p["Y"])),
                                                        "text": written[has]}))
            if note:
                warnings.append(note)
        else:
            use_dayfirst = True if dayfirst is None else dayfirst
            if dayfirst is None and (a != b).any():
                example = cut(text[has][a != b].iloc[0])
                warnings.append(
                    f"dates in column {quoted(column)} are ambiguous (e.g. {example}); read as day/month; "
                    f"set date_format in settings.toml to be sure"
                )
        day, month = (a, b) if use_dayfirst else (b, a)
        out[has] = _assemble(p, day, month)
    return out, warnings


COMPACT_YEARS = (1900, 2100)


def _compact_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole cells of eight digits read as YYYYMMDD ("20210105", Salesforce and warehouse extracts).

    Year first with fixed widths, so no order is guessed; but a column of eight-digit numbers could be
    ids or amounts. They are read only when every one of them is a real date from 1900 to 2100; one
    that is not (20211305, 12345678) leaves them all unreadable. Returns (stamps, mask of cells taken).
    """
    eight = text.str.len() == 8  # cheap: the regex only looks at cells of the right length
    if eight.any():
        eight[eight] = text[eight].str.fullmatch(r"[0-9]{8}")
    digits = text[eight]
    year = pd.to_numeric(digits.str[:4])
    stamps = _ns(pd.to_datetime(pd.DataFrame({"year": year, "month": pd.to_numeric(digits.str[4:6]),
                                              "day": pd.to_numeric(digits.str[6:])}), errors="coerce"))
    if stamps.isna().any() or not year.between(*COMPACT_YEARS).all():
        return stamps[:0], pd.Series(False, index=text.index)
    return stamps, eight


def numeric_date_parts(text: pd.Series) -> pd.DataFrame:
    """(a, b, Y) of the "a/b/Y" dates among distinct strings, as numbers; other values are left out."""
    unique = pd.Series(pd.unique(ascii_digits(text).str.strip().str.replace(r"\s+", " ", regex=True)), dtype="str")
    parts = _strip_offset(unique).str.extract(_NUMERIC)
    parts = parts[parts["Y"].notna()]
    return pd.DataFrame({"a": pd.to_numeric(parts["a"]), "b": pd.to_numeric(parts["b"]),
                         "Y": _two_digit_year(pd.to_numeric(parts["Y"]))})


_WRITTEN_DATE = re.compile(r"(?P<a>\d{1,2})(?P<s1>[-/.])(?P<b>\d{1,2})(?P<s2>[-/.])(?P<Y>\d{4}|\d{2})(?P<rest>.*)")
_WRITTEN_TIME = re.compile(r"(?P<sep>\s*,\s*|[\sT]+)\d{1,2}(?P<c1>[:.])\d{2}(?:(?P<c2>[:.])\d{2}"
                           r"(?:(?P<c3>[.,])\d{1,9})?)?(?P<gap>\s*)(?P<ampm>[AaPp][Mm])?\s*")


def date_format_of(cell: str, dayfirst: bool) -> str | None:
    """The date_format that reads this numeric "a/b/Y" cell exactly as written, day or month first.

    Advice to set "%m/%d/%Y" for cells written "03-05-2015  10:53:05AM" fails when followed; this
    copies the cell's own separators, year width and time part (24- or 12-hour, seconds, the gap
    before AM/PM), so the owner can paste it. None when the cell is not such a date.
    """
    found = _WRITTEN_DATE.fullmatch(_OFFSET.sub(r"\1", cell.strip()))
    if found is None:
        return None
    first, second = ("%d", "%m") if dayfirst else ("%m", "%d")
    fmt = f"{first}{found['s1']}{second}{found['s2']}{'%Y' if len(found['Y']) == 4 else '%y'}"
    rest = found["rest"]
    if not rest.strip():
        return fmt
    time = _WRITTEN_TIME.fullmatch(rest)
    if time is None:
        return None
    clock = f"{'%I' if time['ampm'] else '%H'}{time['c1']}%M"
    if time["c2"]:
        clock += f"{time['c2']}%S" + (f"{time['c3']}%f" if time["c3"] else "")
    if time["ampm"]:
        clock += f"{time['gap']}%p"
    return f"{fmt}{time['sep']}{clock}"


def _excel_cells(series: pd.Series, excel: bool) -> tuple[pd.Series, pd.Series]:
    """Excel gives datetime objects (and serial numbers for unformatted cells): convert those."""
    out = pd.Series(pd.NaT, index=series.index, dtype=DATETIME_DTYPE)

    def kind(value: object) -> str:
        if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
            return "text"  # blank: as_text makes it "", which is not an unreadable cell
        if isinstance(value, (dt.datetime, dt.date, pd.Timestamp, np.datetime64)):
            return "datetime"
        if excel and isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            return "serial"
        return "text"

    kinds = series.map(kind)
    is_dt = kinds == "datetime"
    if is_dt.any():
        stamps = pd.to_datetime(series[is_dt].map(lambda v: pd.Timestamp(v).tz_localize(None)))
        out[is_dt] = _ns(stamps)
    is_serial = kinds == "serial"
    if is_serial.any():
        days = pd.to_numeric(series[is_serial], errors="coerce")
        days = days.where((days > 0) & (days < 2958466))  # Excel's valid range: 1900 .. 9999
        out[is_serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
    return out, kinds == "text"


def parse_dates(
    series: pd.Series,
    fmt: str | None = None,
    dayfirst: bool | OrderResolver | None = None,
    column: str = "",
    excel: bool = False,
) -> tuple[pd.Series, pd.Series, str | None]:
    """Parse a date column; return (naive datetime64, bad mask, warning or None).

    pandas guesses the order from the first value and silently flips later ones, so we never let
    it guess: a configured strftime format is used exactly; otherwise ISO-like values, month
    names and numeric dates are read with an order decided from the whole column (or, when every
    numeric date fits both orders, by `dayfirst`: a fixed order, or a resolver that weighs evidence).
    """
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        values = _ns(series.dt.tz_localize(None))
        return values, pd.Series(False, index=series.index), None
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return _ns(series), pd.Series(False, index=series.index), None
    if _is_text_dtype(series):
        out = pd.Series(pd.NaT, index=series.index, dtype=DATETIME_DTYPE)
        text_mask = pd.Series(True, index=series.index)
        text = as_text(series)
    else:
        out, text_mask = _excel_cells(series, excel)
        text = as_text(series.where(text_mask, ""))
    empty = (text == "") & text_mask
    todo = text_mask & ~empty
    warnings: list[str] = []
    if todo.any():
        found: list[str] = []

        def parse(unique: pd.Series) -> pd.Series:
            if fmt:
                return _from_format(unique, fmt)
            parsed, notes = _parse_date_text(unique, dayfirst, column)
            found.extend(notes)
            return parsed

        (out[todo],) = by_unique(text[todo], parse)
        warnings = found
    bad = out.isna() & ~empty
    return out, bad, ("; ".join(warnings) or None)


def parse_dates_formats(series: pd.Series, formats: Iterable[str]) -> tuple[pd.Series, pd.Series]:
    """Parse with a fixed list of formats, first match wins; return (values, bad mask).

    For exports whose format is known (Salesforce Data Loader writes US MM/DD/YY), an explicit
    list is safer than inferring the order from the data. "ISO8601" is accepted as a format.
    """
    text = _strip_offset(as_text(series))
    out = pd.Series(pd.NaT, index=series.index, dtype=DATETIME_DTYPE)
    for fmt in formats:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = _ns(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
    return out, out.isna() & (text != "")


# --- attendance presence ----------------------------------------------------------------------


def _nfc(words: set[str]) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFC", word) for word in words)


# English, Hindi (Devanagari) and Gujarati marks as registers and biometric exports write them.
PRESENT_WORDS = _nfc(
    {"p", "present", "y", "yes", "1", "true", "✓", "✔", "wfh", "work from home", "half day", "halfday",
     "hd", "late", "od", "on duty",
     # muster-roll codes: worked on a weekly off (eSSL's WOP), half a day present ("½P", HPL = half-day paid
     # leave, HLWP = half-day leave without pay...): a half day at work is a day present, as "half day" is
     "wop", "pow", "hp", "½p", "p½", "wo½p", "h½p", "hwfh", "hdl", "hpl", "hsl", "hcl", "hel", "hlwp", "hffl",
     "hbrl", "hml",
     # ZKTeco BioTime's daily status words (its "Early Leave" left early: present, not earned leave)
     "present(p)", "late(lt)", "early leave", "early leave(el)", "half day(hd)",
     "हाँ", "हां", "हा", "उपस्थित", "हाजिर", "हाज़िर", "हाजर",
     "હા", "હાજર", "ઉપસ્થિત", "હાજરી"}
)
ABSENT_WORDS = _nfc(
    {"a", "ab", "absent", "n", "no", "0", "false", "leave", "l", "cl", "sl", "el", "pl", "lwp", "lop",
     "off", "✗", "✘", "ml", "bl", "brl", "ffl", "co", "comp off", "compoff", "absence", "absence(a)",
     "नहीं", "नही", "ना", "अनुपस्थित", "गैरहाजिर", "ग़ैरहाज़िर", "गैर हाजिर", "छुट्टी",
     "ના", "નહીં", "ગેરહાજર", "અનુપસ્થિત", "રજા"}
)
NOT_COUNTED_WORDS = _nfc({"wo", "w/o", "woh", "weekly off", "week off", "h", "ho", "holiday", "holiday off", "ph",
                               "public holiday", "left", "resigned",
                               "अवकाश", "साप्ताहिक अवकाश", "રજા દિવસ", "સાપ્તાહિક રજા"})


def mark_word(text: str) -> str:
    """A mark as the vocabulary holds it: NFC, lower case, runs of spaces, _ and - as one space."""
    return re.sub(r"[\s_-]+", " ", unicodedata.normalize("NFC", text).lower()).strip()


def parse_bool_presence(
    series: pd.Series, extra: Mapping[str, bool | None] | None = None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read attendance marks; return (present as nullable boolean, bad mask, not-counted mask).

    Weekly offs and holidays are neither present nor absent: they come back NA with the
    not-counted mask set so the row can be dropped without an error. `extra` is the owner's own marks
    (`mark_word` form -> True present, False absent, None not counted); they win over the built-in words.
    """
    text = as_text(series).str.normalize("NFC").str.lower().str.replace(r"[\s_-]+", " ", regex=True).str.strip()
    text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    extra = extra or {}
    own = set(extra)
    # a mark with a qualifier in brackets ("P(R)" regularised, "P(MS)" missed swipe: Keka's) is its mark before them
    known = PRESENT_WORDS | ABSENT_WORDS | NOT_COUNTED_WORDS | own
    text = text.where(text.isin(known) | ~text.str.contains("(", regex=False),
                      text.str.split("(", n=1).str[0].str.strip())
    present = pd.Series(pd.NA, index=series.index, dtype="boolean")
    is_present = text.isin((PRESENT_WORDS - own) | {w for w, v in extra.items() if v is True})
    is_absent = text.isin((ABSENT_WORDS - own) | {w for w, v in extra.items() if v is False})
    present[is_present] = True
    present[is_absent] = False
    not_counted = text.isin((NOT_COUNTED_WORDS - own) | {w for w, v in extra.items() if v is None})
    bad = ~(is_present | is_absent | not_counted) & (text != "")
    not_counted = not_counted | (text == "")
    return present, bad, not_counted

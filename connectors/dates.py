"""Decide day/month order for a column whose numeric dates fit both ("03/04/2026").

Reading such a column day-first by default gave a US export's sales to the wrong days (₹0 on the
report day with only a warning). The order is taken from evidence, in this order: the file's other
date columns that do show it, then the file's own age (an export holds no rows from after it was
saved, and its newest rows are from just before); with no evidence the source is refused with a
sentence telling the owner which setting decides it. Never a silent guess.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .base import SourceReadError, SourceSpec
from .parsing import OrderResolver, as_text, date_format_of, numeric_date_parts
from .quoting import cut, quoted

MAX_OTHER_COLUMNS = 40
SLACK_DAYS = 1  # a row stamped in another time zone may be a day "after" the file's time
NEAR_DAYS = 3  # newest row within this many days of saving the file: the likely reading
FAR_DAYS = 28  # ...when the other reading's newest row is at least this far from it


def _order(parts: pd.DataFrame) -> bool | None:
    """True (day first) / False (month first) when some value shows it unambiguously and none contradicts."""
    day, month = bool((parts["a"] > 12).any()), bool((parts["b"] > 12).any())
    if day != month:
        return day
    return None


def _newest(parts: pd.DataFrame, dayfirst: bool) -> dt.date | None:
    day, month = (parts["a"], parts["b"]) if dayfirst else (parts["b"], parts["a"])
    stamps = pd.to_datetime(pd.DataFrame({"year": parts["Y"], "month": month, "day": day}), errors="coerce")
    stamps = stamps.dropna()
    return None if stamps.empty else stamps.max().date()


def _saved_on(spec: SourceSpec) -> dt.date | None:
    try:
        return dt.datetime.fromtimestamp(spec.file.stat().st_mtime).date()
    except (OSError, ValueError, OverflowError):
        return None


def _from_other_columns(raw: pd.DataFrame, col: str) -> tuple[bool, str] | None:
    for other in list(raw.columns)[:MAX_OTHER_COLUMNS]:
        if other == col or raw[other].dtype.kind in "fiumM":
            continue
        parts = numeric_date_parts(as_text(pd.Series(pd.unique(raw[other]), dtype=object)))
        if len(parts):
            order = _order(parts)
            if order is not None:
                return order, str(other)
    return None


def _from_file_age(parts: pd.DataFrame, saved: dt.date | None) -> tuple[bool, str] | None:
    if saved is None:
        return None
    newest = {order: _newest(parts, order) for order in (True, False)}
    if None in newest.values():
        return None
    possible = [o for o, d in newest.items() if d <= saved + dt.timedelta(days=SLACK_DAYS)]  # type: ignore[operator]
    if len(possible) == 1:
        return possible[0], f"the other reading puts rows after the file was saved ({saved})"
    if len(possible) == 2:
        age = {o: (saved - d).days for o, d in newest.items()}  # type: ignore[operator]
        for order in (True, False):
            if age[order] <= NEAR_DAYS and age[not order] >= FAR_DAYS:
                return order, f"its newest row is then from just before the file was saved ({saved})"
    return None


def _advice(example: pd.Series) -> tuple[str, dict[bool, str]]:
    """(the cell to quote, date_format for day first / month first) for one ambiguous date.

    Quoting a cell the file really has, and formats built from its own separators and time part, means
    following the advice works: "%m/%d/%Y" offered for "03-05-2015  10:53:05AM" did not. Without the
    cell (a resolver called by other code) the old "03/05/2015" and "%d/%m/%Y" stand in.
    """
    cell = example.get("text")
    if isinstance(cell, str) and cell.strip():
        day_first, month_first = date_format_of(cell, True), date_format_of(cell, False)
        if day_first and month_first:
            return quoted(cell.strip()), {True: day_first, False: month_first}
    sample = f"{int(example['a']):02d}/{int(example['b']):02d}/{int(example['Y'])}"
    return sample, {True: "%d/%m/%Y", False: "%m/%d/%Y"}


def order_resolver(raw: pd.DataFrame, col: str, spec: SourceSpec) -> OrderResolver:
    """A resolver for parse_dates: called only when every numeric date in `col` fits both orders."""

    def resolve(parts: pd.DataFrame) -> tuple[bool, str | None]:
        if not (parts["a"] != parts["b"]).any():
            return True, None  # 05/05/2026 reads the same either way
        example = parts[parts["a"] != parts["b"]].iloc[0]
        sample, formats = _advice(example)
        evidence = _from_other_columns(raw, col)
        if evidence is not None:
            order, other = evidence
            why = f"column {quoted(other)} of the same file is written {'day/month' if order else 'month/day'}"
        else:
            found = _from_file_age(parts, _saved_on(spec))
            if found is None:
                raise SourceReadError(
                    spec.name,
                    f"the dates in column {quoted(col)} could be day/month or month/day (e.g. {sample}) and nothing "
                    f"in {spec.file.name} tells which: set date_format for this source in Settings "
                    f"(\"{formats[True]}\" when the day comes first, \"{formats[False]}\" when the month does)",
                    column=cut(col),
                )
            order, why = found
        note = (f"the dates in column {quoted(col)} could be read either way (e.g. {sample}); read as "
                f"{'day/month' if order else 'month/day'} because {why}; set date_format for this source to be sure "
                f"(\"{formats[order]}\")")
        return order, note

    return resolve


__all__ = ["order_resolver"]

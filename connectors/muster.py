"""Monthly attendance sheets (muster rolls): a row per person, a column per day of the month.

Indian offices keep attendance this way, by hand or from the biometric software. Two layouts:
- a grid: the person's code or name on the left, the day's mark (P, A, WO, CL, hours worked...) under
  each day. The days are dates, or day numbers ("1", "2 St") with the month in a title row ("Aug 01 2025
  To Aug 31 2025"), the sheet's name ("June 2022") or the file's name. A workbook may hold a sheet a month.
- eSSL eTimeTrackLite's Monthly Status Report: a block per person ("Employee: 1225 : Ravi", then Status,
  InTime, OutTime... rows), the days on a "Days" row printed once, on the first page.

Every (person, day) cell becomes one mark, read with the daily reports' vocabulary (parsing.py) plus the
owner's own (options present_marks, absent_marks, not_counted_marks). When the days are numbers, weekday
letters beside them ("1 F") are checked against the month found, so a month read wrongly is said, not
reported on the wrong days.

A blank cell is not guessed at. A day column with no working mark (only blanks, or the WO and H that
registers pre-fill for the month) is a day not filled in yet: no rows. Blanks before a person's first
working mark are days before they joined. Any other blank is a missing mark, even after a person's last
mark: a week not yet filled in for most people looks the same as people who left, and a report on that
day must say which cells to fill (or mark "left"), as it does for an unreadable mark, not count the few
who were marked.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .base import Domain, Probe, SourceFrame, SourceReadError, SourceSpec
from .canonical import IssueLog, _finish, add_unknown_marks, own_marks
from .columns import resolve_columns
from .files import CSV_SUFFIXES, _damaged_workbook, _excel_engine
from .parsing import MONTHS, parse_bool_presence, parse_dates, read_text, sniff_delimiter
from .presets import SURE
from .quoting import column_list, cut, quoted
from .registers import SCAN_ROWS, below_titles, is_blank, text_rows
from .sniff import EXCEL_SUFFIXES

MIN_DAY_COLUMNS = 7  # a week of day columns: fewer is some other table
# weekday letters as registers print them; eSSL writes S for Sunday and St for Saturday, T and Th
WEEKDAY_CODES = {
    "m": {0}, "mo": {0}, "mon": {0}, "monday": {0},
    "t": {1, 3}, "tu": {1}, "tue": {1}, "tues": {1}, "tuesday": {1},
    "w": {2}, "we": {2}, "wed": {2}, "wednesday": {2},
    "th": {3}, "thu": {3}, "thur": {3}, "thurs": {3}, "thursday": {3},
    "f": {4}, "fr": {4}, "fri": {4}, "friday": {4},
    "s": {5, 6}, "st": {5}, "sa": {5}, "sat": {5}, "saturday": {5},
    "su": {6}, "sun": {6}, "sunday": {6},
}
DAY_NUMBER = re.compile(r"^(?P<day>\d{1,2})(?:\.0)?(?:\s*(?P<weekday>[A-Za-z]{1,9})\.?)?$")  # "1", "2 St", "3 Mon"
DAY_AND_MONTH = re.compile(r"^(?P<day>\d{1,2})[\s\-/.]*(?P<month>[A-Za-z]{3,9})\.?$")  # "1-Jun", "01 Jun"
DATE_TEXT = re.compile(r"^(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T][\d:.]+)?"  # 2022-06-01, 01/06/2022
                       r"|\d{1,2}[-\s/]?[A-Za-z]{3,9}[-\s/,]*\d{4})$")  # 01-Jan-2025 (Keka)
MONTH_NAME = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
MONTH_YEAR = re.compile(  # "Aug 01 2025", "August 2025", "Aug-2025", "01-Aug-2025", "for the month of March, 2024"
    rf"(?<![A-Za-z]){MONTH_NAME}\.?(?![A-Za-z])[\s\-',/]*(?:\d{{1,2}}(?:st|nd|rd|th)?[\s,/\-]+)?"
    r"(?P<year>(?:19|20)\d{2})(?!\d)", re.IGNORECASE)
MONTH_WORD = re.compile(rf"(?<![A-Za-z]){MONTH_NAME}(?![A-Za-z])", re.IGNORECASE)
YEAR_WORD = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
NUMERIC_DATE = re.compile(r"(?<!\d)(?:(?P<iso_y>(?:19|20)\d{2})[-/.](?P<iso_m>\d{1,2})[-/.]\d{1,2}"
                          r"|\d{1,2}[-/.](?P<m>\d{1,2})[-/.](?P<y>(?:19|20)\d{2}))(?!\d)")
BLOCK_PERSON = ("employee", "emp code", "employee code", "emp. code", "employee name", "emp name", "name")
BLOCK_MARKS = "status"
SUMMARY_LABELS = re.compile(r"^(?:grand\s+)?(?:total|count|sum|summary)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DayColumn:
    """One day column of a sheet: where it is, what its header says, and the date it stands for."""

    column: int
    header: str
    date: dt.date


@dataclass(frozen=True)
class Mark:
    """One cell of a person's row under a day."""

    sheet: str
    row: int  # spreadsheet row
    employee: str
    day: DayColumn
    value: Any


# --- reading the cells --------------------------------------------------------------------------


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)) and not (value.hour or value.minute or value.second):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _sheets(spec: SourceSpec) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of cells) of the file: every sheet of a workbook (or options["sheet"]), or the CSV."""
    suffix = spec.file.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        sheet = spec.options.get("sheet")
        try:
            # calamine for .xlsx too: an eSSL report of 128 sheets opens in 0.5 s (openpyxl: 3.8 s)
            book = pd.read_excel(spec.file, sheet_name=sheet if sheet is not None else None, dtype=object,
                                 header=None, engine=_excel_engine(old=True))
        except ValueError as exc:
            if "not found" in str(exc).lower():
                raise SourceReadError(spec.name, f"{spec.file.name} has no sheet {quoted(sheet)}: correct sheet in "
                                                 f"this source's settings") from exc
            raise _damaged_workbook(spec, exc) from exc
        except MemoryError:
            raise
        except Exception as exc:
            raise _damaged_workbook(spec, exc) from exc
        if isinstance(book, pd.DataFrame):
            book = {str(sheet): book}
        return [(str(name), grid.astype(object).where(grid.notna(), None).to_numpy().tolist())
                for name, grid in book.items()]
    import csv
    import io

    text = read_text(spec.file, spec.options.get("encoding") or None)
    delimiter = sniff_delimiter(below_titles(text), str(spec.options.get("delimiter") or "") or None)
    return [(spec.file.stem, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))]


def _first_sheets_head(path: Path) -> list[list[Any]]:
    """The first sheet's first rows as Excel shows them (calamine: a few ms, where the probe's read-only openpyxl
    sees some hand-made sheets as empty)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=SCAN_ROWS)
    except Exception:  # a damaged workbook: not recognised here; the reader that takes it says what is wrong
        return []


# --- the days -----------------------------------------------------------------------------------


def _day_number(value: Any) -> tuple[int, str] | None:
    """(day of the month, weekday letters) of a header like 1, "01", "2 St", "3 Mon"; None otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (int(value), "") if float(value).is_integer() and 1 <= value <= 31 else None
    found = DAY_NUMBER.match(str(value).strip())
    if found is None or not 1 <= int(found["day"]) <= 31:
        return None
    weekday = (found["weekday"] or "").lower()
    if weekday and weekday not in WEEKDAY_CODES:
        return None
    return int(found["day"]), weekday


def _date_cells(row: Sequence[Any]) -> dict[int, dt.date]:
    """The cells of a row that are dates: Excel date cells, and text dates read in one go (day first)."""
    dates = {i: pd.Timestamp(v).date() for i, v in enumerate(row) if isinstance(v, (dt.date, pd.Timestamp))}
    texts = {i: str(v).strip() for i, v in enumerate(row) if isinstance(v, str) and DATE_TEXT.match(v.strip())}
    if len(dates) + len(texts) < MIN_DAY_COLUMNS:  # not a row of days: not worth parsing (a register's row has one)
        return {}
    if texts:
        parsed, bad, _ = parse_dates(pd.Series(list(texts.values()), dtype="str"), dayfirst=True)
        dates |= {i: stamp.date() for i, stamp, wrong in zip(texts, parsed, bad, strict=True) if not wrong}
    return dates


def _numbered(row: Sequence[Any]) -> dict[int, tuple[int, str, int | None]]:
    """Cells that are day numbers, as (day, weekday letters, month named in the cell or None)."""
    found: dict[int, tuple[int, str, int | None]] = {}
    for i, value in enumerate(row):
        number = _day_number(value)
        if number is not None:
            found[i] = (*number, None)
            continue
        named = DAY_AND_MONTH.match(str(value).strip()) if isinstance(value, str) else None
        if named and named["month"][:3].lower() in MONTHS and 1 <= int(named["day"]) <= 31:
            found[i] = (int(named["day"]), "", MONTHS[named["month"][:3].lower()])
    return found


def _counts_up(days: list[int]) -> bool:
    """Day numbers that run on, one a column (a month end may wrap to 1): not a row of hours or counts."""
    runs_on = [b == a + 1 or (b == 1 and a >= 28) for a, b in itertools.pairwise(days)]
    return sum(runs_on) >= 0.8 * len(runs_on)


def _day_row(rows: list[list[Any]]) -> tuple[int, dict[int, dt.date], dict[int, tuple[int, str, int | None]]] | None:
    """(row, date cells, day-number cells) of the first row naming at least a week of days."""
    for index, row in enumerate(rows[:SCAN_ROWS]):
        dates = _date_cells(row)
        if len(set(dates.values())) >= MIN_DAY_COLUMNS:
            return index, dates, {}
        numbered = _numbered(row)
        if len(numbered) >= MIN_DAY_COLUMNS and _counts_up([day for day, _, _ in numbered.values()]):
            return index, {}, numbered
    return None


def _month_in(text: str) -> dt.date | None:
    """The first month a title names ("Aug 01 2025 To Aug 31 2025", "March 2024", "01/08/2025")."""
    named = MONTH_YEAR.search(text)
    if named:
        return dt.date(int(named["year"]), MONTHS[named["month"][:3].lower()], 1)
    numeric = NUMERIC_DATE.search(text)
    if numeric:
        year, month = (numeric["iso_y"], numeric["iso_m"]) if numeric["iso_y"] else (numeric["y"], numeric["m"])
        if 1 <= int(month) <= 12:
            return dt.date(int(year), int(month), 1)
    return None


def _month_in_cells(cells: list[str]) -> dt.date | None:
    """A month and a year in cells of their own ("Month | July", "Year | 2023"): one of each, or nothing."""
    months = {MONTHS[m[:3].lower()] for cell in cells for m in MONTH_WORD.findall(cell)}
    years = {int(y) for cell in cells for y in YEAR_WORD.findall(cell)}
    if len(months) == 1 and len(years) == 1:
        return dt.date(years.pop(), months.pop(), 1)
    return None


def _first_month(spec: SourceSpec, sheet: str, titles: list[list[Any]]) -> tuple[dt.date, str] | None:
    """The month the first day column belongs to, and where it was found: the `month` option, a title above
    the days, the sheet's name, the file's name."""
    given = spec.options.get("month")
    if given:
        iso = re.fullmatch(r"\s*((?:19|20)\d{2})-(\d{1,2})\s*", str(given))
        month = _month_in(str(given)) if iso is None else (
            dt.date(int(iso[1]), int(iso[2]), 1) if 1 <= int(iso[2]) <= 12 else None)
        if month is None:
            raise SourceReadError(spec.name, f"month {quoted(given)} is not a month: write it like \"2025-08\"")
        return month, "the month option"
    for row in titles:
        for value in row:
            if isinstance(value, (dt.date, pd.Timestamp)):
                return pd.Timestamp(value).date().replace(day=1), f"the title {quoted(_text(value))}"
            month = _month_in(str(value)) if not is_blank(value) else None
            if month:
                return month, f"the title {quoted(_text(value))}"
    month = _month_in_cells([_text(value) for row in titles for value in row if not is_blank(value)])
    if month:
        return month, "the title rows"
    for name, where in ((sheet, "the sheet's name"), (spec.file.stem, "the file's name")):
        month = _month_in(name.replace("_", " "))
        if month:
            return month, f"{where} {quoted(name)}"
    return None


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _numbered_days(spec: SourceSpec, sheet: str, rows: list[list[Any]], day_row: int,
                   numbered: dict[int, tuple[int, str, int | None]]) -> list[DayColumn]:
    """Dates of day-number columns: the month found above them, moving on when the numbers wrap (a pay cycle
    from the 26th to the 25th), checked against weekday letters."""
    where_row = day_row + 1
    start = _first_month(spec, sheet, rows[:day_row])
    if start is None:
        raise SourceReadError(
            spec.name, f"{spec.file.name} has a column per day numbered 1, 2, 3… (row {where_row}) but does not say "
                       f"which month and year: no title, sheet name or file name names them; set month = "
                       f"\"YYYY-MM\" under this source's options", row=where_row)
    month, found_in = start
    days, previous = [], 0
    for column, (day, weekday, month_named) in sorted(numbered.items()):
        if month_named:
            month = month.replace(month=month_named) if month_named >= month.month else month.replace(
                year=month.year + 1, month=month_named)
        elif day < previous:
            month = _next_month(month)
        previous = day
        header = _text(rows[day_row][column])
        if day > calendar.monthrange(month.year, month.month)[1]:
            days.append(DayColumn(column, header, dt.date.min))  # a 31st in a 30-day month: must stay empty
            continue
        date = month.replace(day=day)
        if weekday and date.weekday() not in WEEKDAY_CODES[weekday]:
            raise SourceReadError(
                spec.name, f"row {where_row} of {spec.file.name} says day {day} is a {quoted(weekday.title())}, but "
                           f"{date:%d %B %Y} is a {date:%A}: the month was taken from {found_in}; "
                           f"set month = \"YYYY-MM\" under this source's options", row=where_row)
        days.append(DayColumn(column, header, date))
    return days


def _day_columns(spec: SourceSpec, sheet: str, rows: list[list[Any]]) -> tuple[int, list[DayColumn]] | None:
    found = _day_row(rows)
    if found is None:
        return None
    day_row, dates, numbered = found
    if dates:
        days = [DayColumn(c, _text(rows[day_row][c]), d) for c, d in sorted(dates.items())]
    else:
        days = _numbered_days(spec, sheet, rows, day_row, numbered)
    return day_row, _status_columns(rows, day_row, days)


def _status_columns(rows: list[list[Any]], day_row: int, days: list[DayColumn]) -> list[DayColumn]:
    """Days heading a block of columns each (Keka's Monthly Performance Report: Shift, IN, OUT, hours... Status
    under every date): the mark is in the block's Status column, not under the date."""
    if day_row + 1 >= len(rows):
        return days
    labels = rows[day_row + 1]
    status = [i for i, value in enumerate(labels) if str(value).strip().lower() == BLOCK_MARKS]
    if len(status) < MIN_DAY_COLUMNS:
        return days
    ends = [day.column for day in days[1:]] + [len(labels)]
    moved = []
    for day, end in zip(days, ends, strict=True):
        column = next((i for i in status if day.column <= i < end), None)
        if column is not None:
            moved.append(DayColumn(column, day.header, day.date))
    return moved


def _weekday_row_warning(sheet: str, rows: list[list[Any]], day_row: int, days: list[DayColumn]) -> str | None:
    """A row of weekday names typed under (or over) the days that disagrees with the dates read: said, not refused
    (a template's weekday row is often last year's), so the owner can check the month."""
    for index in (day_row + 1, day_row - 1):
        if not 0 <= index < len(rows):
            continue
        named = {day: str(rows[index][day.column]).strip().lower().rstrip(".") for day in days
                 if day.column < len(rows[index]) and day.date != dt.date.min}
        named = {day: name for day, name in named.items() if len(name) > 1 and name in WEEKDAY_CODES}
        if len(named) < MIN_DAY_COLUMNS:
            continue
        wrong = [day for day, name in named.items() if day.date.weekday() not in WEEKDAY_CODES[name]]
        if wrong:
            first = wrong[0]
            return (f"row {index + 1} of sheet {quoted(sheet)} says {first.date:%d %B} is a "
                    f"{quoted(rows[index][first.column])}, but {first.date:%d %B %Y} is a {first.date:%A}: the days "
                    f"were read as {first.date:%B %Y}; if the sheet is for another month, set month = \"YYYY-MM\" "
                    f"under this source's options")
    return None


# --- the people ---------------------------------------------------------------------------------


def _label(row: Sequence[Any], before: int) -> str:
    """The first written cell left of the day columns, as a lower-case label without its colon."""
    for value in row[:before]:
        if not is_blank(value):
            return str(value).strip().rstrip(":").strip().lower()
    return ""


def _block_marks(sheet: str, rows: list[list[Any]], days: list[DayColumn], start: int) -> list[Mark]:
    """eSSL's blocks: "Employee: code : name" sets the person, their "Status" row holds the marks."""
    first_day = days[0].column
    marks, person = [], None
    for index in range(start, len(rows)):
        row = rows[index]
        label = _label(row, first_day)
        if label in BLOCK_PERSON:
            at = next(i for i, value in enumerate(row) if not is_blank(value))
            after = [_text(value) for value in row[at + 1:] if not is_blank(value)]
            person = after[0].split(" : ")[0].strip() if after else None
        elif label == BLOCK_MARKS and person:
            marks += [Mark(sheet, index + 1, person, day, row[day.column] if day.column < len(row) else None)
                      for day in days]
    return marks


def _day_like(row: Sequence[Any], days: list[DayColumn]) -> bool:
    """A header row under the days (dates again, weekday names, each block's "Status"), not a person's marks."""
    cells = [row[d.column] for d in days if d.column < len(row) and not is_blank(row[d.column])]
    if not cells:
        return False
    headers = sum(isinstance(v, (dt.date, pd.Timestamp)) or str(v).strip().lower().rstrip(".") in WEEKDAY_CODES
                  or str(v).strip().lower() == BLOCK_MARKS or bool(DATE_TEXT.match(str(v).strip())) for v in cells)
    return headers >= len(cells) / 2


def _person_column(spec: SourceSpec, rows: list[list[Any]], day_row: int, data_start: int,
                   first_day: int) -> int:
    """The column left of the days that names the person: by its header (Employee Code, Emp ID, Name...)
    or the `employee` column mapping; else the only column written in."""
    labels = []
    for column in range(first_day):
        written = [_text(rows[r][column]) for r in range(max(day_row - 1, 0), data_start) if column < len(rows[r])]
        labels.append(next((text for text in reversed(written) if text), ""))
    named = {label: i for i, label in enumerate(labels) if label}
    mapping = resolve_columns(list(named), "attendance", spec.columns, spec.name)
    if "employee" in mapping:
        return named[mapping["employee"]]
    used = [c for c in range(first_day) if any(c < len(r) and not is_blank(r[c]) for r in rows[data_start:])]
    if len(used) == 1:
        return used[0]
    raise SourceReadError(
        spec.name, f"{spec.file.name} has a column per day, but none of the columns before them "
                   f"({column_list([label for label in labels if label]) or 'unnamed'}) is named like the person "
                   f"(Employee Code, Emp ID, Name); set employee = the column's name under [sources.columns]")


def _grid_marks(spec: SourceSpec, sheet: str, rows: list[list[Any]], day_row: int, days: list[DayColumn],
                repeats: list[Repeat], notes: list[str]) -> list[Mark]:
    """A row per person under the days, until a total or a second header; the rows left below it are said."""
    first_day = days[0].column
    start = day_row + 1
    while start < len(rows) and _day_like(rows[start], days):
        start += 1
    person_column = _person_column(spec, rows, day_row, start, first_day)
    people: dict[int, list[str]] = {}  # spreadsheet row -> the cells left of the days
    for index in range(start, len(rows)):
        labels = [_text(v) for v in rows[index][:first_day]]
        if any(SUMMARY_LABELS.match(label) for label in labels) or _day_like(rows[index], days):
            # totals and summaries below the staff; named, in case a second team's rows follow them
            below = [r + 1 for r in range(index + 1, len(rows)) if person_column < len(rows[r])
                     and not is_blank(rows[r][person_column])]
            if below:
                notes.append(f"rows {below[0]} to {below[-1]} of sheet {quoted(sheet)}, under row {index + 1} "
                             f"({quoted(next((label for label in labels if label), ''))}), were taken for totals, "
                             f"not people")
            break
        if person_column < len(labels) and labels[person_column]:
            people[index + 1] = labels
    names = _distinct_people(sheet, people, person_column, repeats)
    return [Mark(sheet, row, names[row], day, rows[row - 1][day.column] if day.column < len(rows[row - 1]) else None)
            for row in people for day in days]


@dataclass(frozen=True)
class Repeat:
    """A person's code on more than one row of a sheet."""

    code: str
    rows: tuple[int, ...]
    sheet: str
    two_people: bool  # the rows name different people


def _distinct_people(sheet: str, people: dict[int, list[str]], person_column: int,
                     repeats: list[Repeat]) -> dict[int, str]:
    """Each row's person. A code on two rows of one sheet with different names is two people (a muster's row is
    a person), told apart by the other cells; the same code and name twice is one person listed twice."""
    names = {row: labels[person_column] for row, labels in people.items()}
    rows_of: dict[str, list[int]] = {}
    for row, name in names.items():
        rows_of.setdefault(name, []).append(row)
    for name, rows in rows_of.items():
        if len(rows) < 2:
            continue
        others = {row: " ".join(cell for i, cell in enumerate(people[row]) if i != person_column and cell)
                  for row in rows}
        two_people = len(set(others.values())) == len(rows) and all(others.values())
        if two_people:
            names |= {row: f"{name} ({cut(others[row], 40)})" for row in rows}
        repeats.append(Repeat(name, tuple(rows), sheet, two_people))
    return names


def _repeat_warnings(repeats: list[Repeat]) -> list[str]:
    """One sentence for codes given to two people, one for people listed twice: not one per row."""
    said = []
    for two_people, what in ((True, "with different names: each row was counted as its own person; give each "
                                    "person their own code"),
                             (False, "with the same name: counted once, present on a day when any of those rows "
                                     "says so")):
        found = [r for r in repeats if r.two_people == two_people]
        if found:
            listed = "; ".join(f"{quoted(r.code)} rows {', '.join(map(str, r.rows[:4]))} of {quoted(r.sheet)}"
                               for r in found[:3])
            more = f" and {len(found) - 3} more" if len(found) > 3 else ""
            said.append(f"a code is on more than one row ({listed}{more}) {what}")
    return said


# --- the connector ------------------------------------------------------------------------------


def _hours_as_marks(values: pd.Series) -> pd.Series:
    """Hours worked written under a day (8, 4.5, 0) as marks: more than none is present."""
    numbers = pd.to_numeric(values.map(lambda v: _text(v) if not isinstance(v, bool) else None), errors="coerce")
    hours = numbers.notna() & (numbers >= 0)
    return values.where(~hours, numbers.gt(0).map({True: "P", False: "A"}))


MISSING_MARK = ("no mark for this person on this day: mark the day in the sheet (WO or \"left\" for a day they "
                "were not due)")


def marks_frame(spec: SourceSpec, marks: list[Mark], sheets: int) -> tuple[pd.DataFrame, IssueLog]:
    """The attendance frame of the marks (spreadsheet rows as its index), with the blank rule of the module
    docstring; unreadable and missing marks stay as rows with `present` unknown, as the daily readers keep them."""
    table = pd.DataFrame({
        "row": [m.row for m in marks], "employee": [m.employee for m in marks], "date": [m.day.date for m in marks],
        "value": [m.value for m in marks], "header": [cut(m.day.header) for m in marks],
        "column": [m.day for m in marks], "sheet": [m.sheet for m in marks],
    }).set_index("row")
    blank = table["value"].map(is_blank)
    impossible = table[~blank & (table["date"] == dt.date.min)]
    if len(impossible):
        row = int(impossible.index[0])
        raise SourceReadError(spec.name, f"column {quoted(impossible['header'].iloc[0])} of {spec.file.name} is a day "
                                         f"its month does not have, but row {row} has a mark under it; set month = "
                                         f"\"YYYY-MM\" under this source's options", row=row)
    values = _hours_as_marks(table["value"]).map(_text)
    present, unknown, not_counted = parse_bool_presence(values, own_marks(spec))
    worked = ~blank & ~not_counted  # a mark of a working day: P, A, leave, or one to ask about (not WO, H)
    # a day column without one is not filled in yet (registers pre-fill WO on the month's weekends), or spare
    filled = table["column"].isin(set(table.loc[worked, "column"]))
    first_day = table["employee"].map(table[worked].groupby("employee")["date"].min())
    joined = (table["date"] >= first_day).fillna(False).astype(bool)
    # A person never marked is not on the month's staff, unless their sheet has a single day filled in so far (the
    # 1st, half done): then they may just not be marked yet, and their blank is a missing mark, not "not joined".
    filled_days = table.loc[worked].groupby("sheet")["column"].nunique()
    undecided = first_day.isna() & table["sheet"].map(filled_days).eq(1)
    keep = filled & (~blank | joined | undecided)  # and blanks before a person's first working day: not joined
    table, values, present, unknown, not_counted = (table[keep], values[keep], present[keep], unknown[keep],
                                                    not_counted[keep])
    blank = table["value"].map(is_blank)
    issues = IssueLog(spec.name)
    problems = table.assign(blank=blank, unknown=unknown, text=values)[blank | unknown]
    every = list(values[unknown].str.strip().value_counts().index)  # named in each message: taught in one go
    for (sheet, header, day), cells in problems.groupby(["sheet", "header", "date"], sort=False):
        column = f"{header}' on sheet '{sheet}" if sheets > 1 else header  # CellIssue quotes it: 'header'
        issues.add(cells["blank"], cells["value"], column, "attendance mark", MISSING_MARK, day)
        add_unknown_marks(issues, cells["unknown"], cells["text"], column, day, every)
    frame = pd.DataFrame({"employee": table["employee"].astype("str"), "date": pd.to_datetime(table["date"]),
                          "present": present})
    bad = blank | unknown
    counted = frame[~(bad | not_counted)]
    grouped = counted.assign(_row=counted.index).groupby(["employee", "date"], sort=False).agg(
        present=("present", "max"), _row=("_row", "min"))
    out = grouped.reset_index().set_index("_row")
    out["present"] = out["present"].astype(bool)
    if bad.any():
        unread = frame[bad].assign(present=pd.NA)
        out = pd.concat([out.astype({"present": "boolean"}), unread.astype({"present": "boolean"})])
    return out, issues


class MusterConnector:
    """A monthly attendance sheet: a row (or an eSSL block) per person, a column per day."""

    key = "muster"
    label = "Monthly attendance sheet (a column per day)"
    domain: Domain = "attendance"

    def detect(self, probe: Probe) -> int:
        if probe.suffix not in (*EXCEL_SUFFIXES, *CSV_SUFFIXES):
            return 0
        if probe.suffix in EXCEL_SUFFIXES:
            rows = _first_sheets_head(probe.path)
        else:  # a text file's first rows: its header may sit below a title the probe took for it
            rows = [list(probe.header), *text_rows(probe.head_text, sniff_delimiter(below_titles(probe.head_text)))]
        return SURE if _day_row(rows) is not None else 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        marks: list[Mark] = []
        repeats: list[Repeat] = []
        warnings: list[str] = []
        notes: list[str] = []
        read_sheets, carried = [], None
        for name, rows in _sheets(spec):
            found = _day_columns(spec, name, rows)
            days = found[1] if found is not None else carried
            if not days:
                continue
            blocks = any(_label(row, days[0].column) == BLOCK_MARKS for row in rows)
            if found is None and not blocks:
                continue  # eSSL prints the days on its first page only; other sheets without days are not ours
            carried = days
            start = found[0] + 1 if found is not None else 0
            weekdays = _weekday_row_warning(name, rows, found[0], days) if found is not None else None
            if weekdays and not warnings:  # once a file: the next sheet's template row says the same
                warnings.append(weekdays)
            sheet_marks = (_block_marks(name, rows, days, start) if blocks
                           else _grid_marks(spec, name, rows, start - 1, days, repeats, notes))
            if sheet_marks:
                marks += sheet_marks
                read_sheets.append(name)
        if not marks:
            raise SourceReadError(
                spec.name, f"{spec.file.name} has no person's row under its day columns: is it the monthly sheet "
                           f"(a row per person, a column per day)? If its days are not in the first {SCAN_ROWS} rows, "
                           f"export it again without the extra rows at the top")
        out, issues = marks_frame(spec, marks, len(read_sheets))
        days = sorted({m.day.date for m in marks if m.day.date != dt.date.min})
        people = max(len({m.employee for m in marks if m.sheet == sheet}) for sheet in read_sheets)
        note = (f"read as a monthly sheet: {people} {'person' if people == 1 else 'people'}"
                f"{' on the longest sheet' if len(read_sheets) > 1 else ''}, "
                f"{days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"
                + (f", from {len(read_sheets)} sheets" if len(read_sheets) > 1 else ""))
        frame = _finish(out, "attendance", spec, self.key, True, issues, [*warnings, *_repeat_warnings(repeats)])
        frame.notes += [note, *notes]
        return frame


CONNECTORS = (MusterConnector(),)

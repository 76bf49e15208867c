"""Generic table readers (CSV, JSON, Excel) and the generic `csv`/`json`/`excel` connectors.

Readers return raw cells (strings for CSV/JSON, mixed objects for Excel) indexed by the row number
a person would see: spreadsheet row (header = 1) or the 1-based JSON record. Presets reuse them
and then map columns themselves; the generic connectors map columns by alias (columns.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .base import Domain, Probe, SourceFrame, SourceReadError, SourceSpec
from .canonical import canonicalise, check_activity_log, check_dated, check_day_columns, reversed_orders
from .columns import resolve_columns
from .parsing import blank_text, decode, first_row, sniff_delimiter
from .quoting import cut, cut_message, quoted
from .registers import (
    SCAN_ROWS,
    HeaderLayout,
    apply_filter,
    below_titles,
    find_header,
    header_row_option,
    text_rows,
)
from .sniff import EXCEL_SUFFIXES, OLD_EXCEL
from .xlsx import sheet_facts

# Option set by registry.preview(): read only this many records.
PREVIEW_ROWS = "preview_rows"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
JSON_SUFFIXES = (".json",)
RECORD_KEYS = ("response", "data", "records", "orders", "leads", "items", "results", "rows")


def _nrows(spec: SourceSpec) -> int | None:
    value = spec.options.get(PREVIEW_ROWS)
    return int(value) if value is not None else None  # type: ignore[call-overload]


def _encoding(spec: SourceSpec) -> str | None:
    value = spec.options.get("encoding")
    return str(value) if value else None


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with no value at all (keeping the index, so row numbers stay true)."""
    if frame.empty or not len(frame.columns):
        return frame
    first = frame.iloc[:, 0]
    candidates = blank_text(first.astype("str"))  # cheap pre-filter: one column (often an id)
    if not candidates.any():
        return frame
    sub = frame[candidates]
    blank = (sub.isna() | sub.astype("str").apply(lambda col: col.str.strip() == "")).all(axis=1)
    return frame.drop(index=sub.index[blank])


# Files at least this big are parsed straight from disk in chunks (see read_csv_table).
STREAM_BYTES = 4 * 1024 * 1024
CHUNK_ROWS = 200_000
Reducer = Callable[[pd.DataFrame], pd.DataFrame]


def read_csv_table(
    spec: SourceSpec, usecols: Collection[str] | None = None, reduce: Reducer | None = None
) -> pd.DataFrame:
    """Read delimited text as strings, indexed by spreadsheet row.

    `usecols` lets presets read only what they need (Shopify exports have 79 columns). Records
    are counted, not lines, so a quoted cell with a newline still gives the right row number.
    `reduce` may drop rows a preset will never look at; it is applied chunk by chunk on large files,
    so it must keep every row its caller needs and decide each row on its own (or per chunk, when
    keeping more rows than needed is harmless).
    """
    streamed = _read_csv_streaming(spec, usecols, reduce)
    if streamed is not None:
        return streamed
    with open(spec.file, "rb") as fh:
        raw = fh.read()
    try:
        text, _ = decode(raw, _encoding(spec))
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceReadError(spec.name, f"cannot read {spec.file.name} as text in the encoding set for it "
                                         f"({cut_message(exc)}): correct or remove encoding in its settings") from exc
    del raw
    if not text.strip():
        raise SourceReadError(spec.name, f"{spec.file.name} is empty: export it again")
    delimiter = sniff_delimiter(below_titles(text), str(spec.options.get("delimiter") or "") or None)
    layout = csv_layout(spec, text, delimiter)
    frame = _parse_csv(spec, io.StringIO(text, newline=""), delimiter, usecols, None, layout=layout,
                       tail=_unfinished_line(text, text[-65536:], delimiter, layout))
    return reduce(frame) if reduce is not None else frame


def csv_layout(spec: SourceSpec, text: str, delimiter: str) -> HeaderLayout | None:
    """Where the header is when it is not the first line (title rows above it), or when the rows run wider
    than it (a trailing delimiter on every row), else None.

    pandas would take rows one value wider than the header as having an index column, and shift every
    value one column to the left of its name; named and padded, the extra values are checked instead.
    """
    head = text_rows(text, delimiter)
    layout = find_header(head, header_row_option(spec))
    if layout.row >= len(head):
        raise SourceReadError(spec.name, f"header_row {layout.row + 1} is past the first {len(head)} rows of "
                                         f"{spec.file.name}")
    width = max((len(row) for row in head[layout.row:]), default=0)
    if layout.row == 0 and not layout.sub and width <= len(head[0]):
        return None
    names = list(layout.names) + [f"Unnamed: {i}" for i in range(len(layout.names), width)]
    return HeaderLayout(layout.row, layout.sub, tuple(names), len(layout.names))


def _check_overflow(spec: SourceSpec, frame: pd.DataFrame, layout: HeaderLayout | None, delimiter: str) -> None:
    """A row with values past the header's last column cannot be lined up with it.

    Title rows make pandas take its column count from names we give it, padded so that rows
    ending in empty fields still parse; a value in that padding is a row with one value too many
    (an unquoted "1,200" or "Sharma, Sons"): reading it would shift its amount, so it is refused
    with the sentence a header on row 1 gets from the tokenizer.
    """
    if layout is None:
        return
    padded = [c for c in layout.padded if c in frame.columns]
    if not padded:
        return
    filled_cells = frame[padded].fillna("").astype("str").apply(lambda col: col.str.strip() != "")
    extra = filled_cells.any(axis=1)
    if not extra.any():
        return
    row = extra[extra].index[0]
    saw = max(layout.names.index(c) for c in padded if filled_cells.at[row, c]) + 1
    exc = pd.errors.ParserError(f"Expected {layout.width} fields in line {row}, saw {saw}")
    raise SourceReadError(spec.name, csv_error_sentence(spec.file.name, exc, delimiter, layout.row + 1), row=int(row))


def _parse_csv(
    spec: SourceSpec, source: Any, delimiter: str, usecols: Collection[str] | None, encoding: str | None,
    reduce: Reducer | None = None, layout: HeaderLayout | None = None, *, tail: tuple[str, int] | None = None,
) -> pd.DataFrame:
    """pandas' C parser with our conventions; with `reduce`, chunk by chunk (memory stays small).

    `tail` is (last line, header width) when the file does not end with a line break: then a last
    row with fewer values than the header was cut off mid-write (an interrupted export or copy).
    """
    wanted = set(usecols) | set(layout.padded if layout else ()) if usecols is not None else None
    placed = {"header": None, "names": list(layout.names), "skiprows": layout.data_start} if layout else {}
    first = layout.first_data_row if layout else 2  # the spreadsheet row of the first record
    try:
        reader = pd.read_csv(
            source,
            **placed,
            sep=delimiter,
            dtype="str",
            keep_default_na=False,
            skip_blank_lines=False,
            usecols=(lambda c: c.strip() in wanted) if wanted is not None else None,
            nrows=_nrows(spec),
            engine="c",
            encoding=encoding,
            chunksize=CHUNK_ROWS if reduce is not None else None,
        )
        if reduce is None:
            frame = _tidy(reader, first)
            _check_overflow(spec, frame, layout, delimiter)
            last_row = int(frame.index[-1]) if len(frame) else None
        else:
            parts, start, notes = [], first, []
            with reader:
                for chunk in reader:
                    size = len(chunk)
                    tidy = _tidy(chunk, start)
                    _check_overflow(spec, tidy, layout, delimiter)
                    notes += tidy.attrs.get("notes", [])
                    parts.append(reduce(tidy))
                    start += size
            frame = pd.concat(parts) if len(parts) > 1 else parts[0]
            frame.attrs["notes"] = notes
            last_row = start - 1 if start > first else None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        header_row = layout.row + 1 if layout else 1
        exc = _against_the_header(source, delimiter, encoding, exc, layout)
        raise SourceReadError(spec.name, csv_error_sentence(spec.file.name, exc, delimiter, header_row)) from exc
    if tail is not None:
        _check_last_line(spec, tail, delimiter, last_row)
    return frame


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _against_the_header(source: Any, delimiter: str, encoding: str | None, exc: Exception,
                        layout: HeaderLayout | None) -> Exception:
    """pandas' count error restated against the header row's own width.

    When the rows run wider than the header (an unquoted comma in the last column of every row), pandas
    counts from the rows (or from the header padded to them, see csv_layout), so it blames the first row two
    values wider and says the header is wider than it is. The first row wider than the header is the one to fix.
    """
    fields = _FIELDS.search(str(exc))
    if fields is None:
        return exc
    header_line = layout.row if layout is not None else 0
    try:
        if isinstance(source, io.StringIO):
            handle: Any = io.StringIO(source.getvalue())
        else:
            handle = open(source, encoding=encoding or "utf-8", errors="replace", newline="")  # noqa: SIM115
        with handle:
            rows = csv.reader(handle, delimiter=delimiter)
            for _ in range(header_line):
                next(rows, None)
            header = next(rows, [])
            width = layout.width if layout is not None and layout.width else len(header)
            if width >= int(fields.group(1)):
                return exc
            for line, row in enumerate(rows, start=header_line + 2):
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    return pd.errors.ParserError(f"Expected {width} fields in line {line}, saw {len(row)}")
    except (OSError, csv.Error):
        pass
    return exc


def csv_error_sentence(name: str, exc: Exception, delimiter: str, header_row: int = 1) -> str:
    """pandas' tokenizer message ("C error: Expected 3 fields in line 10, saw 4") as a person would say it.

    pandas counts file lines, title rows above a header included, so its line is the spreadsheet row.
    """
    text = str(exc)
    shown = "a tab" if delimiter == "\t" else quoted(delimiter)
    fields = _FIELDS.search(text)
    if fields:
        expected, line, saw = (int(n) for n in fields.groups())
        header = "its first row" if header_row == 1 else f"its header (row {header_row})"
        wrong = ("the first row is a title rather than the column names" if header_row == 1
                 else f"row {header_row} is not the header (set header_row in this source's settings)")
        return (f"row {line} of {name} has {saw} values but {header} has {expected} column"
                f"{'s' if expected != 1 else ''}, so the columns cannot be lined up: a value in that row may "
                f"contain {shown} without quotes, or {wrong}; "
                f"fix that row in the file (or export it again)")
    quote = _EOF_QUOTE.search(text)
    if quote:
        return (f"a quote mark (\") opened near row {int(quote.group(1)) + 1} of {name} is never closed, so the rest "
                f"of the file would be one cell: the file may be cut off; fix that row or export it again")
    if isinstance(exc, pd.errors.EmptyDataError):
        return f"{name} has no columns to read: it is empty or holds only blank lines; export it again"
    return f"cannot read {name} as CSV ({cut_message(text)}): check that it is a CSV export"


def _unfinished_line(
    head: str, end: str, delimiter: str, layout: HeaderLayout | None = None
) -> tuple[str, int] | None:
    """(last line, number of header columns) when the text does not end with a line break.

    The header is the first row, or the row `layout` found below title rows (whose own width, not
    the title's, is what a complete row has).
    """
    if not end or end.endswith(("\n", "\r")):
        return None
    if layout is not None:
        rows = text_rows(head, delimiter)
        width = len(rows[layout.row]) if layout.row < len(rows) else len(layout.names)
    else:
        width = len(first_row(head[:65536], delimiter))
    return end.rsplit("\n", 1)[-1].rsplit("\r", 1)[-1], width


def _check_last_line(spec: SourceSpec, tail: tuple[str, int], delimiter: str, row: int | None) -> None:
    """A file that stops mid-line, whose last line has fewer values than the header, was cut off."""
    line, width = tail
    if not line.strip() or line.count('"') % 2:
        return  # an open quote is the tokenizer's to report
    if len(next(csv.reader([line], delimiter=delimiter), [])) >= width:
        return
    where = f" (row {row})" if row is not None else ""
    raise SourceReadError(
        spec.name,
        f"the last line of {spec.file.name}{where} is cut off: the file ends in the middle of it, so the export or "
        f"copy was not finished and rows may be missing; export the file again",
        row=row,
    )


def _tidy(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    written = str(frame.columns[0]) if len(frame.columns) else ""
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(first_row, len(frame) + first_row)
    frame = _drop_repeated_headers(frame, written)
    return _drop_blank_rows(frame)


def _drop_repeated_headers(frame: pd.DataFrame, written: str) -> pd.DataFrame:
    """Rows that repeat the header (reports that print it on every page, or two exports pasted together).

    A repeated header is written like the first one, so its first cell is found by plain equality
    (no per-cell string work on a million-row column); the other cells are then compared loosely.
    """
    if frame.empty or len(frame.columns) < 2:
        return frame
    first = frame.columns[0]
    candidates = frame[frame.iloc[:, 0].isin({first, written, first.lower(), first.upper()})]
    if candidates.empty:
        return frame
    same = pd.DataFrame({c: candidates.iloc[:, i].astype("str").str.strip().str.lower() == str(c).lower()
                         for i, c in enumerate(frame.columns)})
    repeated = same.sum(axis=1) >= max(2, (len(frame.columns) + 1) // 2)
    if not repeated.any():
        return frame
    rows = [int(r) for r in repeated[repeated].index]
    listed = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
    kept = frame.drop(index=repeated[repeated].index)
    kept.attrs["notes"] = [f"row{'s' if len(rows) > 1 else ''} {listed} repeat{'' if len(rows) > 1 else 's'} the "
                           f"header row: left out"]
    return kept


def _read_csv_streaming(
    spec: SourceSpec, usecols: Collection[str] | None, reduce: Reducer | None
) -> pd.DataFrame | None:
    """A large UTF-8 file parsed from disk instead of decoded into one Python string first.

    Decoding a 200 MB export into a str and wrapping it in StringIO holds several copies of it
    (about 1.8 GB peak for 1,000,000 Shopify rows). The answer is the same: the delimiter is sniffed
    from the same first characters, and any file that is not strict UTF-8 without a BOM (or names
    another encoding) returns None so the caller decodes it the old way (cp1252 fallback and all).
    """
    encoding = _encoding(spec)
    if encoding not in (None, "utf-8", "utf8") or spec.file.stat().st_size < STREAM_BYTES:
        return None
    with open(spec.file, "rb") as fh:
        head = fh.read(4 * 65536)
        fh.seek(-min(65536, spec.file.stat().st_size), io.SEEK_END)
        end = fh.read()
        last = end[-1:]
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    whole = len(head) < 4 * 65536
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        return None
    if not text.strip() or (not whole and len(text) <= 65536):
        return None
    # sniff_delimiter looks at the first 65,536 characters and at whether the whole text ends a line.
    sample = text if whole else text[:65536] + last.decode("latin-1")
    delimiter = sniff_delimiter(below_titles(sample), str(spec.options.get("delimiter") or "") or None)
    try:
        layout = csv_layout(spec, sample, delimiter)
        tail = _unfinished_line(text, end.decode("utf-8", errors="replace"), delimiter, layout)
        return _parse_csv(spec, spec.file, delimiter, usecols, "utf-8", reduce, layout, tail=tail)
    except UnicodeDecodeError:
        return None  # not UTF-8 after all, somewhere past the head


def load_json(spec: SourceSpec) -> Any:
    """The parsed JSON document (encoding detected like CSV)."""
    with open(spec.file, "rb") as fh:
        text, _ = decode(fh.read(), _encoding(spec))
    if not text.strip():
        raise SourceReadError(spec.name, f"{spec.file.name} is empty: export it again")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceReadError(
            spec.name, f"{spec.file.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): "
                       f"it may be cut off or not a JSON export; export it again") from exc
    except RecursionError as exc:
        raise SourceReadError(spec.name, f"{spec.file.name} is nested too deeply to be an export") from exc


def find_records(doc: Any, key: str | None = None) -> list[dict[str, Any]] | None:
    """The list of records in a document: the document itself, or a list under a known key."""
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        return None
    lowered = {str(k).lower(): k for k in doc}
    for name in ([key.lower()] if key else []) + list(RECORD_KEYS):
        if name in lowered and isinstance(doc[lowered[name]], list):
            return doc[lowered[name]]
    for value in doc.values():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value[:10]):
            return value
    for value in doc.values():  # one level down, e.g. {"data": {"orders": [...]}}
        if isinstance(value, dict):
            found = find_records(value, key)
            if found is not None:
                return found
    return None


def records_frame(records: list[Any], nrows: int | None = None) -> pd.DataFrame:
    """Records to a frame of strings, nested dicts flattened with '.', indexed 1..n."""
    if nrows is not None:
        records = records[:nrows]
    records = [r if isinstance(r, dict) else {"value": r} for r in records]
    frame = pd.json_normalize(records, sep=".") if records else pd.DataFrame()
    frame = frame.astype(object).where(frame.notna(), "")
    frame = frame.map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v).astype("str")
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def read_json_table(spec: SourceSpec) -> pd.DataFrame:
    doc = load_json(spec)
    records = find_records(doc, str(spec.options.get("records_key") or "") or None)
    if records is None:
        raise SourceReadError(spec.name, f"{spec.file.name} holds no list of records (objects with named fields "
                                         f"such as {{\"date\": …, \"amount\": …}})")
    if not records:
        raise SourceReadError(spec.name, f"{spec.file.name} holds an empty list: there are no records in it")
    others = [r for r in records[:1000] if not isinstance(r, dict)]
    if others:
        kind = {int: "numbers", float: "numbers", str: "texts", list: "lists", bool: "true/false values"}.get(
            type(others[0]), "values")
        where = "is" if len(others) == min(len(records), 1000) else "has items that are"
        raise SourceReadError(spec.name, f"{spec.file.name} {where} a list of {kind} (e.g. {quoted(others[0])}), "
                                         f"not a list of records with named fields such as "
                                         f"{{\"date\": …, \"amount\": …}}")
    return records_frame(records, _nrows(spec))


def read_excel_table(spec: SourceSpec) -> pd.DataFrame:
    """First sheet (or options["sheet"]) as mixed objects: parse dates and amounts per cell later.

    The header is found below any title rows (see registers.py); the index stays the spreadsheet row.
    """
    sheet = spec.options.get("sheet", 0)
    nrows = _nrows(spec)
    old = spec.file.suffix.lower() == OLD_EXCEL
    try:
        grid = pd.read_excel(
            spec.file, sheet_name=sheet, dtype=object, header=None, engine=_excel_engine(old),
            nrows=nrows + SCAN_ROWS + 2 if nrows is not None else None,
        )
    except ValueError as exc:
        if "not found" in str(exc).lower():  # "Worksheet named 'x' not found"
            raise SourceReadError(spec.name, f"{spec.file.name} has no sheet {quoted(sheet)}: correct sheet in "
                                             f"this source's settings") from exc
        raise _damaged_workbook(spec, exc) from exc
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError, KeyError, openpyxl's own: a damaged file
        raise _damaged_workbook(spec, exc) from exc
    layout = find_header(grid.head(SCAN_ROWS).to_numpy().tolist(), header_row_option(spec))
    if layout.row >= max(len(grid), 1):
        raise SourceReadError(spec.name, f"header_row {layout.row + 1} is past the last row ({len(grid)}) of "
                                         f"{spec.file.name}")
    frame = grid.iloc[layout.data_start:]
    if nrows is not None:
        frame = frame.iloc[:nrows]
    frame = frame.copy()
    frame.columns = list(layout.names) if layout.names else [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(layout.first_data_row, len(frame) + layout.first_data_row)
    if not old:  # merged blocks and uncalculated formulas are read from the .xlsx file's own XML
        frame = _apply_sheet_facts(spec, frame, sheet)
    return _drop_blank_rows(frame)


def _excel_engine(old: bool) -> str:
    """openpyxl for .xlsx; calamine for Excel 97-2003 (.xls), which openpyxl cannot open.

    python_calamine is imported here by name so the one-folder build bundles it: pandas loads it by a
    string, out of PyInstaller's sight.
    """
    if not old:
        return "openpyxl"
    import python_calamine  # noqa: F401

    return "calamine"


def _damaged_workbook(spec: SourceSpec, exc: Exception) -> SourceReadError:
    return SourceReadError(spec.name, f"{spec.file.name} is damaged or incomplete and cannot be opened as an Excel "
                                      f"workbook ({cut(type(exc).__name__)}); export it again, or open it in Excel "
                                      f"and save it")


def _apply_sheet_facts(spec: SourceSpec, frame: pd.DataFrame, sheet: object) -> pd.DataFrame:
    """Fill merged blocks down and mark formulas Excel never calculated (see xlsx.py).

    Rows are spreadsheet rows: blocks in the title or header rows above the data are left alone.
    """
    facts = sheet_facts(spec.file, sheet if isinstance(sheet, (int, str)) else 0)
    if not facts.merged and not facts.uncalculated:
        return frame
    notes: list[str] = []
    first, last = (int(frame.index[0]), int(frame.index[-1])) if len(frame) else (2, 1)
    width = len(frame.columns)
    filled_rows: dict[str, list[int]] = {}
    for top, left, bottom, _right in facts.merged:
        if left >= width or bottom <= top or bottom < first or top > last or top < first:
            continue
        column = frame.columns[left]
        value = frame.at[top, column] if top in frame.index else None
        rows = [r for r in range(top + 1, bottom + 1) if r in frame.index and pd.isna(frame.at[r, column])]
        if value is None or (isinstance(value, float) and pd.isna(value)) or not rows:
            continue
        frame.loc[rows, column] = value
        filled_rows.setdefault(column, []).extend(rows)
        if len(notes) < 3:
            notes.append(f"cells {_ref(left, top)}:{_ref(left, bottom)} of column {quoted(column)} are merged: "
                         f"each of those rows was given {quoted(value)}")
    for (row, col), formula in facts.uncalculated.items():
        if col < width and row in frame.index and pd.isna(frame.iat[row - first, col]):
            frame.iat[row - first, col] = formula
    frame.attrs["notes"] = notes
    frame.attrs["merged"] = filled_rows
    return frame


def _ref(col: int, row: int) -> str:
    letters, col = "", col + 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def excel_header(path: Any) -> tuple[str, ...]:
    """Header row of the first sheet (below any title rows), read cheaply in read-only mode (for probing)."""
    if str(path).lower().endswith(OLD_EXCEL):
        grid = pd.read_excel(path, sheet_name=0, dtype=object, header=None, engine=_excel_engine(True),
                             nrows=SCAN_ROWS)
        rows = grid.to_numpy().tolist()
        return find_header(rows).names if rows else ()
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(row) for row in wb.worksheets[0].iter_rows(max_row=SCAN_ROWS, values_only=True)]
        return find_header(rows).names if rows else ()
    finally:
        wb.close()


@dataclass(frozen=True)
class TableConnector:
    """A generic reader: any table whose headers match the aliases in columns.py."""

    key: str
    label: str
    suffixes: tuple[str, ...]
    reader: Callable[[SourceSpec], pd.DataFrame]
    excel: bool = False
    domain: Domain | None = None

    def detect(self, probe: Probe) -> int:
        return 10 if probe.suffix in self.suffixes else 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        raw = apply_filter(self.reader(spec), spec)
        check_day_columns(raw, spec)
        if spec.domain == "sales":
            check_activity_log(raw, spec)
        mapping = resolve_columns(raw.columns, spec.domain, spec.columns, spec.name)
        check_dated(raw, mapping, spec)
        result = canonicalise(raw, mapping, spec, self.key, excel=self.excel)
        if spec.domain == "sales":
            reversed_orders(result)
        return result


GENERIC_CONNECTORS = (
    TableConnector("csv", "CSV file (columns by name)", CSV_SUFFIXES, read_csv_table),
    TableConnector("json", "JSON file (list of records)", JSON_SUFFIXES, read_json_table),
    TableConnector("excel", "Excel workbook (.xlsx, .xls)", EXCEL_SUFFIXES, read_excel_table, excel=True),
)

__all__ = [
    "GENERIC_CONNECTORS", "PREVIEW_ROWS", "TableConnector", "excel_header", "find_records", "load_json",
    "read_csv_table", "read_excel_table", "read_json_table", "records_frame",
]

"""Generic table readers (CSV, JSON, Excel) and the generic `csv`/`json`/`excel` connectors.

Readers return raw cells (strings for CSV/JSON, mixed objects for Excel) indexed by the row number
a person would see: spreadsheet row (header = 1) or the 1-based JSON record. Presets reuse them
and then map columns themselves; the generic connectors map columns by alias (columns.py).
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .base import Domain, Probe, SourceFrame, SourceReadError, SourceSpec
from .canonical import canonicalise
from .columns import resolve_columns
from .parsing import decode, filled, sniff_delimiter
from .registers import (
    SCAN_ROWS,
    HeaderLayout,
    apply_filter,
    below_titles,
    find_header,
    header_row_option,
    text_rows,
)

# Option set by registry.preview(): read only this many records.
PREVIEW_ROWS = "preview_rows"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
JSON_SUFFIXES = (".json",)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
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
    candidates = first.isna() | ~filled(first.astype("str"))  # cheap pre-filter: one column
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
        raise SourceReadError(spec.name, f"cannot decode {spec.file.name}: {exc}") from exc
    del raw
    if not text.strip():
        raise SourceReadError(spec.name, f"{spec.file.name} is empty")
    delimiter = sniff_delimiter(below_titles(text), str(spec.options.get("delimiter") or "") or None)
    layout = csv_layout(spec, text, delimiter)
    frame = _parse_csv(spec, io.StringIO(text, newline=""), delimiter, usecols, None, layout=layout)
    return reduce(frame) if reduce is not None else frame


def csv_layout(spec: SourceSpec, text: str, delimiter: str) -> HeaderLayout | None:
    """Where the header is when it is not the first line (title rows above it), else None."""
    head = text_rows(text, delimiter)
    layout = find_header(head, header_row_option(spec))
    if layout.row == 0 and not layout.sub:
        return None
    if layout.row >= len(head):
        raise SourceReadError(spec.name, f"header_row {layout.row + 1} is past the first {len(head)} rows of "
                                         f"{spec.file.name}")
    width = max((len(row) for row in head[layout.row:]), default=0)
    names = list(layout.names) + [f"Unnamed: {i}" for i in range(len(layout.names), width)]
    return HeaderLayout(layout.row, layout.sub, tuple(names))


def _parse_csv(
    spec: SourceSpec, source: Any, delimiter: str, usecols: Collection[str] | None, encoding: str | None,
    reduce: Reducer | None = None, layout: HeaderLayout | None = None,
) -> pd.DataFrame:
    """pandas' C parser with our conventions; with `reduce`, chunk by chunk (memory stays small)."""
    wanted = set(usecols) if usecols is not None else None
    placed = {"header": None, "names": list(layout.names), "skiprows": layout.data_start} if layout else {}
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
        first = layout.first_data_row if layout else 2
        if reduce is None:
            return _tidy(reader, first)
        parts, start = [], first
        with reader:
            for chunk in reader:
                size = len(chunk)
                parts.append(reduce(_tidy(chunk, start)))
                start += size
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceReadError(spec.name, f"cannot read {spec.file.name} as CSV: {exc}") from exc
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _tidy(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(first_row, len(frame) + first_row)
    return _drop_blank_rows(frame)


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
        fh.seek(-1, io.SEEK_END)
        last = fh.read(1)
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
        return _parse_csv(spec, spec.file, delimiter, usecols, "utf-8", reduce, csv_layout(spec, sample, delimiter))
    except UnicodeDecodeError:
        return None  # not UTF-8 after all, somewhere past the head


def load_json(spec: SourceSpec) -> Any:
    """The parsed JSON document (encoding detected like CSV)."""
    with open(spec.file, "rb") as fh:
        text, _ = decode(fh.read(), _encoding(spec))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceReadError(spec.name, f"{spec.file.name} is not valid JSON: {exc}") from exc


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
        raise SourceReadError(spec.name, f"{spec.file.name} holds no list of records")
    return records_frame(records, _nrows(spec))


def read_excel_table(spec: SourceSpec) -> pd.DataFrame:
    """First sheet (or options["sheet"]) as mixed objects: parse dates and amounts per cell later.

    The header is found below any title rows (see registers.py); the index stays the spreadsheet row.
    """
    sheet = spec.options.get("sheet", 0)
    nrows = _nrows(spec)
    try:
        grid = pd.read_excel(
            spec.file, sheet_name=sheet, dtype=object, header=None, engine="openpyxl",
            nrows=nrows + SCAN_ROWS + 2 if nrows is not None else None,
        )
    except (ValueError, KeyError, OSError) as exc:
        raise SourceReadError(spec.name, f"cannot read {spec.file.name} as Excel: {exc}") from exc
    layout = find_header(grid.head(SCAN_ROWS).to_numpy().tolist(), header_row_option(spec))
    if layout.row >= max(len(grid), 1):
        raise SourceReadError(spec.name, f"header_row {layout.row + 1} is past the last row ({len(grid)}) of "
                                         f"{spec.file.name}")
    frame = grid.iloc[layout.data_start:]
    if nrows is not None:
        frame = frame.iloc[:nrows]
    frame = frame.copy()
    frame.columns = list(layout.names) if layout.names else [str(c) for c in frame.columns]
    frame.index = pd.RangeIndex(layout.first_data_row, len(frame) + layout.first_data_row)
    return _drop_blank_rows(frame)


def excel_header(path: Any) -> tuple[str, ...]:
    """Header row of the first sheet (below any title rows), read cheaply in read-only mode (for probing)."""
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
        mapping = resolve_columns(raw.columns, spec.domain, spec.columns, spec.name)
        return canonicalise(raw, mapping, spec, self.key, excel=self.excel)


GENERIC_CONNECTORS = (
    TableConnector("csv", "CSV file (columns by name)", CSV_SUFFIXES, read_csv_table),
    TableConnector("json", "JSON file (list of records)", JSON_SUFFIXES, read_json_table),
    TableConnector("excel", "Excel workbook (.xlsx)", EXCEL_SUFFIXES, read_excel_table, excel=True),
)

__all__ = [
    "GENERIC_CONNECTORS", "PREVIEW_ROWS", "TableConnector", "excel_header", "find_records", "load_json",
    "read_csv_table", "read_excel_table", "read_json_table", "records_frame",
]

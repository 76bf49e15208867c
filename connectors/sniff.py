"""Tell from a file's first bytes what it really is, before any reader is asked to parse it.

A PDF, a photo or a disk image saved as "orders.csv" would otherwise be decoded as cp1252 and its
first "line" quoted as column names; a CSV renamed to ".xlsx" or a half-copied workbook would
reach the Excel reader and end in a traceback. One cheap look gives the owner a sentence instead.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .base import SourceReadError

HEAD_BYTES = 8192
OLD_EXCEL = ".xls"  # Excel 97-2003, as Tally.ERP 9, eSSL and many Indian billing tools still export
EXCEL_SUFFIXES = (".xlsx", ".xlsm", OLD_EXCEL)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls (and old Word files)

# magic bytes -> what a person would call the file
KNOWN_BINARY = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"),
)


def _utf16_text(head: bytes) -> bool:
    """UTF-16 text without a BOM: every other byte is NUL (ASCII-range characters)."""
    if len(head) < 4:
        return False
    for order in (0, 1):  # LE: NULs at odd positions, BE: at even ones
        zeros = head[1 - order::2]
        if zeros and zeros.count(0) >= 0.9 * len(zeros) and head[order::2].count(0) < 0.1 * len(zeros):
            return True
    return False


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in text that is not UTF-16."""
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return False
    if _utf16_text(head):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls > 0.05 * len(head)


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def check_readable(source: str, path: Path) -> None:
    """Raise SourceReadError with a plain sentence when `path` is not what its name says.

    Text formats (CSV/JSON) must not be binary; Excel workbooks must be ZIP files (.xlsx) or, named .xls, the
    old binary format.
    """
    if path.is_dir():
        raise SourceReadError(source, f"{path} is a folder, not a file: choose the export file inside it")
    if not path.exists():
        raise SourceReadError(source, f"file not found: {path}")
    head = _head(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        if head.startswith(ZIP_MAGIC if suffix != OLD_EXCEL else OLE_MAGIC):
            return
        if not head:
            raise SourceReadError(source, f"{name} is empty (0 bytes): export it again")
        if head.startswith(OLE_MAGIC):
            raise SourceReadError(source, f"{name} is an old Excel 97-2003 workbook (.xls) with an .xlsx name: "
                                          f"rename it to .xls, or open it in Excel and save it as .xlsx")
        if head.startswith(ZIP_MAGIC):
            raise SourceReadError(source, f"{name} is an Excel workbook (.xlsx) with an .xls name: rename it to "
                                          f".xlsx")
        if not _looks_binary(head):
            kind = "a web page (HTML)" if head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<table")) \
                else "a text (CSV) file"
            raise SourceReadError(source, f"{name} is not an Excel workbook: it is {kind} with an Excel name; "
                                          f"rename it to .csv, or open it in Excel and save it as .xlsx")
        raise SourceReadError(source, f"{name} is not an Excel workbook: it looks like a binary file of another "
                                      f"kind; export the data again as .xlsx or CSV")
    if head.startswith(ZIP_MAGIC):
        raise SourceReadError(source, f"{name} is not a CSV/JSON export: it is a ZIP file (an Excel workbook "
                                      f"or an archive); if it is a workbook, rename it to .xlsx")
    if head.startswith(OLE_MAGIC):
        raise SourceReadError(source, f"{name} is an Excel 97-2003 workbook with a {suffix or 'missing'} "
                                      f"name: rename it to .xls")
    for magic, kind in KNOWN_BINARY:
        if head.startswith(magic):
            raise SourceReadError(source, f"{name} is not a CSV/Excel/JSON export: it is {kind}")
    if _looks_binary(head):
        raise SourceReadError(source, f"{name} is not a CSV/Excel/JSON export: it looks like a binary file "
                                      f"(damaged, or not the export you meant); export it again")


__all__ = ["EXCEL_SUFFIXES", "OLD_EXCEL", "check_readable"]

"""What pandas does not tell about a worksheet: merged cells and formulas with no saved result.

pandas (through openpyxl, values only) reads the value of a merged block into its first cell and
leaves the others empty, and reads a formula that Excel never calculated (a file written by a
script, or saved with calculation off) as an empty cell, i.e. ₹0. Both are read straight from the
sheet's XML inside the .xlsx: one pass of C-speed regular expressions, no second workbook load.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"|'
                    rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|'
                  rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# a cell whose formula has no cached value: <c r="D5"><f>B5*C5</f></c> (or an empty <v/>)
_UNCALCULATED = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]{0,200})</(?:\w+:)?f>)'
    rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>'
)
MAX_SHEET_XML = 512 * 1024 * 1024  # the uncompressed sheet size we are willing to scan


def column_index(letters: str) -> int:
    """0-based column number of "A", "Z", "AA"..."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number - 1


@dataclass
class SheetFacts:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first col, last row, last col)
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "=formula"


def _sheet_path(book: zipfile.ZipFile, sheet: int | str) -> str | None:
    workbook = book.read("xl/workbook.xml")
    rels = book.read("xl/_rels/workbook.xml.rels")
    sheets = [(m[0] or m[3], m[1] or m[2]) for m in _SHEET.findall(workbook)]  # (name, rel id)
    targets = {(m[0] or m[3]): (m[1] or m[2]) for m in _REL.findall(rels)}
    if isinstance(sheet, int):
        chosen = sheets[sheet][1] if 0 <= sheet < len(sheets) else None
    else:
        chosen = next((rid for name, rid in sheets if name.decode("utf-8", "replace") == sheet), None)
    target = targets.get(chosen) if chosen else None
    if target is None:
        return None
    target = target.decode("utf-8", "replace")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def sheet_facts(path: Path, sheet: int | str = 0) -> SheetFacts:
    """Merged ranges and uncalculated formulas of one worksheet (empty facts if it cannot be told)."""
    facts = SheetFacts()
    try:
        with zipfile.ZipFile(path) as book:
            name = _sheet_path(book, sheet)
            if name is None or book.getinfo(name).file_size > MAX_SHEET_XML:
                return facts
            xml = book.read(name)
    except (KeyError, IndexError, OSError, zipfile.BadZipFile, ValueError):
        return facts
    for first_col, first_row, last_col, last_row in _MERGE.findall(xml):
        facts.merged.append((int(first_row), column_index(first_col.decode()), int(last_row),
                             column_index(last_col.decode())))
    if b"<f" in xml or b":f" in xml:
        for col, row, formula in _UNCALCULATED.findall(xml):
            text = formula.decode("utf-8", "replace")
            facts.uncalculated[(int(row), column_index(col.decode()))] = "=" + (text or "(shared formula)")
    return facts


__all__ = ["SheetFacts", "column_index", "sheet_facts"]

"""Quote what a file holds in a message, cut to a readable length.

A message is read on a phone: one corrupt file whose "header" is 20 MB of NUL bytes, or a 5 MB
cell, must never become a 500 MB report. Every place that quotes a cell value, a header or a
line from a file goes through these two functions.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_VALUE_CHARS = 60
MAX_LISTED_COLUMNS = 10
MAX_MESSAGE_CHARS = 300  # a library's own error text (it may quote the file too)
ELLIPSIS = "…"


def cut(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """`value` as one printable line of at most `limit` characters (control characters shown as '?')."""
    text = str(value)
    if len(text) > limit * 4:
        text = text[: limit * 4]  # never scan a multi-megabyte cell
        clipped = True
    else:
        clipped = False
    text = "".join(ch if ch.isprintable() else ("?" if ch not in "\r\n\t" else " ") for ch in text)
    if len(text) > limit:
        return text[: limit - 1].rstrip() + ELLIPSIS
    return text + (ELLIPSIS if clipped else "")


def quoted(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """`cut(value)` in single quotes, the way messages quote a cell or a column name."""
    return f"'{cut(value, limit)}'"


def column_list(names: Iterable[object], limit: int = MAX_LISTED_COLUMNS) -> str:
    """"'a', 'b', … (and 12 more)": the first `limit` names, each cut, blank ones skipped."""
    shown: list[str] = []
    more = 0
    for name in names:
        if not str(name).strip():
            continue
        if len(shown) < limit:
            shown.append(quoted(name))
        else:
            more += 1
    if not shown:
        return "none"
    return ", ".join(shown) + (f" (and {more} more)" if more else "")


def cut_message(text: object) -> str:
    """A library's error text cut to MAX_MESSAGE_CHARS (it sometimes quotes a whole line)."""
    return cut(text, MAX_MESSAGE_CHARS)


__all__ = ["MAX_LISTED_COLUMNS", "MAX_VALUE_CHARS", "column_list", "cut", "cut_message", "quoted"]

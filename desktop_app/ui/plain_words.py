"""What the window says when something goes wrong: sentences about the owner's world, not ours.

The core's messages are written for the command line and the log (they name settings.toml keys,
errno codes and parser errors). The window passes every such message through `plain_error`, which
keeps the facts (the file, the row, the address) and says them the way a person would, cuts what is
quoted from a file to a readable length and never shows binary garbage. The CLI keeps its wording.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_CHARS = 320
BINARY_HINT = ("the file does not look like a text export: it may be damaged, or be an Excel or zip file "
               "saved with another name. Open it in Excel and save it as CSV, or choose the original export")

# settings.toml keys as the dialog names them: "[telegram] destinations" -> "Send to on the Telegram tab"
WHERE = {
    ("telegram", "destinations"): "a chat under “Send to” on the Telegram tab",
    ("telegram", "enabled"): "“Send reports” on the Telegram tab",
    ("insights", "model"): "a model on the Insights tab",
    ("insights", "base_url"): "the address on the Insights tab",
    ("insights", "provider"): "who writes the insights on the Insights tab",
    ("business", "currency"): "the currency on the Business tab",
    ("business", "timezone"): "the time zone on the Business tab",
    ("attendance", "headcount"): "“Staff per day” on the Business tab",
}
TAB_OF = {"telegram": "Telegram", "insights": "Insights", "business": "Business", "attendance": "Business",
          "schedule": "Schedule", "sources": "Sources", "report": "Sources"}

_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\[Errno 111\] Connection refused|Connection refused|ECONNREFUSED", re.I),
     "nothing answered at that address (is the program or server running?)"),
    (re.compile(r"\[Errno -?\d+\] (Name or service not known|nodename nor servname provided.*?|"
                r"Temporary failure in name resolution)|getaddrinfo failed", re.I),
     "that address could not be found (check its spelling and the internet connection)"),
    (re.compile(r"\[Errno 2\] No such file or directory: '([^']*)'"), r"the file \1 is not there (moved or renamed?)"),
    (re.compile(r"\[Errno 13\] Permission denied: '([^']*)'"),
     r"the app may not open \1 (is it open in another program?)"),
    (re.compile(r"\[Errno 110\] Connection timed out|timed out", re.I), "no answer in time"),
    (re.compile(r"(?:Error tokenizing data\. )?C error: Expected (\d+) fields in line (\d+), saw (\d+)"),
     r"row \2 has \3 values where the header has \1 (often a comma inside a value without quotes); "
     r"open the file and check row \2"),
    (re.compile(r"'utf-8' codec can't decode byte .*"), "the file's text is not in a known encoding; save it "
                                                         "again as CSV (UTF-8) from Excel"),
]
_KEY = re.compile(r"\(?\[(\w+)\] (\w+)\)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def looks_binary(text: str) -> bool:
    """Text with many control or replacement characters came from a binary file."""
    if not text:
        return False
    odd = len(_CONTROL.findall(text))
    return odd >= 3 or odd / len(text) > 0.02


TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r\f\b"
BINARY_FORMATS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")  # binary by design: read by the Excel reader


def binary_file(path: str | Path, sample: int = 4096) -> bool:
    """Does the file start like a binary one (NUL bytes, or mostly bytes no text export has)?
    Excel workbooks are binary by design and never count."""
    path = Path(path).expanduser()
    if path.suffix.lower() in BINARY_FORMATS:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(sample)
    except OSError:
        return False
    if not head:
        return False
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
        return False  # any UTF-8 text (Hindi, Gujarati…) is text
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:
            return False  # a character cut at the end of the sample
    odd = sum(1 for byte in head if byte not in TEXT_BYTES and byte < 0xA0)
    return odd / len(head) > 0.1


def _where(match: re.Match[str]) -> str:
    section, key = match.group(1), match.group(2)
    return WHERE.get((section, key)) or f"“{key.replace('_', ' ')}” on the {TAB_OF.get(section, 'Settings')} tab"


def cut(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain_error(message: object, limit: int = MAX_CHARS) -> str:
    """`message` (an exception or text) as the window should say it."""
    text = str(message).strip()
    if looks_binary(text):
        clean = _CONTROL.split(text, maxsplit=1)[0]
        start = clean.split(" the file has columns:")[0].split(": no column for")[0]
        prefix = re.match(r"^'?([^':]+)'?: cannot read ([^ ]+)", start)
        who = f"{prefix.group(1)}: {prefix.group(2)} cannot be read: " if prefix else ""
        return cut(who + BINARY_HINT, limit)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\bset (\(?\[\w+\] \w+\)?) first", lambda m: f"set {_KEY.sub(_where, m.group(1))} first", text)
    text = _KEY.sub(_where, text)
    text = text.replace("--offline", "“rules only”")
    return cut(_CONTROL.sub("", text), limit)


ENGINE_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^offline"), "AI was switched off for this report"),
    (re.compile(r"^no LLM configured"), "no AI is set up (Settings → Insights)"),
    (re.compile(r"^no LLM model set"), "choose a model in Settings → Insights"),
    (re.compile(r"^timeout after (\S+) s"), r"the AI did not answer within \1 s"),
    (re.compile(r"^HTTP 429"), "the AI service is busy (too many requests)"),
    (re.compile(r"^HTTP 40[13]"), "the AI service did not accept the key"),
    (re.compile(r"^HTTP (\d+)"), r"the AI service answered with an error (\1)"),
    (re.compile(r"^guard dropped (\d+) of (\d+)"), r"\1 of the AI's \2 points had numbers not in the report"),
    (re.compile(r"^template error"), "the prompt has a mistake (Settings → Insights)"),
    (re.compile(r"^monthly token cap reached"), "this month's AI allowance is used up"),
    (re.compile(r"^unusable answer"), "the AI's answer could not be used"),
    (re.compile(r"^cannot connect to (\S+)"), r"nothing answered at \1 (is the AI program running?)"),
    (re.compile(r"^empty answer \(the output cap"), "the AI ran out of room before it wrote anything"),
    (re.compile(r"^empty answer"), "the AI sent an empty answer"),
    (re.compile(r"^the endpoint broke off"), "the AI stopped in the middle of its answer"),
    (re.compile(r"^AI insights failed"), "the AI could not be reached"),
]


def engine_reason(reason: str | None) -> str:
    """Why plain rules wrote the insights, in a few words."""
    if not reason:
        return "no AI is set up"
    for pattern, words in ENGINE_REASONS:
        match = pattern.match(reason)
        if match:
            return match.expand(words)
    return plain_error(reason, 80)

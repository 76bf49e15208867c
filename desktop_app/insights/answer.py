"""Reading the model's answer: JSON `{"insights": [...]}` when it followed the schema, bullets otherwise.

Models that ignore `response_format` still often answer JSON, sometimes in a ```json fence; others
write a Markdown list with a heading. Both come out as clean one-line bullets (guard.clean_bullet).
An answer that starts as JSON is read as JSON only: when it was cut off (the output cap), the
insights written in full are kept and the broken rest is never split into lines, whose fragments
('{"insights":[', '"date":"2026-11-24",') would otherwise pass for bullets.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .guard import clean_bullet

MAX_CANDIDATES = 8  # more than this and the model was not doing what it was asked
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?```\s*$", re.DOTALL)
_LEAD_IN = re.compile(r"^(here (are|is)|insights?|summary)\b.*:$", re.IGNORECASE)


def _from_json(text: str) -> list[str] | None:
    fenced = _FENCE.match(text)
    candidate = fenced.group(1) if fenced else text
    start = min((i for i in (candidate.find("{"), candidate.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    try:
        data: Any = json.loads(candidate[start:])
    except ValueError:
        try:
            data, _end = json.JSONDecoder().raw_decode(candidate[start:])
        except ValueError:
            return None
    if isinstance(data, dict):
        data = next((data[key] for key in ("insights", "bullets", "items") if isinstance(data.get(key), list)), None)
    if not isinstance(data, list):
        return None
    return [str(item) for item in data if isinstance(item, str | int | float)]


def _cut_off_json(text: str) -> list[str]:
    """The complete strings at the start of a truncated `{"insights": [...` (or `[...`) answer."""
    opening = re.search(r'^\s*(?:\{\s*"\w+"\s*:\s*)?\[', text)
    if not opening:
        return []
    decoder, position, found = json.JSONDecoder(), opening.end(), []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] != '"':
            return found
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            return found
        found.append(value)


def _from_text(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    return [line for line in lines if not _LEAD_IN.match(clean_bullet(line))]


def parse_bullets(text: str) -> list[str]:
    """Clean, non-empty bullets in the order written (at most MAX_CANDIDATES)."""
    raw = _from_json(text)
    if raw is None:
        unfenced = _FENCE.sub(r"\1", text).lstrip().removeprefix("```json").lstrip()
        raw = _cut_off_json(unfenced) if unfenced.startswith(("{", "[")) else _from_text(text)
    bullets = [clean_bullet(item) for item in raw]
    return [bullet for bullet in bullets if bullet][:MAX_CANDIDATES]

"""Reading the model's answer: JSON `{"insights": [...]}` when it followed the schema, bullets otherwise.

Models that ignore `response_format` still often answer JSON, sometimes in a ```json fence; others
write a Markdown list with a heading. Both come out as clean one-line bullets (guard.clean_bullet).
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


def _from_text(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    return [line for line in lines if not _LEAD_IN.match(clean_bullet(line))]


def parse_bullets(text: str) -> list[str]:
    """Clean, non-empty bullets in the order written (at most MAX_CANDIDATES)."""
    raw = _from_json(text)
    if raw is None:
        raw = _from_text(text)
    bullets = [clean_bullet(item) for item in raw]
    return [bullet for bullet in bullets if bullet][:MAX_CANDIDATES]

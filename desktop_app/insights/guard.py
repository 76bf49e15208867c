"""The number guard: an AI bullet survives only if every number in it is one we gave the model.

Each number, percentage and amount in a bullet (₹2,35,000 / ₹2.35 L / 2.3 lakh / 1.2 crore / 12% /
12 percent / 4 points / plain counts / "zero", "doubled") is read with the precision it was written
at and matched against the payload's values: money only against money, percentages only against
percentages, plain numbers against anything. A written value matches when the payload value (or its
absolute value) rounds or truncates to it: "₹2.3 L" matches 2,34,560 and "12%" matches 12.4. Zero is
a claim about a specific metric, so "sales were zero" must name a metric that really was zero.

Markup is stripped first (the model's Markdown or HTML); render.py escapes what is left for Telegram.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .payload import NumberKind, PayloadNumber

MAX_BULLET_CHARS = 400

# unit -> (multiplier, kind); kind None: the unit alone does not say whether it is money or a count.
_UNITS: dict[str, tuple[float, NumberKind | None]] = {
    "%": (1, "pct"), "percent": (1, "pct"), "per cent": (1, "pct"), "percentage points": (1, "pct"),
    "percentage point": (1, "pct"), "pp": (1, "pct"), "points": (1, "pct"), "point": (1, "pct"),
    "प्रतिशत": (1, "pct"), "फीसदी": (1, "pct"), "ટકા": (1, "pct"),
    "lakhs": (1e5, "money"), "lakh": (1e5, "money"), "lacs": (1e5, "money"), "lac": (1e5, "money"),
    "l": (1e5, "money"), "लाख": (1e5, "money"), "લાખ": (1e5, "money"),
    "crores": (1e7, "money"), "crore": (1e7, "money"), "cr": (1e7, "money"), "करोड़": (1e7, "money"),
    "करोड": (1e7, "money"), "કરોડ": (1e7, "money"),
    "thousand": (1e3, None), "k": (1e3, None), "million": (1e6, None), "mn": (1e6, None),
    "m": (1e6, None), "billion": (1e9, None), "bn": (1e9, None),
}
_UNIT_PATTERN = "|".join(
    re.escape(unit) + (r"(?![a-z])" if unit.isascii() and unit.isalpha() else "")
    for unit in sorted(_UNITS, key=len, reverse=True)
)
_NUMBER = re.compile(
    r"(?P<cur>₹|\brs\.?|\binr|\$|€|£|\busd|\beur)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s?(?P<unit>{_UNIT_PATTERN}))?",
    re.IGNORECASE,
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
_MULTIPLES = {"doubled": 100.0, "double": 100.0, "twice": 100.0, "tripled": 200.0, "triple": 200.0,
              "thrice": 200.0, "halved": 50.0}
_MULTIPLE = re.compile(r"\b(" + "|".join(_MULTIPLES) + r")\b", re.IGNORECASE)
_ZERO = re.compile(r"\b(?:zero|nil|none|nothing)\b|\bno\s+(?:new\s+)?(?:sales|orders?|leads?|enquir\w*|"
                   r"inquir\w*|returns?|absen\w*|change|one)\b", re.IGNORECASE)
# Which words name the metric behind a payload path, for zero claims.
_FAMILIES: list[tuple[str, tuple[str, ...]]] = [
    ("sales.returns", ("return", "refund", "credit note")),
    ("sales.orders", ("order",)), ("sales.prev_orders", ("order",)), ("last_7_days.orders", ("order",)),
    ("sales.", ("sale", "revenue", "turnover", "billing", "business")),
    ("last_7_days.sales", ("sale", "revenue", "turnover", "billing")),
    ("leads.", ("lead", "enquir", "inquir")), ("last_7_days.leads", ("lead", "enquir", "inquir")),
    ("attendance.absent", ("absent", "absence", "leave")),
    ("attendance.", ("attendance", "present", "staff", "employee", "absent")),
]


@dataclass(frozen=True)
class Claim:
    """A number as written in a bullet: value, the size of its last written digit, and its kind."""

    text: str
    value: float
    unit: float
    kind: NumberKind | None  # None: plain number, may match any kind
    change_only: bool = False  # "doubled": only a change may back it, not a level such as attendance 91.7%
    direction: int = 0  # +1 "up 12%", -1 "12% lower": only a change of that sign may back it


_UP = {"up", "rose", "risen", "grew", "grown", "increased", "increase", "higher", "more", "above", "jumped",
       "gained", "climbed", "improved", "ahead", "rise", "growth"}
_DOWN = {"down", "fell", "fallen", "dropped", "declined", "decreased", "decrease", "lower", "less", "fewer",
         "below", "slipped", "slumped", "shrank", "decline", "drop", "fall", "behind"}
_LEVEL_WORDS = {"to", "from", "at", "of", "was", "were", "is", "stood"}
_WORD_RE = re.compile(r"[a-z]+")
_CLAUSE_BREAK = re.compile(r"[\d,;:()]|\.(?!\d)")


def _direction(text: str, start: int, end: int) -> int:
    """+1/-1 when a direction word sits just after (2 words) or before (3 words) a percentage, else 0."""

    def sign(words: list[str]) -> int:
        up, down = bool(set(words) & _UP), bool(set(words) & _DOWN)
        return 0 if up == down else (1 if up else -1)

    # Only words in the same clause count: "91.7%, down 4.2 points" says nothing about 91.7%.
    after = sign(_WORD_RE.findall(_CLAUSE_BREAK.split(text[end:].lower(), maxsplit=1)[0])[:2])  # "4.4% higher"
    if after:
        return after
    before = _WORD_RE.findall(_CLAUSE_BREAK.split(text[:start].lower())[-1])[-3:]
    if before and before[-1] in _LEVEL_WORDS:
        return 0  # "rose to 92%", "down from 95%", "was 91.7%": a level, not the size of the change
    return sign(before)


@dataclass
class GuardResult:
    kept: list[str]
    dropped: list[tuple[str, list[str]]] = field(default_factory=list)  # bullet, unmatched numbers

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.dropped)


_TAG = re.compile(r"<[^>]{1,200}>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~|(?<!\w)_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•●▪‣◦]|\d{1,2}[.)]|#{1,6}|>)\s+")


def clean_bullet(text: str) -> str:
    """Plain text from the model's Markdown or HTML: no tags, emphasis, links, list markers or headings."""
    text = html.unescape(str(text))
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    for _ in range(2):  # nested emphasis (**_x_**)
        text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("**", "").replace("`", "")
    while _LIST_MARKER.match(text):
        text = _LIST_MARKER.sub("", text, count=1)
    text = " ".join(text.split()).strip(" \"'")
    if len(text) > MAX_BULLET_CHARS:
        text = text[: MAX_BULLET_CHARS - 1].rstrip() + "…"
    return text


def _ascii_digits(text: str) -> str:
    """Devanagari, Gujarati and other decimal digits read as 0-9 (a Hindi bullet may write ₹२.३५ लाख)."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char
                   for char in text).replace("\u2212", "-")


def extract_claims(bullet: str) -> list[Claim]:
    text = _ascii_digits(bullet)
    claims: list[Claim] = []
    for match in _NUMBER.finditer(text):
        digits = match["num"].replace(",", "")
        decimals = len(digits.partition(".")[2])
        multiplier, kind = 1.0, None
        if match["unit"]:
            multiplier, kind = _UNITS[match["unit"].lower()]
        if match["cur"]:
            kind = "money"
        direction = _direction(text, match.start(), match.end()) if kind == "pct" else 0
        claims.append(Claim(match.group(0).strip(), float(digits) * multiplier, 10.0 ** -decimals * multiplier, kind,
                            direction=direction))
    claims += [Claim(word.group(0), float(_WORDS[word.group(1).lower()]), 1.0, None) for word in _WORD.finditer(text)]
    claims += [Claim(word.group(0), _MULTIPLES[word.group(1).lower()], 20.0, "pct", change_only=True)
               for word in _MULTIPLE.finditer(text)]
    claims += [Claim(zero.group(0).strip(), 0.0, 1.0, None) for zero in _ZERO.finditer(text)]
    return claims


def _close(claim: Claim, value: float) -> bool:
    """Written at its precision: rounded (|v - w| <= half a unit) or truncated (w <= v < w + unit)."""
    target = abs(value)
    slack = 1e-9 * max(1.0, target)
    rounded = abs(target - claim.value) <= claim.unit / 2 + slack
    return rounded or claim.value - slack <= target < claim.value + claim.unit


def _is_change(number: PayloadNumber) -> bool:
    return "change" in number.path or "vs_" in number.path


def _zero_ok(bullet: str, numbers: Iterable[PayloadNumber]) -> bool:
    lowered = bullet.lower()
    for number in numbers:
        if number.value != 0 or number.path.startswith("last_7_days"):
            continue  # a zero claim is about the day, not the days before it
        for prefix, words in _FAMILIES:
            if number.path.startswith(prefix):
                if any(word in lowered for word in words):
                    return True
                break
    return False


def unmatched(bullet: str, numbers: list[PayloadNumber]) -> list[str]:
    """The numbers in `bullet` that match nothing in the payload (empty: the bullet is safe)."""
    missing = []
    for claim in extract_claims(bullet):
        if claim.value == 0:
            if not _zero_ok(bullet, numbers):
                missing.append(claim.text)
            continue
        candidates = (n for n in numbers if (claim.kind is None or n.kind == claim.kind)
                      and (not claim.change_only or _is_change(n))
                      and (not claim.direction or (_is_change(n) and n.value * claim.direction > 0)))
        if not any(_close(claim, n.value) for n in candidates):
            missing.append(claim.text)
    return missing


def check_bullets(bullets: list[str], numbers: list[PayloadNumber]) -> GuardResult:
    result = GuardResult(kept=[])
    for bullet in bullets:
        bad = unmatched(bullet, numbers)
        if bad:
            result.dropped.append((bullet, bad))
        else:
            result.kept.append(bullet)
    return result

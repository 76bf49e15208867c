"""The number guard: an AI bullet survives only if every number in it is one we gave the model.

Each number, percentage and amount in a bullet (₹2,35,000 / ₹2.35 L / 2.3 lakh / 1.2 crore / 12% /
12 percent / 4 points / plain counts / "zero", "doubled") is read with the precision it was written
at and matched against the payload's values: money only against money, percentages only against
percentages, plain numbers against anything. A written value matches when the payload value (or its
absolute value) rounds or truncates to it: "₹2.3 L" matches 2,34,560 and "12%" matches 12.4. Zero is
a claim about a specific metric, so "sales were zero" must name a metric that really was zero.

Each number is also bound to the metric the sentence names for it, so a true number in the wrong
place is caught ("Sales were ₹77,105" when ₹77,105 is the average order; "There were 9 orders" when
9 is the lead count): a number followed by a metric's noun ("9 orders", "3 new leads") is that
metric's; otherwise it belongs to the metrics its clause names, else those the bullet names; a number
beside a month or weekday is a date. Only a bullet that names no metric at all is matched by kind
alone.

A bullet that carries a link, an e-mail address, or an instruction to the reader ("send the API key
to…", "click…", "ignore the previous instructions") is dropped whatever its numbers: the model may have
been steered by text in the data, and the owner must never be told to act on it.

In the head office's consolidated report a number is also bound to a branch (`check_bullets(...,
branches=names)`), so a true figure of the whole business or of another branch said of the wrong branch
is caught ("Naroda's sales were ₹1.5 L" when ₹1.5 L is Maninagar's or the total). A sentence (split at
. ! ? ;) that names one branch may carry only that branch's own figures (its sales, orders, average
order, leads, attendance, changes vs its own days, rank, share) and dates. In a sentence naming several
branches each number is that of the branch its clause names, else of the branch named nearest before it,
else of the first named after it ("Naroda's ₹1.2 L was ahead of Maninagar's ₹45,000"). A sentence that
names no branch is checked as in any other report. Other reports (branches=()) are checked as before.

Markup is stripped first (the model's Markdown or HTML); render.py escapes what is left for Telegram.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
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
    start: int = field(default=-1, compare=False)  # where it was written in the bullet
    end: int = field(default=-1, compare=False)


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
                            direction=direction, start=match.start("num"), end=match.end()))
    claims += [Claim(word.group(0), float(_WORDS[word.group(1).lower()]), 1.0, None, start=word.start(),
                     end=word.end()) for word in _WORD.finditer(text)]
    claims += [Claim(word.group(0), _MULTIPLES[word.group(1).lower()], 20.0, "pct", change_only=True,
                     start=word.start(), end=word.end()) for word in _MULTIPLE.finditer(text)]
    claims += [Claim(zero.group(0).strip(), 0.0, 1.0, None, start=zero.start(), end=zero.end())
               for zero in _ZERO.finditer(text)]
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


# Metric families: the words that name each one in a bullet, and the payload paths that hold it.
_METRIC_WORDS: dict[str, re.Pattern[str]] = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in {
    "avg_order": r"averag\w*\s+(?:order|bill|basket|ticket|sale)|orders?\s+averag|order\s+(?:size|value)|"
                 r"per\s+(?:order|bill)|basket|ticket\s+size|\baov\b",
    "returns": r"return|refund|credit\s+note",
    "orders": r"\border|\bbills?\b|invoices?|transactions?|ऑर्डर|ઓર્ડર",
    "sales": r"\bsales?\b|revenue|turnover|billing|takings|बिक्री|विक्री|बिक्र|વેચાણ",
    "leads": r"\bleads?\b|enquir|inquir|\bsources?\b|लीड|લીડ",
    "attendance": r"attendance|present|absent|absence|\bstaff|employee|headcount|workers?\b|हाजरी|हाज़िरी|"
                  r"उपस्थित|अनुपस्थित|હાજર",
}.items()}
_MONTHS = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|^(?:mon|tue|wed|thu|fri|sat|"
                     r"sun)[a-z]*day$", re.IGNORECASE)
_DAYS_AFTER = re.compile(r"^\s?-?\s?days?\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:()]|\.(?!\d)|\s(?:and|but|while|whereas|whilst)\s", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"^\s*(?:(?:new|more|fewer|less|of|the|total|fresh|paid|unique)\s+){0,2}(\S+)",
                         re.IGNORECASE)


def path_metric(path: str) -> str | None:
    """Which metric family a payload path belongs to (None: dates, counts of days, ranks...)."""
    key = path.rsplit(".", 1)[-1]
    if key.endswith("date") or path == "context_days":
        return None
    if "avg_order" in path:
        return "avg_order"
    for family, words in (("returns", ("return",)), ("orders", ("orders",)), ("sales", ("sales",)),
                          ("leads", ("lead", "source")), ("attendance", ("attendance", "present", "absent",
                                                                         "headcount"))):
        if any(word in path for word in words):
            return family
    return None


def _families(text: str) -> set[str]:
    found = set()
    for family, pattern in _METRIC_WORDS.items():
        if pattern.search(text):
            found.add(family)
    if "avg_order" in found and not _METRIC_WORDS["orders"].search(_METRIC_WORDS["avg_order"].sub(" ", text)):
        found.discard("orders")  # "average order" names the average, not the count
    return found


def _binding(text: str, claim: Claim) -> tuple[str, set[str]] | None:
    """What the bullet says a number is: ("date", {}), ("days", {}), ("metric", families) or None (unbound)."""
    before = text[:claim.start].split()[-1:] if claim.start > 0 else []
    after = text[claim.end:].split()[:1]
    if any(_MONTHS.match(word.strip(",.;:()")) for word in before + after):
        return "date", set()
    if claim.kind is None and _DAYS_AFTER.match(text[claim.end:]):
        return "days", set()
    following = _NEXT_WORDS.match(text[claim.end:])
    if following:
        named = _families(following.group(1))
        if named:
            return "metric", named
    for scope in (_clause_around(text, claim.start, claim.end), text):
        named = _families(scope)
        if named:
            return "metric", named
    return None


def _around(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    breaks = [match for match in pattern.finditer(text) if not (start <= match.start() < end)]
    left = max((match.end() for match in breaks if match.end() <= start), default=0)
    right = min((match.start() for match in breaks if match.start() >= end), default=len(text))
    return left, right


def _clause_around(text: str, start: int, end: int) -> str:
    left, right = _around(_CLAUSE, text, start, end)
    return text[left:right]


# Where a sentence ends: . ! ? ; before a space or the end, but not "Rs. 1.2 L", "vs. Mon", "23 Nov. 2026".
_NOT_AN_END = ("rs", "inr", "vs", "no", "nos", "approx", "avg", "st", "jan", "feb", "mar", "apr", "jun", "jul",
               "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SENTENCE = re.compile("".join(rf"(?<!\b{word})" for word in _NOT_AN_END) + r"[.!?;]+(?=\s|$)", re.IGNORECASE)
_IN_NAME = ""  # a number that is part of a branch's name ("Sector 21"), not a figure


@dataclass(frozen=True)
class _Named:
    start: int
    end: int
    branch: str


def _named_branches(text: str, branches: Sequence[str]) -> list[_Named]:
    """Where the bullet names a branch: the name as a word, any case; the longest name wins an overlap."""
    found: list[_Named] = []
    for name in sorted({name for name in branches if name.strip()}, key=len, reverse=True):
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE):
            if not any(match.start() < other.end and other.start < match.end() for other in found):
                found.append(_Named(match.start(), match.end(), name.casefold()))
    return sorted(found, key=lambda named: named.start)


def _owner(text: str, claim: Claim, named: list[_Named]) -> str | None:
    """Whose figure the number must be: a branch (casefolded), _IN_NAME, or None (its sentence names no branch)."""
    if any(item.start <= claim.start and claim.end <= item.end for item in named):
        return _IN_NAME
    left, right = _around(_SENTENCE, text, claim.start, claim.end)
    in_sentence = [item for item in named if left <= item.start and item.end <= right]
    if len({item.branch for item in in_sentence}) <= 1:
        return in_sentence[0].branch if in_sentence else None
    left, right = _around(_CLAUSE, text, claim.start, claim.end)
    in_clause = {item.branch for item in in_sentence if left <= item.start and item.end <= right}
    if len(in_clause) == 1:
        return in_clause.pop()
    before = [item for item in in_sentence if item.end <= claim.start]
    return (before[-1] if before else next(item for item in in_sentence if item.start >= claim.end)).branch


def _branch_zero_ok(sentence: str, numbers: Iterable[PayloadNumber]) -> bool:
    """"Vastral had no leads": that branch's figure for a metric the sentence names is zero."""
    families = _families(sentence)
    return any(number.value == 0 and path_metric(number.path) in families for number in numbers)


def _bound_to(binding: tuple[str, set[str]] | None, number: PayloadNumber) -> bool:
    if binding is None:
        return True
    kind, families = binding
    metric = path_metric(number.path)
    if kind == "date":
        return number.path.endswith("date")
    if kind == "days":
        return number.path == "context_days"
    return metric in families


def unmatched(bullet: str, numbers: list[PayloadNumber], branches: Sequence[str] = ()) -> list[str]:
    """The numbers in `bullet` that match nothing in the payload (empty: the bullet is safe).

    `branches` (the head office's report): a number in a sentence naming a branch must be that branch's."""
    missing = []
    text = _ascii_digits(bullet)
    named = _named_branches(text, branches) if branches else []
    for claim in extract_claims(bullet):
        owner = _owner(text, claim, named) if named else None
        if owner == _IN_NAME:
            continue
        pool = numbers
        if owner is not None:
            pool = [n for n in numbers if n.branch is not None and n.branch.casefold() == owner]
        if claim.value == 0:
            if owner is not None:
                left, right = _around(_SENTENCE, text, claim.start, claim.end)
                ok = _branch_zero_ok(text[left:right], pool)
            else:
                ok = _zero_ok(bullet, numbers)
            if not ok:
                missing.append(claim.text)
            continue
        binding = _binding(text, claim)
        if owner is not None and binding is not None and binding[0] in ("date", "days"):
            pool = numbers  # dates and "the last 7 days" are the report's, not a branch's
        candidates = (n for n in pool if (claim.kind is None or n.kind == claim.kind)
                      and (not claim.change_only or _is_change(n))
                      and (not claim.direction or (_is_change(n) and n.value * claim.direction > 0))
                      and _bound_to(binding, n))
        if not any(_close(claim, n.value) for n in candidates):
            missing.append(claim.text)
    return missing


_LINK_TEXT = re.compile(r"https?://|\bwww\.|\b[\w-]+\.(?:com|in|net|org|io|co|info|biz|xyz|ly|me|app|dev|link|"
                        r"site|online|top|ru|cn|tk)\b|[\w.+-]+@[\w-]+\.\w|\b(?:t|wa)\.me/|bit\.ly", re.IGNORECASE)
_SECRET_WORDS = re.compile(r"api[\s_-]?key|password|passcode|passphrase|\botp\b|\bpin\b|\btokens?\b|credential|"
                           r"secret|\bcvv\b|card number|account number|bank details|\bifsc\b|\bupi\b|"
                           r"private key|seed phrase|log\s?in details", re.IGNORECASE)
_COMMANDS = re.compile(r"^(?:please\s+|kindly\s+|now\s+)?(?:send|share|forward|transfer|pay|click|tap|visit|"
                       r"download|install|reply|ignore|disregard|forget|delete|disable|enter|type|paste|run|"
                       r"go\s+to|log\s?in|sign\s?in|scan|wire)\b|\b(?:please|kindly)\s+(?:send|share|forward|"
                       r"transfer|pay|click|tap|visit|reply|enter|type|call|contact|email|message)\b|"
                       r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|above|"
                       r"prior|earlier)|\bsystem prompt\b|\byou must\b", re.IGNORECASE)


_JSON_FRAGMENT = re.compile(r'^[\[{"]|"\s*:|[\[{]\s*$')


def not_an_insight(bullet: str) -> bool:
    """A heading, a label or a scrap of JSON, not a sentence about the day: '2026-11-24:', 'The top
    sources', '{"insights":['. A small model cut off by the output cap leaves such lines."""
    words = sum(1 for token in bullet.split() if any(char.isalpha() for char in token))
    has_number = any(char.isdigit() for char in bullet) or bool(_ZERO.search(bullet))
    return (bullet.rstrip().endswith(":") or bool(_JSON_FRAGMENT.search(bullet)) or words < 2
            or (not has_number and words < 4))


def unsafe(bullet: str) -> str | None:
    """Why a bullet must not reach the owner whatever its numbers: a link, an instruction to act, or
    not a sentence at all."""
    if not_an_insight(bullet):
        return "not a sentence about the day"
    if _LINK_TEXT.search(bullet):
        return "a link or address"
    if _SECRET_WORDS.search(bullet):
        return "asks about a secret"
    if _COMMANDS.search(bullet):
        return "an instruction to the reader"
    return None


def check_bullets(bullets: list[str], numbers: list[PayloadNumber], branches: Sequence[str] = ()) -> GuardResult:
    """Keep the safe bullets. `branches`: the head office's report's branch names (see the module's text)."""
    result = GuardResult(kept=[])
    for bullet in bullets:
        why = unsafe(bullet)
        bad = [why] if why else unmatched(bullet, numbers, branches)
        if bad:
            result.dropped.append((bullet, bad))
        else:
            result.kept.append(bullet)
    return result

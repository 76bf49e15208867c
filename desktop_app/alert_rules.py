"""Alert rules as the owner writes them: one plain sentence each, parsed here (no I/O, no Qt).

A rule is kept in settings.toml as the sentence itself (`"sales below 50000 by 17:00"`), so the
file stays readable and the settings dialog edits it as a line of text. Understood forms:

- `sales below 50000 by 17:00`, `orders under 20`, `leads above 40`, `attendance under 85%`
  (a metric, below/under/above/over, a threshold, an optional time of day);
- `no new lead for 3 hours` (checked during open hours only);
- `a source not updated for 2 days` (any source) or `Shop orders not updated for 2 days` (one source).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Metric = Literal["sales", "orders", "leads", "attendance", "lead_gap_hours", "source_age_days"]
_THRESHOLD = re.compile(
    r"^(?P<metric>sales|orders|leads|attendance)\s+(?P<op>below|under|less than|above|over|more than)\s+"
    r"(?:₹|rs\.?\s*)?(?P<value>[\d,]+(?:\.\d+)?)\s*(?P<unit>%|k|lakh|l)?(?:\s+by\s+(?P<by>\d{1,2}:\d{2}))?$",
    re.IGNORECASE,
)
_LEAD_GAP = re.compile(r"^no (?:new )?leads? for (?P<value>\d+(?:\.\d+)?) hours?$", re.IGNORECASE)
_SOURCE_AGE = re.compile(r"^(?P<source>.+?) not updated for (?P<value>\d+) days?$", re.IGNORECASE)
_ANY_SOURCE = ("a source", "any source", "sources")
_UNITS = {"k": 1_000, "lakh": 100_000, "l": 100_000}


class RuleError(ValueError):
    """A rule sentence that is not understood; the message shows the forms that are."""


@dataclass(frozen=True)
class AlertRule:
    text: str  # the sentence as written: also the rule's identity (fires once per day)
    metric: Metric
    below: bool  # fire when the value is under the threshold (else over it)
    threshold: float
    by: dt.time | None = None  # only checked from this time of day on
    source: str | None = None  # for source_age_days: one source by name, None = any

    @property
    def intraday(self) -> bool:
        """Rules worth checking during the day, not only at the evening report."""
        return self.by is not None or self.metric in ("lead_gap_hours", "source_age_days")


def parse_rule(text: str) -> AlertRule:
    sentence = " ".join(text.split()).rstrip(".")
    if match := _THRESHOLD.match(sentence):
        value = float(match["value"].replace(",", "")) * _UNITS.get((match["unit"] or "").lower(), 1)
        by = None
        if match["by"]:
            try:
                by = dt.datetime.strptime(match["by"], "%H:%M").time()
            except ValueError as exc:
                raise RuleError(f"'{sentence}': {match['by']} is not a time like 17:00") from exc
        below = match["op"].lower() in ("below", "under", "less than")
        return AlertRule(sentence, match["metric"].lower(), below, value, by)
    if match := _LEAD_GAP.match(sentence):
        return AlertRule(sentence, "lead_gap_hours", False, float(match["value"]))
    if match := _SOURCE_AGE.match(sentence):
        name = match["source"].strip()
        return AlertRule(sentence, "source_age_days", False, float(match["value"]),
                         source=None if name.lower() in _ANY_SOURCE else name)
    raise RuleError(
        f"'{sentence[:80]}' is not an alert rule; write e.g. 'sales below 50000 by 17:00', 'attendance under 85%', "
        "'no new lead for 3 hours' or 'a source not updated for 2 days'"
    )

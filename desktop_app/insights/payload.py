"""The one thing the model sees about the business: a compact JSON of aggregates.

Built only from KPI values (never from the source frames), so customer names, phones, emails,
addresses and order ids cannot leave the PC: they never reach a `Report`. Lead-source labels are
the one free text from the exports; they are trimmed, masked for anything that looks like a phone
number or email, and sent as data (the system prompt says payload strings are never instructions).

Every number the model may quote is in here, already rounded the way it should be written; the
number guard (guard.py) checks each AI bullet against `payload_numbers`. A normal day is about
450 tokens (the demo shop, measured with OpenAI's o200k tokenizer by bench/payload_tokens.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..report import Report

CONTEXT_DAYS = 7
TOP_SOURCES = 5
SOURCE_LABEL_CHARS = 60
SALES_ANOMALY_PCT = 30.0  # sales this far from the 7-day average are flagged
LEADS_ANOMALY_PCT = 50.0
LOW_ATTENDANCE_PCT = 80.0
ATTENDANCE_DROP_PP = 10.0
DOMINANT_SOURCE_PCT = 60.0

NumberKind = Literal["money", "pct", "count"]
History = Mapping[dt.date, Mapping[str, Any]] | list[Report]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_MONEY_KEYS = {"total", "prev_total", "week_ago_total", "avg_7d", "avg_order", "returns", "change", "week_change"}


def _money(value: float | None) -> float | int | None:
    """Whole units for anything an owner would round (₹6,912), paise only for small amounts."""
    if value is None:
        return None
    if abs(value) < 100:
        return round(value, 2)
    return int(math.copysign(math.floor(abs(value) + 0.5), value))  # half up, as people round: 5,500.50 -> 5,501


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _diff(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _share(part: float, whole: float | None) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _compact(block: dict[str, Any]) -> dict[str, Any]:
    """Drop unknowns (and zero returns): a missing key costs no tokens and invites no invented number."""
    return {key: value for key, value in block.items() if value is not None and not (key == "returns" and not value)}


def clean_label(text: str) -> str:
    """A lead-source label as data: one line, bounded, with phone numbers and emails masked."""
    label = " ".join(str(text).split())
    label = _EMAIL.sub("[email]", label)
    label = _PHONE.sub("[number]", label)
    return label if len(label) <= SOURCE_LABEL_CHARS else label[: SOURCE_LABEL_CHARS - 1] + "…"


def _sales(report: Report) -> dict[str, Any] | None:
    s = report.sales
    if s is None:
        return None
    vs_avg = _pct((s.total - s.avg_7d) / s.avg_7d * 100) if s.avg_7d else None
    return _compact({
        "total": _money(s.total), "orders": s.orders, "avg_order": _money(s.avg_order), "returns": _money(s.returns),
        "prev_date": s.prev_date, "prev_total": _money(s.prev_total), "prev_orders": s.prev_orders,
        "change": _money(_diff(s.total, s.prev_total)), "change_pct": _pct(s.change_pct),
        "week_ago_total": _money(s.week_ago_total), "week_change": _money(_diff(s.total, s.week_ago_total)),
        "week_change_pct": _pct(s.week_change_pct), "avg_order_change_pct": _pct(s.avg_order_change_pct),
        "avg_7d": _money(s.avg_7d), "vs_avg_7d_pct": vs_avg,
    })


def _leads(report: Report) -> dict[str, Any] | None:
    leads = report.leads
    if leads is None:
        return None
    sources = list(leads.by_source.items())
    top = [{"source": clean_label(name), "count": count, "share_pct": _share(count, leads.count)}
           for name, count in sources[:TOP_SOURCES]]
    other = sum(count for _name, count in sources[TOP_SOURCES:])
    return _compact({
        "count": leads.count, "prev_date": leads.prev_date, "prev_count": leads.prev_count,
        "change": _diff(leads.count, leads.prev_count), "change_pct": _pct(leads.change_pct),
        "week_ago_count": leads.week_ago_count, "week_change_pct": _pct(leads.week_change_pct),
        "avg_7d": None if leads.avg_7d is None else round(leads.avg_7d, 1),
        "top_sources": top or None, "other_sources_count": other or None,
    })


def _attendance(report: Report) -> dict[str, Any] | None:
    att = report.attendance
    if att is None:
        return None
    return _compact({
        "headcount": att.headcount, "present": att.present, "absent": att.absent, "rate_pct": _pct(att.rate_pct),
        "absent_pct": _share(att.absent, att.headcount),
        "headcount_estimated": att.headcount_estimated or None, "prev_date": att.prev_date,
        "prev_rate_pct": _pct(att.prev_rate_pct), "change_pp": _pct(att.change_pp),
        "week_ago_rate_pct": _pct(att.week_ago_rate_pct), "week_change_pp": _pct(att.week_change_pp),
    })


def _bodies(history: History | None) -> Mapping[dt.date, Mapping[str, Any]]:
    if not history:
        return {}
    if isinstance(history, list):
        return {report.date: report.to_dict() for report in history}
    return history


def _context(report: Report, history: History | None, is_open: Callable[[dt.date], bool] | None
             ) -> dict[str, list[Any]] | None:
    """The previous seven open days' figures, one column per KPI: cheap in tokens and easy to scan.

    Closed days are left out: their zeros are not news, and a zero in the payload would let a
    "sales were zero" bullet through the guard.
    """
    bodies = _bodies(history)
    days = [report.date - dt.timedelta(days=offset) for offset in range(CONTEXT_DAYS, 0, -1)]
    rows = [(day, bodies[day]) for day in days if day in bodies and (is_open is None or is_open(day))]
    if not rows:
        return None

    def column(domain: str, key: str, fmt=lambda value: value) -> list[Any]:
        return [None if not body.get(domain) or body[domain].get(key) is None else fmt(body[domain][key])
                for _day, body in rows]

    table = {
        "date": [day.isoformat()[5:] for day, _body in rows],
        "sales": column("sales", "total", _money),
        "orders": column("sales", "orders"),
        "leads": column("leads", "count"),
        "attendance_pct": column("attendance", "rate_pct", _pct),
    }
    return {key: values for key, values in table.items() if any(value is not None for value in values)}


def _anomalies(payload: dict[str, Any]) -> list[str]:
    """Plain flags (no new numbers) pointing at what deserves a sentence."""
    flags = []
    sales, leads, att = payload.get("sales") or {}, payload.get("leads") or {}, payload.get("attendance") or {}
    gap = sales.get("vs_avg_7d_pct")
    if gap is not None and abs(gap) >= SALES_ANOMALY_PCT:
        flags.append(f"sales far {'above' if gap > 0 else 'below'} the 7-day average (sales.vs_avg_7d_pct)")
    if leads.get("avg_7d") and abs(leads["count"] - leads["avg_7d"]) / leads["avg_7d"] * 100 >= LEADS_ANOMALY_PCT:
        flags.append(f"leads far {'above' if leads['count'] > leads['avg_7d'] else 'below'} the 7-day average")
    top = (leads.get("top_sources") or [None])[0]
    if top and top["share_pct"] is not None and top["share_pct"] >= DOMINANT_SOURCE_PCT and leads["count"] >= 5:
        flags.append("one lead source brought most leads (leads.top_sources[0])")
    if att.get("rate_pct") is not None and att["rate_pct"] < LOW_ATTENDANCE_PCT:
        flags.append("attendance is low (attendance.rate_pct)")
    if att.get("change_pp") is not None and att["change_pp"] <= -ATTENDANCE_DROP_PP:
        flags.append("attendance dropped sharply (attendance.change_pp)")
    return flags


def _data_issues(report: Report) -> dict[str, Any] | None:
    """Which domains are missing and how many sources failed: never the warning texts (they quote cells)."""
    missing = [name for name in ("sales", "leads", "attendance") if getattr(report, name) is None]
    stale = sum(1 for status in report.sources if status.status == "stale")
    failed = sum(1 for status in report.sources if status.status == "failed")
    issues = _compact({"missing_domains": missing or None, "stale_sources": stale or None,
                       "failed_sources": failed or None, "warning_count": len(report.warnings) or None})
    return issues or None


def build_payload(report: Report, history: History | None = None, *,
                  is_open: Callable[[dt.date], bool] | None = None) -> dict[str, Any]:
    """KPI aggregates, changes, top lead sources, 7-day context, anomalies and data issues, rounded.

    `history` is past reports (a list, or report JSON by date as `HistoryStore.bodies` gives it);
    `is_open` (the business calendar) keeps closed days out of the 7-day context.
    """
    payload: dict[str, Any] = {
        "date": report.date.isoformat(),
        "weekday": report.date.strftime("%A"),
        "currency": report.currency,
        "sales": _sales(report),
        "leads": _leads(report),
        "attendance": _attendance(report),
        "last_7_days": _context(report, history, is_open),
    }
    payload["anomalies"] = _anomalies(payload) or None
    payload["data_issues"] = _data_issues(report)
    return {key: value for key, value in payload.items() if value is not None}


@dataclass(frozen=True)
class PayloadNumber:
    value: float
    kind: NumberKind
    path: str


def _kind(path: tuple[str, ...]) -> NumberKind:
    key = path[-1]
    if key.endswith(("_pct", "_pp")):
        return "pct"
    if (path[0] == "sales" and key in _MONEY_KEYS) or path[:2] == ("last_7_days", "sales"):
        return "money"
    return "count"


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, path)
    else:
        yield path, value


_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def payload_numbers(payload: Mapping[str, Any]) -> list[PayloadNumber]:
    """Every number a bullet may quote: the values (typed money/pct/count), date parts and list sizes."""
    numbers: list[PayloadNumber] = []
    for path, value in _walk(payload, ()):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            numbers.append(PayloadNumber(float(value), _kind(path), ".".join(path)))
        elif isinstance(value, str) and (match := _DATE.match(value)):
            numbers += [PayloadNumber(float(part), "count", ".".join(path)) for part in match.groups() if part]
    numbers.append(PayloadNumber(float(CONTEXT_DAYS), "count", "context_days"))
    sources = (payload.get("leads") or {}).get("top_sources") or []
    numbers += [PayloadNumber(float(rank), "count", "leads.top_sources rank") for rank in range(1, len(sources) + 1)]
    return numbers

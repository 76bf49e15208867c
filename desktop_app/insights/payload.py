"""The one thing the model sees about the business: a compact JSON of aggregates.

Built only from KPI values (never from the source frames), so customer names, phones, emails,
addresses and order ids cannot leave the PC: they never reach a `Report`. Lead-source labels are
the one free text from the exports; they are trimmed, masked for anything that looks like a phone
number or email, and sent as data (the system prompt says payload strings are never instructions).

Every number the model may quote is in here, already rounded the way it should be written; the
number guard (guard.py) checks each AI bullet against `payload_numbers`. With goals, drivers and
weekday anomalies the demo day stays within PAYLOAD_TOKEN_BUDGET (o200k, bench/payload_tokens.py):
every block is left out when it has nothing to say, and lists are cut to what a bullet would use.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..report import Report

CONTEXT_DAYS = 7
TOP_SOURCES = 3
PAYLOAD_TOKEN_BUDGET = 480  # the demo day, o200k; the templates around it get 220 (prompt <= 700)
DRIVERS_PER_KPI = 2
SOURCE_LABEL_CHARS = 60
LOW_ATTENDANCE_PCT = 80.0
ATTENDANCE_DROP_PP = 10.0
DOMINANT_SOURCE_PCT = 60.0
PAYLOAD_BRANCHES = 8  # the head office's report: at most this many branches (the top and bottom halves)

NumberKind = Literal["money", "pct", "count"]
History = Mapping[dt.date, Mapping[str, Any]] | list[Report]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_MONEY_KEYS = {"total", "prev_total", "week_ago_total", "avg_7d", "avg_order", "returns", "change", "week_change"}
_COUNT_KEYS = {"orders", "prev_orders", "open_days_left", "weeks", "times_normal"}
_EXPLAINED = ("goals", "drivers", "unusual_for_weekday", "corrections")  # blocks keyed by KPI: goals.sales.target...


def _money(value: float | None) -> float | int | None:
    """Whole units for anything an owner would round (₹6,912), paise only for small amounts."""
    if value is None:
        return None
    if abs(value) < 100:
        return round(value, 2)
    return int(math.copysign(math.floor(abs(value) + 0.5), value))  # half up, as people round: 5,500.50 -> 5,501


def _pct(value: float | None) -> float | int | None:
    """One decimal; a whole value is written without it (-34, not -34.0: a token saved each)."""
    if value is None:
        return None
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


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
        "prev_total": _money(s.prev_total),
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
    top = [{"source": clean_label(name), "count": count} for name, count in sources[:TOP_SOURCES]]
    if top:  # the leader's share is the one a bullet quotes
        top[0]["share_pct"] = _share(top[0]["count"], leads.count)
    other = sum(count for _name, count in sources[TOP_SOURCES:])
    return _compact({
        "count": leads.count, "prev_count": leads.prev_count, "change_pct": _pct(leads.change_pct),
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
        "headcount_estimated": att.headcount_estimated or None,
        "change_pp": _pct(att.change_pp), "week_change_pp": _pct(att.week_change_pp),
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
        "date": [day.day for day, _body in rows],  # day of the month; "date" marks them as dates for the guard
        "sales": column("sales", "total", _money),
        "leads": column("leads", "count"),
        "attendance_pct": column("attendance", "rate_pct", _pct),
    }
    return {key: values for key, values in table.items() if any(value is not None for value in values)}


def _weekday_anomalies(report: Report) -> dict[str, Any] | None:
    """KPIs far from a normal day of this weekday: the normal value, how many times it, how far in %."""
    block = {}
    for item in report.anomalies:
        normal = _money(item.median) if item.metric == "sales" else round(item.median, 1)
        entry: dict[str, Any] = {"normal": normal}
        if item.metric == "attendance":
            entry["vs_normal_pp"] = round(item.value - item.median, 1)
        elif item.ratio is not None and item.ratio >= 1.5:
            entry["times_normal"] = round(item.ratio, 1)
        elif item.median:
            entry["vs_normal_pct"] = round((item.value - item.median) / item.median * 100)
        block[item.metric] = entry
    return block or None


def _count(value: float | None) -> int | None:
    return None if value is None else math.floor(value + 0.5)


def _goals(report: Report) -> dict[str, Any] | None:
    block = {}
    for goal in report.goals:
        if goal.metric == "attendance":
            entry = {"target_pct": _pct(goal.target), "month_pct": _pct(goal.actual),
                     "needed_pct": _pct(goal.needed_per_day)}
        else:
            amount = _money if goal.metric == "sales" else _count
            entry = {"target": amount(goal.target), "so_far": amount(goal.actual), "done_pct": round(goal.pct),
                     "per_day_needed": amount(goal.needed_per_day) if goal.metric == "sales" else
                     (None if goal.needed_per_day is None else round(goal.needed_per_day, 1)),
                     "projected": amount(goal.projection) if goal.open_days_left and goal.metric == "sales" else None,
                     "reached_date": goal.met_on[5:] if goal.met_on else None}
        if goal.needed_per_day is not None:  # under the goal's own name: the guard binds "5 open days" to it
            entry["open_days_left"] = goal.open_days_left
        block[goal.metric] = _compact(entry)
    return block or None


def _drivers(report: Report) -> dict[str, Any] | None:
    """Per KPI, the items behind the change: the previous open day first, then the same day last week."""
    block: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for driver in sorted(report.drivers, key=lambda d: d.against != "previous"):
        kpi = block.setdefault(driver.metric, {})
        if sum(map(len, kpi.values())) >= DRIVERS_PER_KPI:
            continue
        amount = _money(driver.part) if driver.metric == "sales" else driver.part
        kpi.setdefault("vs_prev" if driver.against == "previous" else "vs_week", []).append(
            {"item": clean_label(driver.name), "change": amount, "share_pct": round(driver.share_pct)})
    return block or None


def _branch_days(report: Report) -> list[dict[str, Any]] | None:
    """The head office's report: each reporting branch's day (the top and bottom few when there are many)."""
    days = [day for day in report.consolidated.branches if day.reported]
    if len(days) > PAYLOAD_BRANCHES:
        days = days[:PAYLOAD_BRANCHES // 2] + days[-(PAYLOAD_BRANCHES // 2):]
    return [_compact({"name": clean_label(day.branch), "sales": _money(day.sales), "orders": day.orders,
                      "avg_order": _money(day.avg_order), "sales_rank": day.sales_rank,
                      "sales_share_pct": _pct(day.sales_share_pct),
                      "sales_change_pct": _pct(day.sales_change_pct),
                      "sales_week_change_pct": _pct(day.sales_week_change_pct), "leads": day.leads,
                      "attendance_pct": _pct(day.attendance_pct)}) for day in days] or None


def branch_names(report: Report) -> list[str]:
    """The head office's report: every branch's name as the payload writes it (reported or not), for the
    number guard's branch rule; [] for any other report."""
    if report.consolidated is None:
        return []
    names = [day.branch for day in report.consolidated.branches] + list(report.consolidated.missing)
    return list(dict.fromkeys(clean_label(name) for name in names))


def _branches(report: Report) -> list[dict[str, Any]] | None:
    if report.consolidated is not None:
        return _branch_days(report)
    # "sales" in the keys: the number guard binds "Naroda's sales were ₹92,210" to these paths
    return [_compact({"name": clean_label(line.branch), "sales": _money(line.total), "orders": line.orders,
                      "sales_change_pct": _pct(line.change_pct)}) for line in report.branches] or None


def _corrections(report: Report) -> dict[str, Any] | None:
    block: dict[str, list[dict[str, Any]]] = {}
    for item in report.corrections:
        domain, _, _key = item.metric.partition(".")
        fix = _money if domain == "sales" else (lambda value: value)
        block.setdefault(domain, []).append({"date": item.date[5:], "was": fix(item.was), "now": fix(item.now)})
    return block or None


def _anomalies(payload: dict[str, Any]) -> list[str]:
    """Plain flags (no new numbers) pointing at what deserves a sentence."""
    flags = []
    leads, att = payload.get("leads") or {}, payload.get("attendance") or {}
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
    prev_date = next((block.prev_date for block in (report.sales, report.leads, report.attendance)
                      if block is not None and block.prev_date), None)
    payload: dict[str, Any] = {
        "date": report.date.isoformat(),
        "closed": report.closed or None,
        "prev_date": prev_date,
        "sales": _sales(report),
        "branches": _branches(report),
        "branches_not_reported": [clean_label(name) for name in report.consolidated.missing] or None
        if report.consolidated is not None else None,
        "leads": _leads(report),
        "attendance": _attendance(report),
        "goals": _goals(report),
        "drivers": _drivers(report),
        "unusual_for_weekday": _weekday_anomalies(report),
        "corrections": _corrections(report),
        "last_7_days": _context(report, history, is_open),
    }
    payload["anomalies"] = _anomalies(payload) or None
    payload["data_issues"] = _data_issues(report)
    return _fit_budget({key: value for key, value in payload.items() if value is not None})


# What goes first when a busy day (a flag on every KPI, branches, corrections) would pass the budget:
# the older context before today's facts, and the sales goal last of the goals.
_TRIM_ORDER = (("last_7_days", "attendance_pct"), ("last_7_days", "leads"), ("corrections",),
               ("goals", "attendance"), ("goals", "leads"), ("leads", "other_sources_count"))
ESTIMATE_TO_O200K = 1.1  # bytes/3 runs ~8% under o200k on this JSON (bench/payload_blocks.py)


def _estimate(payload: dict[str, Any]) -> float:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8")) / 3 * ESTIMATE_TO_O200K


def _fit_budget(payload: dict[str, Any]) -> dict[str, Any]:
    """Drop the least needed parts, in `_TRIM_ORDER`, while the payload would pass its token budget."""
    for path in _TRIM_ORDER:
        if _estimate(payload) <= PAYLOAD_TOKEN_BUDGET:
            break
        block = payload
        for key in path[:-1]:
            block = block.get(key) or {}
        block.pop(path[-1], None)
        if len(path) > 1 and not payload.get(path[0]):
            payload.pop(path[0], None)
    return payload


@dataclass(frozen=True)
class PayloadNumber:
    value: float
    kind: NumberKind
    path: str
    branch: str | None = None  # the branch whose figure it is (an item of "branches"), None: the whole report's


def _kind(path: tuple[str, ...]) -> NumberKind:
    key = path[-1]
    if key.endswith(("_pct", "_pp")):
        return "pct"
    if key in _COUNT_KEYS:
        return "count"
    if (path[0] == "sales" and key in _MONEY_KEYS) or path[:2] == ("last_7_days", "sales"):
        return "money"
    if path[0] in _EXPLAINED and len(path) > 2 and path[1] == "sales":
        return "money"
    if path[0] == "branches" and key in ("sales", "avg_order"):
        return "money"
    return "count"


def _walk(value: Any, path: tuple[str, ...], branch: str | None = None
          ) -> Iterator[tuple[tuple[str, ...], Any, str | None]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key), branch)
    elif isinstance(value, list):
        for item in value:
            named = item.get("name") if path == ("branches",) and isinstance(item, dict) else None
            yield from _walk(item, path, named if isinstance(named, str) else branch)
    else:
        yield path, value, branch


_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def payload_numbers(payload: Mapping[str, Any]) -> list[PayloadNumber]:
    """Every number a bullet may quote: the values (typed money/pct/count), date parts and list sizes."""
    numbers: list[PayloadNumber] = []
    for path, value, branch in _walk(payload, ()):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            numbers.append(PayloadNumber(float(value), _kind(path), ".".join(path), branch))
        elif isinstance(value, str) and (match := _DATE.match(value)):
            numbers += [PayloadNumber(float(part), "count", ".".join(path), branch) for part in match.groups()
                        if part]
    numbers.append(PayloadNumber(float(CONTEXT_DAYS), "count", "context_days"))
    sources = (payload.get("leads") or {}).get("top_sources") or []
    numbers += [PayloadNumber(float(rank), "count", "leads.top_sources rank") for rank in range(1, len(sources) + 1)]
    return numbers

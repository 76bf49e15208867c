"""History from day one, and corrections: keep past days in history in step with the sources.

On the first report from real sources, the days they already cover (up to `[report]
backfill_days`) are computed into history, as the demo's are, so comparisons, weekday
baselines, goals and the 30-day chart work at once. On later runs a past day whose sales,
orders, leads or attendance now come out differently (a refund, an edited bill) is computed
again as a new revision (the old one stays in history) and the change is said in the report.

Cheap by design: per-day totals come from one group-by per domain; only days that are missing
or changed are built as reports.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from .history import HistoryStore
from .kpis import daily_leads, daily_sales
from .report import Correction

log = logging.getLogger("business_orchestrator.history")
TOLERANCE = 0.005


def _sales_days(data) -> dict[dt.date, dict[str, float]]:
    totals, orders = daily_sales(data)
    return {day: {"total": round(float(total), 2), "orders": float(orders.get(day, 0))}
            for day, total in totals.items()}


def _leads_days(data) -> dict[dt.date, dict[str, float]]:
    return {day: {"count": float(count)} for day, count in daily_leads(data).items()}


def _attendance_days(data) -> dict[dt.date, dict[str, float]]:
    frame = data.frame
    present = frame.loc[frame["present"].astype(bool)]
    counts = present.groupby(present["date"].dt.date)["employee"].nunique()
    return {day: {"present": float(count)} for day, count in counts.items()}


_DOMAINS = {"sales": _sales_days, "leads": _leads_days, "attendance": _attendance_days}
_NO_ROWS = {"sales": {"total": 0.0, "orders": 0.0}, "leads": {"count": 0.0}, "attendance": {"present": 0.0}}


def _differences(day: dt.date, fresh: dict[str, dict[str, float]], body: dict[str, Any]) -> list[Correction]:
    found = []
    for domain, values in fresh.items():
        block = body.get(domain) or {}
        for key, now in values.items():
            was = block.get(key)
            if was is None or abs(float(was) - now) > TOLERANCE:
                found.append(Correction(date=day.isoformat(), metric=f"{domain}.{key}",
                                        was=None if was is None else float(was), now=now))
    return found


def sync_history(settings, data, day: dt.date, store: HistoryStore) -> tuple[int, list[Correction]]:
    """Compute missing past days into history and recompute changed ones.

    Returns how many days were added and the corrections to say in today's report. Days whose
    history was imported from the old CSV log are left as the owner's record.
    """
    from .pipeline import build_report, finish_report

    limit = settings.report.backfill_days
    covered = {domain: item for domain, item in data.domains.items() if item is not None}
    if not limit or not covered:
        return 0, []
    first = max(day - dt.timedelta(days=limit), min(item.coverage[0] for item in covered.values()))
    bodies = store.bodies(first - dt.timedelta(days=21), day - dt.timedelta(days=1))
    per_day = {domain: _DOMAINS[domain](item) for domain, item in covered.items()}
    added, corrections, reports = 0, [], []
    when = first
    while when < day:
        domains = {domain: (item if item is not None and item.covers(when) else None)
                   for domain, item in data.domains.items()}
        fresh = {domain: per_day[domain].get(when, _NO_ROWS[domain])
                 for domain, item in domains.items() if item is not None}
        body = bodies.get(when)
        changed = _differences(when, fresh, body) if body is not None else []
        imported = body is not None and body.get("engine") == "imported"
        if fresh and not imported and (body is None or changed):
            view = replace(data, domains=domains, warnings=[],
                           statuses=[status for status in data.statuses if domains.get(status.domain)])
            report = build_report(settings, view, when, bodies)
            report.generated_at = dt.datetime.combine(when, dt.time(23, 59)).astimezone(settings.business.zone) \
                if body is None else dt.datetime.now().astimezone()
            finish_report(report, offline=True, settings=settings)
            reports.append(report)
            bodies[when] = report.to_dict()
            if body is None:
                added += 1
            else:
                corrections += changed
        when += dt.timedelta(days=1)
    if reports:
        store.save_all(reports)
    if added or corrections:
        log.info("history: %d past day(s) computed from the sources, %d correction(s)", added, len(corrections))
    return added, corrections


"""Alerts: the owner's rules checked against the day so far; each fires at most once per day.

Checked on every scheduled report and, for intraday rules, every few minutes while the tray
runs (`[alerts] check_minutes`). A fired rule is recorded in the history database and queued in
the outbox in the same transaction, so a crash can neither lose it nor send it twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass

from .alert_rules import AlertRule, parse_rule
from .db import connect, create_schema
from .formatting import money
from .history import HistoryStore
from .outbox import Outbox
from .report import Report

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts_fired (
    day TEXT NOT NULL,
    rule TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (day, rule)
);
"""
LEADS_FRAME_COLUMN = "received_at"


@dataclass(frozen=True)
class Fired:
    rule: AlertRule
    message: str


def _value(rule: AlertRule, report: Report) -> float | None:
    if rule.metric == "sales":
        return None if report.sales is None else report.sales.total
    if rule.metric == "orders":
        return None if report.sales is None else float(report.sales.orders)
    if rule.metric == "leads":
        return None if report.leads is None else float(report.leads.count)
    if rule.metric == "attendance":
        return None if report.attendance is None else report.attendance.rate_pct
    return None


def _say(rule: AlertRule, value: float, report: Report, now: dt.datetime) -> str:
    if rule.metric == "sales":
        shown = money(value, report.currency, report.locale, whole=True)
        limit = money(rule.threshold, report.currency, report.locale, whole=True)
    elif rule.metric == "attendance":
        shown, limit = f"{value:.1f}%", f"{rule.threshold:g}%"
    else:
        shown, limit = f"{value:g}", f"{rule.threshold:g}"
    side = "below" if rule.below else "above"
    return f"{rule.metric.capitalize()} {shown} at {now:%H:%M}, {side} {limit}"


def evaluate(rules: Sequence[AlertRule], report: Report, now: dt.datetime, *, scheduled: bool,
             last_lead_at: dt.datetime | None = None, open_hours: tuple[dt.time, dt.time] | None = None
             ) -> list[Fired]:
    """The rules that hold now. `now` is the business's local time (naive or aware, same day as report).

    A threshold rule without a time is an end-of-day rule: only a scheduled report checks it. A rule
    with a time is checked from that time on. Nothing fires on a closed day but source age.
    """
    fired: list[Fired] = []
    for rule in rules:
        if rule.metric == "source_age_days":
            fired += _stale_sources(rule, report)
            continue
        if report.closed:
            continue
        if rule.metric == "lead_gap_hours":
            message = _lead_gap(rule, now, last_lead_at, open_hours)
            if message:
                fired.append(Fired(rule, message))
            continue
        if rule.by is None and not scheduled:
            continue
        if rule.by is not None and now.time() < rule.by:
            continue
        value = _value(rule, report)
        if value is None:
            continue
        if (value < rule.threshold) if rule.below else (value > rule.threshold):
            fired.append(Fired(rule, _say(rule, value, report, now)))
    return fired


def _lead_gap(rule: AlertRule, now: dt.datetime, last_lead_at: dt.datetime | None,
              open_hours: tuple[dt.time, dt.time] | None) -> str | None:
    opens, closes = open_hours or (dt.time(10), dt.time(19))
    local = now.replace(tzinfo=None)
    if not opens <= local.time() <= closes:
        return None
    start = dt.datetime.combine(local.date(), opens)
    since = max(start, last_lead_at.replace(tzinfo=None)) if last_lead_at else start
    hours = (local - since).total_seconds() / 3600
    if hours < rule.threshold:
        return None
    last = f"the last one came at {last_lead_at:%H:%M}" if last_lead_at and last_lead_at >= start else \
        "none yet today"
    return f"No new lead for {hours:.1f} hours ({last})"


def _stale_sources(rule: AlertRule, report: Report) -> list[Fired]:
    fired = []
    for status in report.sources:
        if status.status == "disabled" or (rule.source and status.name.lower() != rule.source.lower()):
            continue
        if status.last_date is None:
            continue
        age = (report.date - dt.date.fromisoformat(status.last_date)).days
        if age >= rule.threshold:
            fired.append(Fired(rule, f"{status.name} not updated for {age} days (newest row {status.last_date})"))
    return fired[:1]


def rules_of(texts: Sequence[str]) -> list[AlertRule]:
    return [parse_rule(text) for text in texts]


def alert_html(report: Report, fired: Fired) -> str:
    from html import escape

    return f"🔔 <b>Alert — {escape(report.business, quote=False)}</b>\n{escape(fired.message, quote=False)}\n" \
           f"<i>Rule: {escape(fired.rule.text, quote=False)}</i>"


def alert_text(report: Report, fired: Fired) -> str:
    return f"🔔 Alert — {report.business}\n{fired.message}\nRule: {fired.rule.text}"


class AlertLog:
    """Which rules fired on which day: the once-per-rule-per-day memory, in the history database."""

    def __init__(self, store: HistoryStore):
        self.store = store
        create_schema(store.path, _SCHEMA)
        Outbox(store.path)  # the deliveries table, for alerts queued in the same transaction

    def fired_on(self, day: dt.date) -> list[str]:
        with closing(connect(self.store.path)) as conn:
            rows = conn.execute("SELECT message FROM alerts_fired WHERE day = ? ORDER BY fired_at",
                                (day.isoformat(),)).fetchall()
        return [row["message"] for row in rows]

    def record(self, report: Report, fired: Sequence[Fired], destinations: Sequence[str | tuple[str, str]],
               now: dt.datetime) -> list[Fired]:
        """Record each rule not yet fired today and queue its message; returns the ones that are new."""
        new = []
        with self.store.transaction() as conn:
            for item in fired:
                if self._insert(conn, report.date, item, now):
                    new.append(item)
                    if destinations:
                        Outbox.enqueue_alert_in(conn, report.date, alert_html(report, item), alert_text(report, item),
                                                destinations, now=now)
        return new

    @staticmethod
    def _insert(conn: sqlite3.Connection, day: dt.date, item: Fired, now: dt.datetime) -> bool:
        cursor = conn.execute("INSERT OR IGNORE INTO alerts_fired (day, rule, fired_at, message) VALUES (?, ?, ?, ?)",
                              (day.isoformat(), item.rule.text, now.isoformat(timespec="seconds"), item.message))
        return cursor.rowcount == 1


def _open_hours(text: str) -> tuple[dt.time, dt.time]:
    opens, _, closes = text.partition("-")
    return dt.time.fromisoformat(opens.strip()), dt.time.fromisoformat(closes.strip())


def check_alerts(settings, store: HistoryStore, report: Report, data, *, scheduled: bool,
                 now: dt.datetime | None = None) -> list[str]:
    """Evaluate the rules for `report`, record and queue the new ones; returns every alert of its day.

    A report for a past day is checked as at the end of that day.
    """
    from .explain import last_lead_at

    rules = rules_of(settings.alerts.rules)
    log_ = AlertLog(store)
    if not rules:
        return log_.fired_on(report.date)
    zone = settings.business.zone
    now = (now or dt.datetime.now(zone)).astimezone(zone)
    if now.date() != report.date:
        now = dt.datetime.combine(report.date, dt.time(23, 59), zone)
    fired = evaluate(rules, report, now, scheduled=scheduled, last_lead_at=last_lead_at(data, report.date),
                     open_hours=_open_hours(settings.alerts.open_hours))
    from .channels.registry import delivery_targets

    log_.record(report, fired, [] if report.demo else delivery_targets(settings), now)
    return log_.fired_on(report.date)


def check_now(settings, paths, now: dt.datetime | None = None) -> list[str]:
    """The intraday check (every `[alerts] check_minutes` while the tray runs): read the sources as
    they are now, evaluate the rules that make sense during the day, queue what newly fired.

    Returns the messages that fired for the first time today. Nothing is saved to history.
    """
    from .pipeline import build_report, history_window, read_sources, rows_since, today_in
    from .source_cache import SourceCache

    if not settings.alerts.rules:
        return []
    zone = settings.business.zone
    now = (now or dt.datetime.now(zone)).astimezone(zone)
    day = today_in(settings, now)
    store = HistoryStore(paths.history_db)
    before = set(AlertLog(store).fired_on(day))
    data = read_sources(settings, settings.specs(), day, cache=SourceCache(paths.cache), since=rows_since(day))
    report = build_report(settings, data, day, history_window(store, day))
    return [text for text in check_alerts(settings, store, report, data, scheduled=False, now=now)
            if text not in before]

"""Whether a scheduled report goes out: `[report] deliver` and `[schedule] closed_days`.

always: every report. unusual: only when a KPI is unusual for its weekday, an alert fired, or a
past day was corrected. changed: only when the numbers differ from the last report that was
actually sent (its figures, not its wording). A closed day sends a one-line note, or nothing
when the schedule skips closed days. The report is saved either way.
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any

from .db import connect
from .report import Report
from .settings import Settings

FIGURES = (("sales", "total"), ("sales", "orders"), ("leads", "count"), ("attendance", "present"),
           ("attendance", "headcount"))


def figures(body: dict[str, Any]) -> tuple:
    return (body.get("date"), *tuple((body.get(block) or {}).get(key) for block, key in FIGURES))


def last_sent_body(history_db: Path) -> dict[str, Any] | None:
    """The report JSON of the newest report delivery marked sent (alerts are not reports)."""
    with closing(connect(history_db)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "deliveries" not in tables:
            return None
        row = conn.execute(
            "SELECT r.body FROM deliveries d JOIN reports r ON r.date = d.report_date "
            "AND r.revision = d.report_revision WHERE d.status = 'sent' AND d.report_revision > 0 "
            "ORDER BY d.sent_at DESC LIMIT 1").fetchone()
    return json.loads(row["body"]) if row else None


def hold_back_reason(settings: Settings, report: Report, history_db: Path) -> str | None:
    """Why this scheduled report should not be sent, or None to send it."""
    if report.closed and settings.schedule.closed_days == "skip":
        return "closed day (the schedule skips closed days)"
    mode = settings.report.deliver
    if mode == "unusual" and not (report.anomalies or report.alerts or report.corrections):
        return "nothing unusual and no alert (deliver = unusual)"
    if mode == "changed":
        last = last_sent_body(history_db)
        if last is not None and figures(last) == figures(report.to_dict()):
            return "the numbers have not changed since the last report sent (deliver = changed)"
    return None

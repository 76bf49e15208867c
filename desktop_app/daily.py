"""One KPI value per past day, read from history bodies (report JSON by date): what goals and
the weekday baselines add up or compare. No I/O; the pipeline loads the bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .report import Report

# metric -> (report block, key in it)
METRICS: dict[str, tuple[str, str]] = {
    "sales": ("sales", "total"),
    "orders": ("sales", "orders"),
    "leads": ("leads", "count"),
    "attendance": ("attendance", "rate_pct"),
}
Bodies = Mapping[dt.date, Mapping[str, Any]]


def body_value(body: Mapping[str, Any] | None, metric: str) -> float | None:
    block_name, key = METRICS[metric]
    block = (body or {}).get(block_name)
    value = None if not block else block.get(key)
    return None if value is None else float(value)


def report_value(report: Report, metric: str) -> float | None:
    block_name, key = METRICS[metric]
    block = getattr(report, block_name)
    value = None if block is None else getattr(block, key)
    return None if value is None else float(value)


def was_closed(body: Mapping[str, Any] | None) -> bool:
    return bool((body or {}).get("closed"))

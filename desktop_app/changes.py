"""Percentage change as every report block writes it. No pandas here: the tray's summary window (the branch
selector) and the head office's sums use it without loading the KPI engine."""

from __future__ import annotations


def pct_change(now: float | None, before: float | None) -> float | None:
    """% change from `before` to `now`, one decimal; None when either is unknown or `before` is zero."""
    if now is None or before is None or before == 0:
        return None
    return round((now - before) / abs(before) * 100, 1)

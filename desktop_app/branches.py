"""Per-branch sales lines. A branch is a source's label (`branch = "Naroda"` in its [[sources]]
table); a source's bills are its own, so INV-001 in two branches is two orders."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from connectors.parsing import by_unique

from .kpis import DomainData, counted_rows, pct_change
from .report import BranchLine

UNLABELLED = "Other"


def _sale_rows(data: DomainData) -> tuple[pd.DataFrame, pd.Series, pd.Series | None]:
    """(sale rows, their days, their branch names; None when no row has a label), built once per
    source read: a backfill asks for every past day."""
    key = ("branches",)
    if key not in data.derived:
        (labels,) = by_unique(data.frame["branch"], lambda unique: unique.fillna("").astype(str).str.strip())
        frame, days = counted_rows(data, "ordered_at")
        names = labels.loc[frame.index].replace("", UNLABELLED) if labels.any() else None
        data.derived[key] = (frame, days, names)
    return data.derived[key]


def branch_lines(data: DomainData | None, day: dt.date, previous: dt.date) -> list[BranchLine]:
    """One line per branch when the sales sources carry at least one branch label, else none."""
    if data is None or "branch" not in data.frame:
        return []
    frame, days, names = _sale_rows(data)
    if names is None:
        return []

    def totals(when: dt.date) -> tuple[pd.Series, pd.Series]:
        rows = frame.loc[days == when]
        labels = names.loc[rows.index]
        keys = [labels, rows["_source"]] if "_source" in rows else [labels]
        per_order = rows.groupby([*keys, rows["order_id"]])["amount"].sum()
        return rows["amount"].groupby(labels).sum(), (per_order > 0).groupby(level=0).sum()

    total, orders = totals(day)
    prev_total, _ = totals(previous) if data.covers(previous) else (None, None)
    lines = []
    for branch in sorted(set(names)):
        amount = round(float(total.get(branch, 0.0)), 2)
        count = int(orders.get(branch, 0))
        before = None if prev_total is None else round(float(prev_total.get(branch, 0.0)), 2)
        lines.append(BranchLine(branch=branch, total=amount, orders=count,
                                avg_order=round(amount / count, 2) if count else None,
                                prev_total=before, change_pct=pct_change(amount, before)))
    return sorted(lines, key=lambda line: -line.total)

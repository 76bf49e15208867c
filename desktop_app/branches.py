"""Per-branch sales lines. A branch is a source's label (`branch = "Naroda"` in its [[sources]]
table); a source's bills are its own, so INV-001 in two branches is two orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from connectors.parsing import by_unique

from .kpis import NO_ROWS, DomainData, counted_rows, pct_change, positions_by_day
from .report import BranchLine

UNLABELLED = "Other"


@dataclass(frozen=True)
class _SaleRows:
    frame: pd.DataFrame  # the rows that count as sales
    names: pd.Series  # each one's branch name
    branches: list[str]  # every name, sorted
    by_day: dict[dt.date, np.ndarray]  # each day's positions in `frame`


def _sale_rows(data: DomainData) -> _SaleRows | None:
    """The sale rows by branch (None when no row has a label), built once per source read: a backfill asks
    for every past day, and listing the branches or finding one day's rows is a pass over them all."""
    key = ("branches",)
    if key not in data.derived:
        (labels,) = by_unique(data.frame["branch"], lambda unique: unique.fillna("").astype(str).str.strip())
        frame, _ = counted_rows(data, "ordered_at")
        names = labels.loc[frame.index].replace("", UNLABELLED) if labels.any() else None
        data.derived[key] = None if names is None else _SaleRows(frame, names, sorted(set(names)),
                                                                  positions_by_day(frame["ordered_at"]))
    return data.derived[key]


def branch_lines(data: DomainData | None, day: dt.date, previous: dt.date) -> list[BranchLine]:
    """One line per branch when the sales sources carry at least one branch label, else none."""
    if data is None or "branch" not in data.frame:
        return []
    sale = _sale_rows(data)
    if sale is None:
        return []

    def totals(when: dt.date) -> tuple[pd.Series, pd.Series]:
        positions = sale.by_day.get(when, NO_ROWS)
        rows, labels = sale.frame.iloc[positions], sale.names.iloc[positions]
        keys = [labels, rows["_source"]] if "_source" in rows else [labels]
        per_order = rows.groupby([*keys, rows["order_id"]])["amount"].sum()
        return rows["amount"].groupby(labels).sum(), (per_order > 0).groupby(level=0).sum()

    total, orders = totals(day)
    prev_total, _ = totals(previous) if data.covers(previous) else (None, None)
    lines = []
    for branch in sale.branches:
        amount = round(float(total.get(branch, 0.0)), 2)
        count = int(orders.get(branch, 0))
        before = None if prev_total is None else round(float(prev_total.get(branch, 0.0)), 2)
        lines.append(BranchLine(branch=branch, total=amount, orders=count,
                                avg_order=round(amount / count, 2) if count else None,
                                prev_total=before, change_pct=pct_change(amount, before)))
    return sorted(lines, key=lambda line: -line.total)

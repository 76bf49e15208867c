"""Why did it move: the products, channels, branches (or lead sources) behind a change.

For each comparison (the previous open day, the same weekday last week) and each breakdown
column the sources really carry, the change is split by item; the items moving the same way as
the whole, largest first, are the drivers, each with its share of the change. A breakdown with
no values, or a single value, says nothing and is skipped. Only days inside the sources' own
coverage can be split: history keeps totals, not items.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from connectors.base import NOT_SALE_STATUSES

from .kpis import DomainData
from .report import Driver

SALES_BREAKDOWNS = ("product", "channel", "branch")
LEADS_BREAKDOWNS = ("source",)
MIN_CHANGE_PCT = 10.0  # smaller moves are "steady": nothing to explain
MIN_SHARE_PCT = 20.0
MOST_PER_COMPARISON = 2
DOMINANT_ITEM_PCT = 70.0  # a breakdown where one item is most of the business only restates the total
MIN_COUNT_PART = 2  # leads: a driver brings at least 2 more (or fewer) leads


def _values(frame: pd.DataFrame, stamp: str, value: str | None, by: str, days: list[dt.date]) -> pd.DataFrame:
    """Per item, the day's sum (or row count) on each of `days`: one column per day."""
    rows = frame.loc[frame[stamp].dt.normalize().isin([pd.Timestamp(day) for day in days])]
    labels = rows[by].astype("string").str.strip().fillna("").replace("", "(none)")
    keys = [labels, rows[stamp].dt.date]
    measured = rows[value] if value else pd.Series(1, index=rows.index)
    table = measured.groupby(keys).sum().unstack(fill_value=0)
    return table.reindex(columns=days, fill_value=0)


def _fit(driver: Driver) -> float:
    """How well one item alone tells the story: 100 at exactly the whole change; overshooting (others
    moved the other way) counts against it as much as falling short."""
    return 100 - abs(100 - driver.share_pct)


def _split(frame: pd.DataFrame, metric, stamp: str, value: str | None, breakdowns: tuple[str, ...],
           day: dt.date, other: dt.date, against) -> list[Driver]:
    best: list[Driver] = []
    for by in breakdowns:
        if by not in frame or frame[by].dropna().astype(str).str.strip().replace("", pd.NA).dropna().nunique() < 2:
            continue
        table = _values(frame, stamp, value, by, [day, other])
        change = float(table[day].sum() - table[other].sum())
        whole = float(table[other].sum())
        if not change or (whole and abs(change) / abs(whole) * 100 < MIN_CHANGE_PCT):
            return []
        base = table[[day, other]].abs().sum(axis=1)
        if base.sum() and base.max() / base.sum() * 100 >= DOMINANT_ITEM_PCT:
            continue
        parts = (table[day] - table[other]).sort_values(key=abs, ascending=False)
        found = [Driver(metric=metric, against=against, against_date=other.isoformat(), change=round(change, 2),
                        by=by, name=str(name), part=round(float(part), 2),
                        share_pct=round(float(part) / change * 100, 1))
                 for name, part in parts.items() if part * change > 0 and part / change * 100 >= MIN_SHARE_PCT
                 and (value is not None or abs(part) >= MIN_COUNT_PART)]
        while len(found) > 1 and (len(found) > MOST_PER_COMPARISON or sum(d.share_pct for d in found[:-1]) >= 100):
            found.pop()  # the first items already explain the whole change
        if found and (not best or _fit(found[0]) > _fit(best[0])):
            best = found
    return best


def _sales_frame(data: DomainData) -> pd.DataFrame:
    frame = data.frame
    if "status" in frame:
        frame = frame[~frame["status"].isin(NOT_SALE_STATUSES)]
    return frame


def find_drivers(sales: DomainData | None, leads: DomainData | None, day: dt.date, previous: dt.date
                 ) -> list[Driver]:
    """Drivers of sales and leads against the previous open day and the same weekday last week."""
    drivers: list[Driver] = []
    comparisons = (("previous", previous), ("week", day - dt.timedelta(days=7)))
    for against, other in comparisons:
        if sales is not None and sales.covers(day) and sales.covers(other):
            drivers += _split(_sales_frame(sales), "sales", "ordered_at", "amount", SALES_BREAKDOWNS, day, other,
                              against)
        if leads is not None and leads.covers(day) and leads.covers(other):
            drivers += _split(leads.frame, "leads", "received_at", None, LEADS_BREAKDOWNS, day, other, against)
    return drivers

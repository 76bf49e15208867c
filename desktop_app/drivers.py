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

from connectors.parsing import by_unique

from .kpis import DomainData, counted_rows
from .report import Driver

SALES_BREAKDOWNS = ("product", "channel", "branch")
LEADS_BREAKDOWNS = ("source",)
MIN_CHANGE_PCT = 10.0  # smaller moves are "steady": nothing to explain
MIN_SHARE_PCT = 20.0
MOST_PER_COMPARISON = 2
DOMINANT_ITEM_PCT = 70.0  # a breakdown where one item is most of the business only restates the total
MIN_COUNT_PART = 2  # leads: a driver brings at least 2 more (or fewer) leads


NO_LABEL = ""
DayItems = dict[dt.date, dict[str, float]]


def _items_by_day(data: DomainData, stamp: str, value: str | None, by: str) -> DayItems | None:
    """Per day, each item's sum (or row count): built once per source read (a backfill asks 60 times)."""
    key = ("drivers", stamp, value, by)
    if key not in data.derived:
        if by not in data.frame:
            data.derived[key] = None
            return None
        frame, days = counted_rows(data, stamp)
        # stripped once per distinct value: a year of orders repeats a few products and channels
        (labels,) = by_unique(frame[by], lambda unique: unique.astype("string").str.strip().fillna(NO_LABEL))
        measured = frame[value] if value else pd.Series(1, index=frame.index)
        sums = measured.groupby([days, labels]).sum()
        table: DayItems = {}
        for (day, label), amount in sums.items():
            table.setdefault(day.date(), {})[label] = float(amount)
        data.derived[key] = table
    return data.derived[key]


def _fit(driver: Driver) -> float:
    """How well one item alone tells the story: 100 at exactly the whole change; overshooting (others
    moved the other way) counts against it as much as falling short."""
    return 100 - abs(100 - driver.share_pct)


def _split(data: DomainData, metric, stamp: str, value: str | None, breakdowns: tuple[str, ...],
           day: dt.date, other: dt.date, against) -> list[Driver]:
    best: list[Driver] = []
    for by in breakdowns:
        items = _items_by_day(data, stamp, value, by)
        if items is None:
            continue
        now, before = items.get(day, {}), items.get(other, {})
        names = [name for name in {*now, *before} if now.get(name) or before.get(name)]
        if sum(1 for name in names if name != NO_LABEL) < 2:
            continue  # one value (or none) in the two days: it cannot tell what moved
        change = sum(now.values()) - sum(before.values())
        whole = sum(before.values())
        if not change or (whole and abs(change) / abs(whole) * 100 < MIN_CHANGE_PCT):
            return []
        base = {name: abs(now.get(name, 0.0)) + abs(before.get(name, 0.0)) for name in names}
        if sum(base.values()) and max(base.values()) / sum(base.values()) * 100 >= DOMINANT_ITEM_PCT:
            continue
        parts = sorted(((name, now.get(name, 0.0) - before.get(name, 0.0)) for name in names),
                       key=lambda item: (-abs(item[1]), item[0]))
        found = [Driver(metric=metric, against=against, against_date=other.isoformat(), change=round(change, 2),
                        by=by, name=name or "(none)", part=round(part, 2), share_pct=round(part / change * 100, 1))
                 for name, part in parts if part * change > 0 and part / change * 100 >= MIN_SHARE_PCT
                 and (value is not None or abs(part) >= MIN_COUNT_PART)]
        while len(found) > 1 and (len(found) > MOST_PER_COMPARISON or sum(d.share_pct for d in found[:-1]) >= 100):
            found.pop()  # the first items already explain the whole change
        if found and (not best or _fit(found[0]) > _fit(best[0])):
            best = found
    return best


def find_drivers(sales: DomainData | None, leads: DomainData | None, day: dt.date, previous: dt.date
                 ) -> list[Driver]:
    """Drivers of sales and leads against the previous open day and the same weekday last week."""
    drivers: list[Driver] = []
    comparisons = (("previous", previous), ("week", day - dt.timedelta(days=7)))
    for against, other in comparisons:
        if sales is not None and sales.covers(day) and sales.covers(other):
            drivers += _split(sales, "sales", "ordered_at", "amount", SALES_BREAKDOWNS, day, other,
                              against)
        if leads is not None and leads.covers(day) and leads.covers(other):
            drivers += _split(leads, "leads", "received_at", None, LEADS_BREAKDOWNS, day, other, against)
    return drivers

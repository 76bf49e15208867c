"""KPIs in pandas: canonical frames in, numbers out. No I/O, no settings files.

A day counts as known when it lies inside a source's coverage (the span the file vouches for);
days outside it come from the history store, else stay unknown (None) rather than zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from connectors.base import NOT_SALE_STATUSES
from connectors.parsing import by_unique

from .changes import pct_change
from .report import AttendanceKpis, LeadsKpis, SalesKpis

ESTIMATE_WINDOW_DAYS = 30
NO_ROWS = np.empty(0, dtype=np.intp)  # a day's row positions when it has none
PreviousDay = Callable[[dt.date], dt.date]


@dataclass
class DomainData:
    """All rows of one domain (every source concatenated) and the days they are complete for."""

    frame: pd.DataFrame
    coverage: tuple[dt.date, dt.date]
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)  # per-frame tables, built once

    def covers(self, day: dt.date) -> bool:
        return self.coverage[0] <= day <= self.coverage[1]


def _dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def positions_by_day(stamps: pd.Series) -> dict[dt.date, np.ndarray]:
    """Each day's positions in `stamps` (in their order; no entry for a day without rows, none for NaT)."""
    days = stamps.to_numpy(dtype="datetime64[D]")
    order = np.argsort(days, kind="stable")  # NaT sorts last; stable keeps frame order within a day
    dated = days[order][: int((~np.isnat(days)).sum())]
    uniques, starts = np.unique(dated, return_index=True)
    bounds = [*starts, len(dated)]
    return {day.item(): order[start:end] for day, start, end in zip(uniques, bounds, bounds[1:], strict=False)}


def day_positions(data: DomainData, column: str) -> dict[dt.date, np.ndarray]:
    """Each day's row positions by `column`'s timestamps (see positions_by_day).

    Built once per source read and kept in `data.derived`: a backfill asks for 60 days' rows, and
    masking the whole frame for each of them costs more than the day's own sums.
    """
    key = ("day_positions", column)
    if key not in data.derived:
        data.derived[key] = positions_by_day(data.frame[column])
    return data.derived[key]


def _on_day(data: DomainData, stamp: str, day: dt.date, column: str) -> pd.Series:
    """`column` of the rows whose `stamp` falls on `day`, in frame order (see day_positions)."""
    return data.frame[column].iloc[day_positions(data, stamp).get(day, NO_ROWS)]


def _days_back(day: dt.date, prev_day: dt.date, span: int = 7) -> dt.date:
    return min(prev_day, day - dt.timedelta(days=span))


def _past(history: Mapping[dt.date, dict[str, Any]], day: dt.date, domain: str, key: str) -> Any:
    block = (history.get(day) or {}).get(domain)
    return None if not block else block.get(key)


def _day_values(per_day: pd.Series, data: DomainData, history: Mapping[dt.date, dict[str, Any]], key: str,
                cast: Callable[[Any], Any]) -> Callable[[dt.date], Any]:
    """A day's value: from the source inside its coverage (0 on a day with no rows), else from history."""
    domain, _, field = key.partition(".")

    def on(when: dt.date) -> Any:
        if data.covers(when):
            return cast(per_day.get(when, 0))
        return _past(history, when, domain, field)

    return on


MIN_DAYS_FOR_AVERAGE = 3


def _seven_day_mean(values: Callable[[dt.date], float | None], day: dt.date, is_open: Callable[[dt.date], bool]):
    """Mean over the previous 7 days that were open; None on fewer than 3 known days.

    A closed day is left out even when a few online orders came in: it is not a normal day's figure.
    """
    days = [day - dt.timedelta(days=offset) for offset in range(1, 8)]
    counted = [value for past, value in zip(days, map(values, days), strict=True)
               if value is not None and is_open(past)]
    return round(sum(counted) / len(counted), 2) if len(counted) >= MIN_DAYS_FOR_AVERAGE else None


def counted_rows(data: DomainData, stamp: str) -> tuple[pd.DataFrame, pd.Series]:
    """The rows that count (a cancelled, voided, failed or draft order is no sale) and their days
    (midnight of `stamp`: grouping on timestamps is much cheaper than on datetime.date objects), built
    once per source read: daily totals, branch lines and every driver breakdown group the same rows by day."""
    key = ("counted_rows", stamp)
    if key not in data.derived:
        frame = data.frame
        if "status" in frame:
            counted = ~frame["status"].isin(NOT_SALE_STATUSES)
            frame = frame if counted.all() else frame[counted]  # kept for the whole run: no copy when all count
        data.derived[key] = (frame, frame[stamp].dt.normalize())
    return data.derived[key]


def _by_date(per_day: pd.Series) -> pd.Series:
    """`per_day` keyed by datetime.date instead of midnight timestamps, as the KPIs and history look days up."""
    return per_day.set_axis(pd.Index(per_day.index.date, dtype=object))


def daily_sales(data: DomainData) -> tuple[pd.Series, pd.Series]:
    """Per day (datetime.date): the sales total and the orders above zero, over all of `data`'s sale rows.

    Built once per source read and kept in `data.derived`: the backfill asks for every past day.
    """
    key = ("daily_sales",)
    if key not in data.derived:
        frame, days = counted_rows(data, "ordered_at")
        # A source's bills are its own: INV-001 in two branches' files is two orders.
        keys = [days, frame["_source"], frame["order_id"]] if "_source" in frame else [days, frame["order_id"]]
        # Unsorted: sorting a year of order ids costs more than the sums; orders per day come out sorted by day.
        per_order = frame.groupby(keys, sort=False)["amount"].sum()
        data.derived[key] = (_by_date(frame["amount"].groupby(days).sum()),
                             _by_date((per_order > 0).groupby(level=0).sum()))
    return data.derived[key]


def compute_sales(
    data: DomainData,
    day: dt.date,
    previous_day: PreviousDay,
    is_open: Callable[[dt.date], bool],
    history: Mapping[dt.date, dict[str, Any]],
) -> SalesKpis:
    prev = previous_day(day)
    totals, orders = daily_sales(data)
    total_on = _day_values(totals, data, history, "sales.total", lambda value: round(float(value), 2))
    orders_on = _day_values(orders, data, history, "sales.orders", int)

    total, count = total_on(day) or 0.0, orders_on(day) or 0
    prev_total, prev_orders = total_on(prev), orders_on(prev)
    avg = round(total / count, 2) if count else None
    prev_avg = round(prev_total / prev_orders, 2) if prev_total is not None and prev_orders else None
    week_ago = total_on(day - dt.timedelta(days=7))
    amounts = _on_day(data, "ordered_at", day, "amount")
    if "status" in data.frame:
        amounts = amounts[~_on_day(data, "ordered_at", day, "status").isin(NOT_SALE_STATUSES)]
    return SalesKpis(
        total=total,
        orders=count,
        avg_order=avg,
        prev_date=prev.isoformat(),
        prev_total=prev_total,
        prev_orders=prev_orders,
        change_pct=pct_change(total, prev_total),
        week_ago_total=week_ago,
        week_change_pct=pct_change(total, week_ago),
        avg_7d=_seven_day_mean(total_on, day, is_open),
        avg_order_change_pct=pct_change(avg, prev_avg),
        returns=round(abs(float(amounts[amounts < 0].sum())), 2),
    )


def daily_leads(data: DomainData) -> pd.Series:
    """Leads per day (datetime.date) over all of `data`'s rows: the sizes of each day's row positions,
    which the day's source mix reads anyway (no second pass over a year of timestamps)."""
    key = ("daily_leads",)
    if key not in data.derived:
        counts = {day: len(positions) for day, positions in day_positions(data, "received_at").items()}
        data.derived[key] = pd.Series(counts, dtype="int64")
    return data.derived[key]


def lead_sources(data: DomainData) -> pd.Series:
    """Each lead's source as the report names it ("Unknown" when blank), cleaned once per distinct value and
    once per source read (see daily_sales)."""
    key = ("lead_sources",)
    if key not in data.derived:
        (data.derived[key],) = by_unique(data.frame["source"], lambda unique: unique.fillna("Unknown").astype(str)
                                         .str.strip().replace("", "Unknown"))
    return data.derived[key]


def compute_leads(
    data: DomainData,
    day: dt.date,
    previous_day: PreviousDay,
    is_open: Callable[[dt.date], bool],
    history: Mapping[dt.date, dict[str, Any]],
) -> LeadsKpis:
    prev = previous_day(day)
    count_on = _day_values(daily_leads(data), data, history, "leads.count", int)
    mix = lead_sources(data).iloc[day_positions(data, "received_at").get(day, NO_ROWS)].value_counts()
    by_source = dict(sorted(((str(k), int(v)) for k, v in mix.items()), key=lambda item: (-item[1], item[0])))
    count, prev_count = count_on(day) or 0, count_on(prev)
    week_ago = count_on(day - dt.timedelta(days=7))
    return LeadsKpis(
        count=count,
        by_source=by_source,
        prev_date=prev.isoformat(),
        prev_count=prev_count,
        change_pct=pct_change(count, prev_count),
        week_ago_count=week_ago,
        week_change_pct=pct_change(count, week_ago),
        avg_7d=_seven_day_mean(count_on, day, is_open),
    )


@dataclass(frozen=True)
class StaffOnDay:
    """Who has a row on one day of the attendance file, and who of them is marked present."""

    listed: frozenset[Any]
    present: frozenset[Any]
    register: bool  # someone is marked absent: the file lists absentees too (a status register)


def staff_by_day(data: DomainData) -> dict[dt.date, StaffOnDay]:
    """Each day's staff (no entry for a day without rows), built once per source read (see day_positions):
    the headcount estimate reads 30 days of them for each of a backfill's 60 days."""
    key = ("staff_by_day",)
    if key not in data.derived:
        frame = data.frame
        employees = frame["employee"].to_numpy(dtype=object)
        known = frame["employee"].notna().to_numpy()  # as nunique: a blank id is nobody
        present = frame["present"].to_numpy(dtype=bool)
        table = {}
        for day, positions in day_positions(data, "date").items():
            named = positions[known[positions]]
            table[day] = StaffOnDay(listed=frozenset(employees[named]),
                                    present=frozenset(employees[named[present[named]]]),
                                    register=not present[positions].all())
        data.derived[key] = table
    return data.derived[key]


@dataclass
class Headcount:
    """Who is expected at work: from a roster or setting (exact) or staff seen recently (estimate)."""

    fixed: int | None = None  # roster size or [attendance] headcount

    def for_day(self, staff: Mapping[dt.date, StaffOnDay], day: dt.date, since: dt.date) -> tuple[int, bool]:
        """Headcount on `day` and whether it is estimated; the estimate reads no rows before `since`."""
        if self.fixed:
            return self.fixed, False
        on_day = staff.get(day)
        if on_day is not None and on_day.register:  # everyone listed is expected
            return len(on_day.listed), False
        start = max(since, day - dt.timedelta(days=ESTIMATE_WINDOW_DAYS - 1))
        seen = [staff[when].listed for when in _dates(start, day) if when in staff]
        return len(frozenset().union(*seen)), True


def compute_attendance(
    data: DomainData,
    day: dt.date,
    previous_day: PreviousDay,
    history: Mapping[dt.date, dict[str, Any]],
    headcount: Headcount,
) -> AttendanceKpis:
    prev = previous_day(day)
    # The rows a report reads (see pipeline.LOOKBACK_DAYS): the comparison days' estimates stop here too.
    start = min(_days_back(day, prev), day - dt.timedelta(days=ESTIMATE_WINDOW_DAYS - 1))
    staff_on = staff_by_day(data)

    def rate_on(when: dt.date) -> tuple[float | None, int, int, bool]:
        if not data.covers(when):
            return _past(history, when, "attendance", "rate_pct"), 0, 0, False
        on_day = staff_on.get(when)
        if on_day is None:  # not one punch or mark: a holiday, or the device was off; not 0 % present
            return None, 0, 0, False
        staff, estimated = headcount.for_day(staff_on, when, start)
        present = len(on_day.present)
        present = min(present, staff) if headcount.fixed else present
        rate = round(present / staff * 100, 1) if staff else None
        return rate, staff, present, estimated

    rate, staff, present, estimated = rate_on(day)
    prev_rate = rate_on(prev)[0]
    week_rate = rate_on(day - dt.timedelta(days=7))[0]

    def pp(now: float | None, before: float | None) -> float | None:
        return None if now is None or before is None else round(now - before, 1)

    return AttendanceKpis(
        headcount=staff,
        present=present,
        absent=max(staff - present, 0),
        rate_pct=rate,
        headcount_estimated=estimated,
        prev_date=prev.isoformat(),
        prev_rate_pct=prev_rate,
        change_pp=pp(rate, prev_rate),
        week_ago_rate_pct=week_rate,
        week_change_pp=pp(rate, week_rate),
    )

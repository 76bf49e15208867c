"""The per-day tables a backfill reads (row positions, staff sets, sale rows, lead sources: built once
per source read) against the plain computation: masking the whole frame for the one day asked.

The frames have the awkward days: no rows at all, a closed Sunday with a few online orders,
cancelled orders and returns, two branches whose bill numbers overlap, a blank product and
lead source, a row with no date, a register day (absentees listed) next to punch-only days, and
a staff member seen only on some days.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from connectors.base import NOT_SALE_STATUSES
from desktop_app.branches import branch_lines
from desktop_app.drivers import find_drivers
from desktop_app.history import HistoryStore
from desktop_app.kpis import DomainData, Headcount, compute_attendance, compute_leads, compute_sales
from desktop_app.report import Report
from desktop_app.settings import BusinessSettings

BUSINESS = BusinessSettings()  # open Mon..Sat
FIRST = dt.date(2026, 9, 14)
LAST = dt.date(2026, 11, 23)
DAYS = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
NO_ROWS_DAY = dt.date(2026, 11, 11)  # a Wednesday with nothing in any file
ASKED = [*DAYS[35:], LAST + dt.timedelta(days=1)]  # days with 30 days of rows behind them, and one after the file


def sales_frame() -> pd.DataFrame:
    pick = random.Random(17)
    rows = []
    for day in DAYS:
        if day == NO_ROWS_DAY:
            continue
        count = 2 if day.weekday() == 6 else pick.randint(3, 9)  # Sunday: closed, a few online orders
        for number in range(count):
            source, branch = pick.choice((("north.csv", "North"), ("south.csv", "South")))
            bill = f"INV-{day.day:02d}{number % 4}"  # overlapping bill numbers across branches, multi-line bills
            status = pick.choice(("paid", "paid", "paid", "cancelled", "refunded"))
            amount = round(pick.uniform(-500, 9000), 2)
            product = pick.choice(("Saree", "Kurta", " Kurta ", "", None))
            rows.append((bill, f"{day} {9 + number}:{pick.randint(0, 59):02d}", amount, status, source, branch,
                         product, pick.choice(("web", "shop"))))
    rows.append(("INV-X", None, 999.0, "paid", "north.csv", "North", "Saree", "web"))  # no date: no day
    frame = pd.DataFrame(rows, columns=["order_id", "ordered_at", "amount", "status", "_source", "branch", "product",
                                        "channel"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def leads_frame() -> pd.DataFrame:
    pick = random.Random(3)
    rows = [(f"{day} {9 + n}:00", pick.choice(("IndiaMART", " IndiaMART", "Walk-in", "", None, "JustDial")))
            for day in DAYS if day != NO_ROWS_DAY for n in range(pick.randint(0, 6))]
    frame = pd.DataFrame(rows, columns=["received_at", "source"])
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame


def attendance_frame() -> pd.DataFrame:
    pick = random.Random(5)
    rows = []
    for day in DAYS:
        if day == NO_ROWS_DAY or day.weekday() == 6:
            continue
        register = day.day % 3 == 0  # some days list absentees too, the others only punches
        for name in ("asha", "bina", "chetan", "dev", "esha"):
            present = pick.random() > 0.2
            if present or register:
                rows.append((name, str(day), present))
        if day.day % 4 == 0:
            rows.append(("farhan", str(day), True))  # only present some days
        if day.day % 9 == 0:
            rows.append((None, str(day), True))  # a punch with no id is nobody
    # Seen once, 30 days before a Wednesday: the Tuesday before counts her only from the rows that report reads.
    rows.append(("gita", "2026-10-19", True))
    frame = pd.DataFrame(rows, columns=["employee", "date", "present"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def on_day(frame: pd.DataFrame, column: str, day: dt.date) -> pd.DataFrame:
    stamps = frame[column]
    return frame[(stamps >= pd.Timestamp(day)) & (stamps < pd.Timestamp(day + dt.timedelta(days=1)))]


def plain_sales(frame: pd.DataFrame, day: dt.date) -> tuple[float, int, float]:
    """(total, orders above zero, returns) of one day, from that day's rows alone."""
    rows = on_day(frame, "ordered_at", day)
    rows = rows[~rows["status"].isin(NOT_SALE_STATUSES)]
    per_order = rows.groupby(["_source", "order_id"])["amount"].sum()
    returns = round(abs(float(rows.loc[rows["amount"] < 0, "amount"].sum())), 2)
    return round(float(rows["amount"].sum()), 2), int((per_order > 0).sum()), returns


def plain_mix(frame: pd.DataFrame, day: dt.date) -> dict[str, int]:
    sources = on_day(frame, "received_at", day)["source"]
    mix = sources.fillna("Unknown").astype(str).str.strip().replace("", "Unknown").value_counts()
    return dict(sorted(((str(k), int(v)) for k, v in mix.items()), key=lambda item: (-item[1], item[0])))


def plain_rate(frame: pd.DataFrame, when: dt.date, since: dt.date, fixed: int | None):
    """(rate, headcount, present, estimated) on `when` from the rows since `since` (what a report reads)."""
    rows = frame[(frame["date"] >= pd.Timestamp(since)) & (frame["date"] < pd.Timestamp(when + dt.timedelta(days=1)))]
    today = rows[rows["date"].dt.date == when]
    if today.empty:  # nobody punched or was marked: nothing known, not 0 % present
        return None, 0, 0, False
    if fixed:
        staff, estimated = fixed, False
    elif (~today["present"]).any():
        staff, estimated = today["employee"].nunique(), False
    else:
        recent = rows[rows["date"].dt.date >= when - dt.timedelta(days=29)]
        staff, estimated = recent["employee"].nunique(), True
    present = today.loc[today["present"], "employee"].nunique()
    present = min(present, staff) if fixed else present
    return (round(present / staff * 100, 1) if staff else None), staff, present, estimated


@pytest.fixture(scope="module")
def frames():
    return sales_frame(), leads_frame(), attendance_frame()


def test_sales_on_every_day_match_that_days_rows_alone(frames):
    frame = frames[0]
    data = DomainData(frame, (FIRST, LAST))  # one read, asked for day after day as a backfill does
    for day in ASKED:
        kpis = compute_sales(data, day, BUSINESS.previous_open_day, BUSINESS.is_open, {})
        total, orders, returns = plain_sales(frame, day) if day <= LAST else (0.0, 0, 0.0)
        assert (kpis.total, kpis.orders, kpis.returns) == (total, orders, returns), day
        assert kpis.prev_total == plain_sales(frame, BUSINESS.previous_open_day(day))[0], day
    assert plain_sales(frame, NO_ROWS_DAY) == (0.0, 0, 0.0) and plain_sales(frame, dt.date(2026, 11, 22))[1] > 0


def test_lead_sources_on_every_day_match_that_days_rows_alone(frames):
    frame = frames[1]
    data = DomainData(frame, (FIRST, LAST))
    seen_blank = False
    for day in ASKED:
        kpis = compute_leads(data, day, BUSINESS.previous_open_day, BUSINESS.is_open, {})
        assert kpis.by_source == plain_mix(frame, day), day
        assert kpis.count == sum(kpis.by_source.values()) == len(on_day(frame, "received_at", day)), day
        assert kpis.prev_count == len(on_day(frame, "received_at", BUSINESS.previous_open_day(day))), day
        seen_blank |= "Unknown" in kpis.by_source
    assert seen_blank and compute_leads(data, NO_ROWS_DAY, BUSINESS.previous_open_day, BUSINESS.is_open,
                                        {}).by_source == {}


@pytest.mark.parametrize("fixed", [None, 4])
def test_attendance_on_every_day_matches_that_days_rows_alone(frames, fixed):
    frame = frames[2]
    data = DomainData(frame, (FIRST, LAST))
    kinds = set()
    for day in ASKED:
        kpis = compute_attendance(data, day, BUSINESS.previous_open_day, {}, Headcount(fixed=fixed))
        prev = BUSINESS.previous_open_day(day)
        since = min(prev, day - dt.timedelta(days=29))  # the rows one report reads (pipeline.LOOKBACK_DAYS)
        if day > LAST:  # after the file: nothing known that day
            assert kpis.rate_pct is None and kpis.headcount == 0
            continue
        rate, staff, present, estimated = plain_rate(frame, day, since, fixed)
        assert (kpis.rate_pct, kpis.headcount, kpis.present, kpis.headcount_estimated) == (
            rate, staff, present, estimated), day
        assert kpis.prev_rate_pct == plain_rate(frame, prev, since, fixed)[0], day
        assert kpis.week_ago_rate_pct == plain_rate(frame, day - dt.timedelta(days=7), since, fixed)[0], day
        kinds.add((estimated, present == 0))
    assert fixed or {(True, False), (False, False), (False, True)} <= kinds  # punches, a register, a day without any
    assert NO_ROWS_DAY in ASKED and dt.date(2026, 11, 22) in ASKED


def test_branch_lines_and_drivers_do_not_carry_one_day_into_the_next(frames):
    frame = frames[0]
    shared = DomainData(frame, (FIRST, LAST))
    for day in ASKED[:-1]:
        prev = BUSINESS.previous_open_day(day)
        fresh = DomainData(frame, (FIRST, LAST))  # nothing built before this day
        assert branch_lines(shared, day, prev) == branch_lines(fresh, day, prev), day
        assert find_drivers(shared, None, day, prev) == find_drivers(fresh, None, day, prev), day
        rows = on_day(frame, "ordered_at", day)
        rows = rows[~rows["status"].isin(NOT_SALE_STATUSES)]
        for line in branch_lines(shared, day, prev):
            mine = rows[rows["branch"] == line.branch]
            per_order = mine.groupby("order_id")["amount"].sum()
            assert (line.total, line.orders) == (round(float(mine["amount"].sum()), 2), int((per_order > 0).sum()))


def test_saving_a_backfill_at_once_lands_every_day_or_none(tmp_path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    days = [LAST - dt.timedelta(days=n) for n in (2, 1)]
    reports = [Report(date=day, currency="INR", business="Shop", sales=None, leads=None, attendance=None)
               for day in days]
    assert store.save_all(reports) == [1, 1]
    assert sorted(store.bodies(FIRST, LAST)) == days

    broken = Report(date=LAST, currency="INR", business="Shop", sales=None, leads=None, attendance=None)
    broken.generated_at = None  # cannot be written: the whole batch is rolled back
    with pytest.raises(AttributeError):
        store.save_all([Report(date=LAST - dt.timedelta(days=3), currency="INR", business="Shop", sales=None,
                               leads=None, attendance=None), broken])
    assert sorted(store.bodies(FIRST, LAST)) == days


def test_a_file_with_no_dated_rows_has_no_day(frames):
    for frame in (frames[0].iloc[:0], frames[0].assign(ordered_at=pd.NaT)):
        kpis = compute_sales(DomainData(frame, (FIRST, LAST)), LAST, BUSINESS.previous_open_day, BUSINESS.is_open, {})
        assert (kpis.total, kpis.orders, kpis.returns, kpis.prev_total) == (0.0, 0, 0.0, 0.0)
    empty = frames[2].iloc[:0]
    kpis = compute_attendance(DomainData(empty, (FIRST, LAST)), LAST, BUSINESS.previous_open_day, {}, Headcount())
    assert (kpis.headcount, kpis.present, kpis.rate_pct) == (0, 0, None)

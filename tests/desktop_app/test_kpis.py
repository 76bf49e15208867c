"""KPI engine on small hand-built frames; every expected number is worked out in the comment beside it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from desktop_app.kpis import DomainData, Headcount, compute_attendance, compute_leads, compute_sales, pct_change
from desktop_app.settings import BusinessSettings

BUSINESS = BusinessSettings()  # open Mon..Sat
MON = dt.date(2026, 11, 23)
SAT = dt.date(2026, 11, 21)
LAST_MON = dt.date(2026, 11, 16)


def sales_frame(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "ordered_at", "amount", "status"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def sales(frame, coverage=(LAST_MON, MON), history=None):
    data = DomainData(frame, coverage)
    return compute_sales(data, MON, BUSINESS.previous_open_day, BUSINESS.is_open, history or {})


def test_sales_counts_orders_once_drops_cancelled_and_nets_returns():
    frame = sales_frame([
        ("A1", "2026-11-23 10:00", 1000.0, "paid"),
        ("A1", "2026-11-23 10:00", 500.0, "paid"),  # second line of the same order
        ("A2", "2026-11-23 11:00", 2000.0, "paid"),
        ("A3", "2026-11-23 12:00", 9999.0, "cancelled"),  # not a sale
        ("R1", "2026-11-23 18:00", -300.0, "returned"),  # a return reduces sales, is not an order
        ("B1", "2026-11-21 10:00", 2400.0, "paid"),  # Saturday: the previous open day of a Monday
        ("C1", "2026-11-16 10:00", 1600.0, "paid"),  # last Monday
    ])
    kpis = sales(frame)
    assert kpis.total == 3200.0  # 1000 + 500 + 2000 - 300
    assert kpis.orders == 2  # A1, A2
    assert kpis.avg_order == 1600.0  # 3200 / 2
    assert kpis.prev_date == SAT.isoformat()
    assert kpis.prev_total == 2400.0
    assert kpis.change_pct == pytest.approx(33.3)  # (3200-2400)/2400
    assert kpis.week_ago_total == 1600.0
    assert kpis.week_change_pct == 100.0
    assert kpis.returns == 300.0
    # 7-day average over the open days Mon 16 .. Sat 21 (Sunday is closed): (1600+0+0+0+0+2400)/6
    assert kpis.avg_7d == pytest.approx(666.67)


def test_days_outside_the_file_come_from_history_or_stay_unknown():
    frame = sales_frame([("A1", "2026-11-23 10:00", 1000.0, "paid")])
    kpis = sales(frame, coverage=(MON, MON), history={SAT: {"sales": {"total": 500.0, "orders": 1}}})
    assert kpis.prev_total == 500.0
    assert kpis.change_pct == 100.0
    assert kpis.week_ago_total is None  # neither the file nor the history knows last Monday
    assert kpis.week_change_pct is None


def test_leads_counts_and_source_mix():
    frame = pd.DataFrame({
        "received_at": pd.to_datetime(["2026-11-23 09:00", "2026-11-23 10:00", "2026-11-23 11:00",
                                       "2026-11-23 12:00", "2026-11-21 12:00"]),
        "source": ["IndiaMART", "Website", "IndiaMART", "", "Website"],
        "_row": [2, 3, 4, 5, 6],
    })
    kpis = compute_leads(DomainData(frame, (LAST_MON, MON)), MON, BUSINESS.previous_open_day,
                         BUSINESS.is_open, {})
    assert kpis.count == 4
    assert kpis.by_source == {"IndiaMART": 2, "Unknown": 1, "Website": 1}
    assert kpis.prev_count == 1
    assert kpis.change_pct == 300.0  # (4-1)/1
    assert kpis.week_ago_count == 0


def attendance_frame(rows):
    frame = pd.DataFrame(rows, columns=["employee", "date", "present"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def test_attendance_from_a_register_uses_listed_staff_and_points():
    frame = attendance_frame([
        ("asha", "2026-11-23", True), ("bina", "2026-11-23", True), ("chetan", "2026-11-23", False),
        ("dev", "2026-11-23", True),
        ("asha", "2026-11-21", True), ("bina", "2026-11-21", False), ("chetan", "2026-11-21", False),
        ("dev", "2026-11-21", True),
    ])
    kpis = compute_attendance(DomainData(frame, (LAST_MON, MON)), MON, BUSINESS.previous_open_day, {}, Headcount())
    assert (kpis.headcount, kpis.present, kpis.absent) == (4, 3, 1)
    assert kpis.rate_pct == 75.0
    assert kpis.prev_rate_pct == 50.0
    assert kpis.change_pp == 25.0  # percentage points, not percent
    assert kpis.headcount_estimated is False


def test_attendance_from_punches_estimates_headcount_from_recent_staff():
    frame = attendance_frame([
        ("1", "2026-11-23", True), ("2", "2026-11-23", True),
        ("3", "2026-11-02", True),  # seen within 30 days: expected at work
        ("4", "2026-10-01", True),  # last seen 53 days ago: not counted
    ])
    kpis = compute_attendance(DomainData(frame, (dt.date(2026, 10, 1), MON)), MON, BUSINESS.previous_open_day, {},
                              Headcount())
    assert (kpis.headcount, kpis.present, kpis.absent) == (3, 2, 1)
    assert kpis.headcount_estimated is True
    fixed = compute_attendance(DomainData(frame, (dt.date(2026, 10, 1), MON)), MON, BUSINESS.previous_open_day, {},
                               Headcount(fixed=10))
    assert (fixed.headcount, fixed.absent, fixed.rate_pct) == (10, 8, 20.0)


def test_pct_change_refuses_a_zero_base():
    assert pct_change(100, 0) is None
    assert pct_change(50, 200) == -75.0

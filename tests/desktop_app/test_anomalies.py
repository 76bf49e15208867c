"""Weekday-aware anomalies: a busy Tuesday that is normal for Tuesdays is not flagged."""

from __future__ import annotations

import datetime as dt

from desktop_app.anomalies import find_anomaly, weekday_anomalies
from desktop_app.insights.payload import build_payload, payload_numbers
from desktop_app.insights.rules import rule_insights
from desktop_app.report import AttendanceKpis, Report, SalesKpis
from desktop_app.settings import BusinessSettings

TUESDAY = dt.date(2026, 11, 24)
IS_OPEN = BusinessSettings().is_open


def report(total: float, day: dt.date = TUESDAY, rate: float | None = None) -> Report:
    return Report(date=day, currency="INR", business="Shop",
                  sales=SalesKpis(total=total, orders=20, avg_order=total / 20, avg_7d=100_000.0),
                  leads=None,
                  attendance=None if rate is None else AttendanceKpis(headcount=20, present=18, absent=2,
                                                                        rate_pct=rate))


def history(tuesdays: list[float], other_days: float = 100_000.0, rate: float = 90.0) -> dict:
    """Eight weeks: Tuesdays as given (newest first), every other open day at `other_days`."""
    bodies = {}
    for offset in range(1, 57):
        day = TUESDAY - dt.timedelta(days=offset)
        if not IS_OPEN(day):
            continue
        total = tuesdays[offset // 7 - 1] if day.weekday() == 1 and offset // 7 <= len(tuesdays) else other_days
        bodies[day] = report(total, day, rate).to_dict()
    return bodies


def test_a_tuesday_normal_for_tuesdays_is_not_flagged_though_far_above_the_7_day_average():
    tuesdays = [200_000, 210_000, 195_000, 205_000, 190_000, 200_000, 215_000, 198_000]
    today = report(206_000)
    assert today.sales.total / today.sales.avg_7d > 2  # the old 7-day rule would have called this unusual
    assert weekday_anomalies(today, history(tuesdays), IS_OPEN) == []
    assert not any("worth a look" in bullet for bullet in rule_insights(today))


def test_a_tuesday_far_above_normal_tuesdays_carries_its_size():
    tuesdays = [200_000, 210_000, 195_000, 205_000, 190_000, 200_000, 215_000, 198_000]
    today = report(560_000)
    [flag] = weekday_anomalies(today, history(tuesdays), IS_OPEN)
    assert (flag.metric, flag.direction, flag.weeks, flag.median) == ("sales", "high", 8, 200_000)
    assert flag.text == "2.8× a normal Tuesday"
    today.anomalies = [flag]
    assert "Sales 2.8× a normal Tuesday (against the last 8 of them): worth a look." in rule_insights(today)
    payload = build_payload(today)
    assert payload["unusual_for_weekday"]["sales"] == {"normal": 200_000, "times_normal": 2.8}
    kinds = {(n.path, n.kind) for n in payload_numbers(payload)}
    assert ("unusual_for_weekday.sales.normal", "money") in kinds


def test_a_low_day_says_how_far_below():
    flag = find_anomaly("sales", 90_000, [200_000, 210_000, 195_000, 205_000, 190_000], "Tuesday")
    assert flag.text == "55% below a normal Tuesday" and flag.direction == "low"


def test_fewer_than_four_comparable_days_raise_nothing():
    assert find_anomaly("sales", 900_000, [200_000, 210_000, 195_000], "Tuesday") is None
    # Closed Tuesdays (holidays) are not comparable days either.
    business = BusinessSettings(holidays=[TUESDAY - dt.timedelta(days=7 * week) for week in range(1, 6)])
    bodies = history([200_000] * 8)
    assert weekday_anomalies(report(900_000), bodies, business.is_open) == []


def test_attendance_is_compared_in_points():
    tuesdays = [200_000] * 8
    [flag] = [item for item in weekday_anomalies(report(200_000, rate=62.0), history(tuesdays, rate=91.0), IS_OPEN)
              if item.metric == "attendance"]
    assert flag.text == "29.0 points below a normal Tuesday"


def test_a_closed_day_is_never_an_anomaly():
    closed = report(5_000, day=TUESDAY)
    closed.closed = True
    assert weekday_anomalies(closed, history([200_000] * 8), IS_OPEN) == []

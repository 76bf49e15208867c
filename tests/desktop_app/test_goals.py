"""Monthly goals from crafted histories: met early, and a run rate over a month with holidays."""

from __future__ import annotations

import datetime as dt

from desktop_app.goals import goal_progress
from desktop_app.insights.rules import rule_insights
from desktop_app.render import render_text
from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis
from desktop_app.settings import BusinessSettings, GoalSettings


def day_report(day: dt.date, total: float, leads: int = 10, rate: float = 90.0) -> Report:
    return Report(date=day, currency="INR", business="Shop", locale="en_IN",
                  sales=SalesKpis(total=total, orders=10, avg_order=total / 10),
                  leads=LeadsKpis(count=leads, by_source={}),
                  attendance=AttendanceKpis(headcount=10, present=9, absent=1, rate_pct=rate))


def history_of(business: BusinessSettings, first: dt.date, last: dt.date, total: float) -> dict:
    bodies, day = {}, first
    while day <= last:
        if business.is_open(day):
            bodies[day] = day_report(day, total).to_dict()
        day += dt.timedelta(days=1)
    return bodies


def test_a_goal_met_early_says_the_day_it_was_reached():
    business = BusinessSettings()  # Mon-Sat
    today = dt.date(2026, 11, 20)  # Friday; November 2026 starts on a Sunday
    history = history_of(business, dt.date(2026, 11, 1), today - dt.timedelta(days=1), 100_000)
    report = day_report(today, 100_000)
    [goal] = goal_progress(GoalSettings(sales_monthly=1_500_000), report, history, business.is_open)
    assert goal.met_on == "2026-11-18"  # the 15th open day: 2-7, 9-14, 16-18 (Sundays off)
    assert goal.actual == 1_700_000 and goal.pct == 113.3
    assert goal.needed_per_day is None
    report.goals = [goal]
    assert any("reached on 18 Nov" in bullet for bullet in rule_insights(report))
    assert "Sales goal: ₹17,00,000 of ₹15,00,000 this month (113%) · reached on 18 Nov" in render_text(report)


def test_the_run_rate_is_spread_over_the_open_days_left_not_the_holidays():
    business = BusinessSettings(holidays=[dt.date(2026, 11, 27), dt.date(2026, 11, 28)])
    today = dt.date(2026, 11, 24)  # Tuesday
    history = history_of(business, dt.date(2026, 11, 1), today - dt.timedelta(days=1), 100_000)
    history[dt.date(2026, 11, 22)] = {**day_report(dt.date(2026, 11, 22), 5_000).to_dict(), "closed": True}
    report = day_report(today, 100_000)
    [goal] = goal_progress(GoalSettings(sales_monthly=3_000_000), report, history, business.is_open)
    # Open days done: Nov 2-7, 9-14, 16-21, 23-24 = 20 days at ₹1 L, plus the Sunday web order of ₹5,000.
    assert goal.actual == 2_005_000 and goal.open_days_done == 20
    # Left: 25, 26, (27, 28 holidays), (29 Sunday), 30 = 3 open days.
    assert goal.open_days_left == 3
    assert goal.needed_per_day == 331_666.67
    assert goal.projection == 2_005_000 + 2_005_000 / 20 * 3
    report.goals = [goal]
    assert "₹3,31,667 a day needed on the 3 open days left" in render_text(report)


def test_leads_and_attendance_targets_and_days_without_figures():
    business = BusinessSettings()
    today = dt.date(2026, 11, 10)
    history = history_of(business, dt.date(2026, 11, 2), today - dt.timedelta(days=1), 50_000)
    del history[dt.date(2026, 11, 3)]  # before the app was installed
    report = day_report(today, 50_000, leads=12, rate=80.0)
    goals = goal_progress(GoalSettings(leads_monthly=300, attendance_pct=90), report, history, business.is_open)
    leads, attendance = goals
    assert (leads.metric, leads.actual, leads.days_missing) == ("leads", 10 * 6 + 12, 1)
    assert attendance.metric == "attendance" and attendance.actual == round((90 * 6 + 80) / 7, 1)
    assert attendance.days_missing == 1
    # To average 90% over all 25 open days from 88.6% over 7, the 17 left need 90.6%.
    assert attendance.open_days_left == 17
    assert attendance.needed_per_day == round((90 * 24 - (90 * 6 + 80)) / 17, 1)


def test_no_target_no_goal():
    report = day_report(dt.date(2026, 11, 10), 1.0)
    assert goal_progress(GoalSettings(), report, {}, BusinessSettings().is_open) == []


def test_goals_and_alerts_round_trip_through_settings_toml(tmp_path):
    from desktop_app.settings import AlertSettings, Settings, load_settings, save_settings

    path = tmp_path / "settings.toml"
    settings = Settings(goals=GoalSettings(sales_monthly=4_000_000, attendance_pct=92),
                        alerts=AlertSettings(rules=["sales below 50000 by 17:00", "no new lead for 3 hours"]))
    save_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "[goals]" in text and "# Monthly sales target" in text
    assert 'rules = ["sales below 50000 by 17:00", "no new lead for 3 hours"]' in text
    assert load_settings(path) == settings


def test_an_attendance_goal_at_the_end_of_the_month_says_how_far_short():
    business = BusinessSettings()
    today = dt.date(2026, 11, 30)  # Monday, the last open day
    history = history_of(business, dt.date(2026, 11, 1), today - dt.timedelta(days=1), 1.0)
    report = day_report(today, 1.0)
    report.goals = goal_progress(GoalSettings(attendance_pct=92), report, history, business.is_open)
    assert report.goals[0].open_days_left == 0 and report.goals[0].needed_per_day is None
    assert "Attendance goal: 90.0% this month vs 92% · 2.0 points short with no open days left" in render_text(report)

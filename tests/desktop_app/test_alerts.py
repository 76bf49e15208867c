"""Alert rules: parsed from plain sentences, each fires once and only once per rule per day."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.alert_rules import RuleError, parse_rule
from desktop_app.alerts import AlertLog, check_alerts, evaluate, rules_of
from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.paths import app_paths
from desktop_app.pipeline import read_sources, run_report
from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis, SourceStatus
from desktop_app.settings import AlertSettings, Settings, SettingsError, parse_settings

from .shop_files import IST, settings_for, telegram, write_leads, write_sales

TUE = dt.date(2026, 11, 24)


def at(hour: int, minute: int = 0, day: dt.date = TUE) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), IST)


def report(total=42_000.0, rate=80.0, day=TUE) -> Report:
    return Report(date=day, currency="INR", business="Shop",
                  sales=SalesKpis(total=total, orders=7, avg_order=total / 7),
                  leads=LeadsKpis(count=3, by_source={}),
                  attendance=AttendanceKpis(headcount=20, present=16, absent=4, rate_pct=rate),
                  sources=[SourceStatus("Bills", "sales", "b.csv", "ok", last_date=day.isoformat()),
                           SourceStatus("CRM", "leads", "l.csv", "ok", last_date=(day - dt.timedelta(days=3))
                                        .isoformat())])


def test_rules_are_plain_sentences():
    rule = parse_rule("Sales below ₹50,000 by 17:00")
    assert (rule.metric, rule.below, rule.threshold, rule.by) == ("sales", True, 50000, dt.time(17))
    assert parse_rule("attendance under 85%").threshold == 85 and parse_rule("sales below 1.5 lakh").threshold == 150000
    assert parse_rule("no new lead for 3 hours").metric == "lead_gap_hours"
    any_source = parse_rule("a source not updated for 2 days")
    assert (any_source.metric, any_source.source, any_source.threshold) == ("source_age_days", None, 2)
    assert parse_rule("CRM not updated for 1 day").source == "CRM"
    with pytest.raises(RuleError, match="sales below 50000 by 17:00"):
        parse_rule("tell me when things go wrong")
    with pytest.raises(SettingsError, match=r"alerts\.rules.*is not an alert rule"):
        parse_settings('[alerts]\nrules = ["sales wobbly"]\n', app_paths().settings_file)
    assert AlertSettings(rules=["  sales   below 5 "]).rules == ["sales below 5"]


def test_each_kind_of_rule_fires_when_it_should():
    rules = rules_of(["sales below 50000 by 17:00", "attendance under 85%", "no new lead for 3 hours",
                      "a source not updated for 2 days", "orders above 100"])
    early = evaluate(rules, report(), at(16, 59), scheduled=False, last_lead_at=at(11).replace(tzinfo=None),
                     open_hours=(dt.time(10), dt.time(19)))
    assert [item.rule.text for item in early] == ["no new lead for 3 hours", "a source not updated for 2 days"]
    assert early[0].message == "No new lead for 6.0 hours (the last one came at 11:00)"
    assert early[1].message == "CRM not updated for 3 days (newest row 2026-11-21)"
    evening = evaluate(rules, report(), at(17), scheduled=True, last_lead_at=at(16).replace(tzinfo=None),
                       open_hours=(dt.time(10), dt.time(19)))
    assert [item.message for item in evening] == ["Sales ₹42,000 at 17:00, below ₹50,000",
                                                   "Attendance 80.0% at 17:00, below 85%",
                                                   "CRM not updated for 3 days (newest row 2026-11-21)"]
    closed = report()
    closed.closed = True
    assert [item.rule.metric for item in evaluate(rules, closed, at(18), scheduled=True)] == ["source_age_days"]


def test_an_alert_fires_once_and_only_once_per_rule_per_day(tmp_path):
    paths = app_paths().ensure()
    store = HistoryStore(paths.history_db)
    settings = Settings(alerts=AlertSettings(rules=["sales below 50000 by 17:00"]), telegram=telegram("me", "@owner"))
    data = read_sources(settings, [], TUE)
    assert check_alerts(settings, store, report(), data, scheduled=False, now=at(16)) == []
    first = check_alerts(settings, store, report(), data, scheduled=False, now=at(17, 5))
    again = check_alerts(settings, store, report(total=30_000), data, scheduled=True, now=at(19))
    assert first == again == ["Sales ₹42,000 at 17:05, below ₹50,000"]
    rows = Outbox(paths.history_db).deliveries()
    assert sorted(row.destination for row in rows) == ["@owner", "me"]
    assert all(row.report_revision == 0 and "🔔" in row.text and "below ₹50,000" in row.text for row in rows)
    tomorrow = TUE + dt.timedelta(days=1)
    check_alerts(settings, store, report(day=tomorrow), data, scheduled=False, now=at(17, 30, tomorrow))
    assert len(Outbox(paths.history_db).deliveries()) == 4
    assert AlertLog(store).fired_on(TUE) == first


def test_a_new_report_revision_never_replaces_a_queued_alert(tmp_path):
    paths = app_paths().ensure()
    bills = write_sales(tmp_path / "bills.csv", [("B1", TUE, 20000, "Paint", "Counter")], mtime=TUE)
    settings = settings_for(("Bills", "sales", bills), alerts=AlertSettings(rules=["sales below 50000"]),
                            telegram=telegram("me"))
    first = run_report(settings, paths, TUE, offline=True, send=True)
    assert first.alerts == ["Sales ₹20,000 at 23:59, below ₹50,000"]  # a past day is checked as at its end
    assert "🔔 Alert: Sales ₹20,000 at 23:59, below ₹50,000" in first.text
    run_report(settings, paths, TUE, offline=True, send=True)
    statuses = sorted((row.report_revision, row.status) for row in Outbox(paths.history_db).deliveries())
    assert statuses == [(0, "pending"), (1, "skipped"), (2, "pending")]


def test_lead_gap_uses_the_leads_file(tmp_path):
    leads = write_leads(tmp_path / "leads.csv", [(dt.datetime(2026, 11, 24, 10, 30), "Website")], mtime=TUE)
    settings = settings_for(("CRM", "leads", leads), alerts=AlertSettings(rules=["no new lead for 3 hours"]))
    store = HistoryStore(app_paths().ensure().history_db)
    data = read_sources(settings, settings.specs(), TUE)
    from desktop_app.pipeline import build_report

    today = build_report(settings, data, TUE, {})
    assert check_alerts(settings, store, today, data, scheduled=False, now=at(13)) == []
    assert check_alerts(settings, store, today, data, scheduled=False, now=at(13, 45)) == [
        "No new lead for 3.2 hours (the last one came at 10:30)"]


def test_the_intraday_check_reads_the_sources_as_they_are_now(tmp_path):
    from desktop_app.alerts import check_now

    stamps = [(dt.datetime(2026, 11, 24, 10, 15), "Website")]
    leads = write_leads(tmp_path / "leads.csv", stamps, mtime=TUE)
    settings = settings_for(("CRM", "leads", leads), alerts=AlertSettings(rules=["no new lead for 2 hours"]))
    paths = app_paths().ensure()
    assert check_now(settings, paths, now=at(12)) == []
    assert check_now(settings, paths, now=at(12, 30)) == ["No new lead for 2.2 hours (the last one came at 10:15)"]
    assert check_now(settings, paths, now=at(15)) == []  # already sent today
    assert HistoryStore(paths.history_db).latest_date() is None  # nothing saved to history


def test_a_scheduled_run_without_telegram_still_checks_and_says_the_alerts(tmp_path):
    bills = write_sales(tmp_path / "bills.csv", [("B1", TUE, 20000, "Paint", "Counter")], mtime=TUE)
    settings = settings_for(("Bills", "sales", bills), alerts=AlertSettings(rules=["sales below 50000"]))
    paths = app_paths().ensure()
    manual = run_report(settings, paths, TUE, offline=True)
    assert manual.alerts == []  # Generate now: an end-of-day rule is not checked
    scheduled = run_report(settings, paths, TUE, offline=True, alerts=True)
    assert scheduled.alerts == ["Sales ₹20,000 at 23:59, below ₹50,000"]
    assert Outbox(paths.history_db).deliveries() == []  # nowhere to send it; the report says it

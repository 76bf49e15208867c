"""The payload: aggregates only, rounded as they should be quoted, small enough for any model."""

from __future__ import annotations

import datetime as dt
import json

from desktop_app.demo import backfill_history, prepare_demo
from desktop_app.insights.payload import build_payload, clean_label, payload_numbers
from desktop_app.insights.prompts import estimate_tokens, render_prompt
from desktop_app.pipeline import report_without_insights
from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis, SourceStatus
from desktop_app.settings import BusinessSettings, Settings

DAY = dt.date(2026, 11, 24)  # Tuesday


def report(day=DAY, total=235000.4, **kwargs) -> Report:
    return Report(
        date=day, currency="INR", business="Shop",
        sales=SalesKpis(total=total, orders=34, avg_order=6911.78, prev_total=210000.0, change_pct=11.904,
                        returns=0.0, avg_7d=200000.0),
        leads=LeadsKpis(count=12, by_source={"IndiaMART": 5, "Website": 3, "Walk-in": 2, "JustDial": 1,
                                             "WhatsApp": 1, "Referral": 0}, prev_count=12, change_pct=0.0),
        attendance=AttendanceKpis(headcount=24, present=22, absent=2, rate_pct=91.666),
        **kwargs,
    )


def test_values_are_rounded_as_they_should_be_quoted():
    payload = build_payload(report())
    assert payload["sales"]["total"] == 235000 and payload["sales"]["avg_order"] == 6912
    assert payload["sales"]["change_pct"] == 11.9 and payload["sales"]["change"] == 25000
    assert payload["sales"]["vs_avg_7d_pct"] == 17.5
    assert "returns" not in payload["sales"]  # zero returns: nothing to say, and no zero to hide behind
    assert payload["attendance"]["rate_pct"] == 91.7 and payload["attendance"]["absent"] == 2
    assert payload["date"] == "2026-11-24"


def test_top_three_sources_the_leaders_share_and_the_rest_as_a_count():
    leads = build_payload(report())["leads"]
    assert [s["source"] for s in leads["top_sources"]] == ["IndiaMART", "Website", "Walk-in"]
    assert leads["top_sources"][0] == {"source": "IndiaMART", "count": 5, "share_pct": 41.7}
    assert leads["top_sources"][1] == {"source": "Website", "count": 3}
    assert leads["other_sources_count"] == 2  # JustDial and WhatsApp; Referral had 0


def test_source_labels_are_bounded_and_masked():
    assert clean_label("Call  from\n+91 98765 43210") == "Call from [number]"
    assert clean_label("ref: asha@example.com") == "ref: [email]"
    assert len(clean_label("x" * 500)) == 60


def test_missing_domains_and_sources_are_counted_never_quoted():
    broken = report(sources=[SourceStatus("orders.csv", "sales", "/home/asha/orders.csv", "failed",
                                          message="row 3 column 'Customer': 'Asha Mehta'")],
                    warnings=["orders.csv: row 3 column 'Customer': 'Asha Mehta'"])
    broken.attendance = None
    payload = build_payload(broken)
    assert payload["data_issues"] == {"missing_domains": ["attendance"], "failed_sources": 1, "warning_count": 1}
    assert "Asha" not in json.dumps(payload) and "/home" not in json.dumps(payload)


def test_seven_day_context_skips_closed_days():
    history = {
        DAY - dt.timedelta(days=offset): {"sales": {"total": 100000.0, "orders": 20}, "leads": {"count": 10},
                                         "attendance": {"rate_pct": 90.0}}
        for offset in range(1, 8)
    }
    history[DAY - dt.timedelta(days=2)] = {"sales": {"total": 0.0, "orders": 0}, "attendance": {"rate_pct": 0.0}}
    payload = build_payload(report(), history, is_open=BusinessSettings().is_open)  # closed on Sunday 22nd
    context = payload["last_7_days"]
    assert context["date"] == [17, 18, 19, 20, 21, 23]
    assert context["sales"] == [100000] * 6 and 0 not in context["sales"]
    assert "anomalies" not in build_payload(report(total=300000.0))  # a busy day alone is not a weekday anomaly


def test_history_may_be_a_list_of_reports():
    past = report(day=DAY - dt.timedelta(days=1), total=1000.0)
    assert build_payload(report(), [past])["last_7_days"]["sales"] == [1000]


def test_numbers_are_typed_for_the_guard():
    numbers = {(n.path, n.kind) for n in payload_numbers(build_payload(report()))}
    assert ("sales.total", "money") in numbers and ("sales.orders", "count") in numbers
    assert ("sales.change_pct", "pct") in numbers and ("attendance.rate_pct", "pct") in numbers
    assert ("leads.top_sources.share_pct", "pct") in numbers and ("leads.count", "count") in numbers


def test_the_demo_payload_is_under_700_tokens(paths):
    settings, store = prepare_demo(paths, Settings(), DAY)
    backfill_history(settings, store, DAY)
    demo, history = report_without_insights(settings, paths, DAY, demo=True, store=store)
    prompt = render_prompt(settings, paths, demo, history)
    assert set(prompt.payload) >= {"sales", "leads", "attendance", "last_7_days"}
    # bench/payload_tokens.py measured 452 o200k tokens here; the estimate (392) runs ~15% low on bare JSON
    assert estimate_tokens(prompt.payload_json) * 1.2 < 700
    for name in ("Amit Patel", "Customer 1124", "+91", "INV-", "Rajesh Enterprises"):
        assert name not in prompt.system + prompt.user


def _o200k(text: str) -> int:
    import bpe_openai

    return len(bpe_openai.get_encoding("o200k_base").encode(text))


def test_the_demo_payload_with_goals_and_drivers_fits_480_o200k_tokens_even_with_anomalies(paths):
    from desktop_app.insights.payload import PAYLOAD_TOKEN_BUDGET
    from desktop_app.report import Anomaly

    settings, store = prepare_demo(paths, Settings(), DAY)
    backfill_history(settings, store, DAY)
    demo, history = report_without_insights(settings, paths, DAY, demo=True, store=store)
    payload = build_payload(demo, history, is_open=settings.business.is_open)
    assert {"goals", "drivers"} <= set(payload)
    assert _o200k(json.dumps(payload, ensure_ascii=False, separators=(",", ":"))) <= PAYLOAD_TOKEN_BUDGET
    # The demo Tuesday is normal for a Tuesday; a day that is not adds its flag and must still fit.
    demo.anomalies = [Anomaly("sales", 398_000, 142_000, 2.8, 8, "high", "Tuesday", "2.8× a normal Tuesday")]
    flagged = json.dumps(build_payload(demo, history, is_open=settings.business.is_open), ensure_ascii=False,
                         separators=(",", ":"))
    assert _o200k(flagged) <= PAYLOAD_TOKEN_BUDGET


def test_the_guard_accepts_goal_driver_and_anomaly_numbers():
    from desktop_app.insights.guard import check_bullets
    from desktop_app.report import Anomaly, BranchLine, Driver, GoalProgress

    day = report()
    day.goals = [GoalProgress("sales", 4_000_000, 3_521_960, 88.0, 20, 5, 95_608, 4_402_450)]
    day.drivers = [Driver("sales", "previous", "2026-11-23", -23_900, "product", "Cement bags", -27_520, 115.1)]
    day.anomalies = [Anomaly("sales", 560_000, 200_000, 2.8, 8, "high", "Tuesday", "2.8× a normal Tuesday")]
    day.branches = [BranchLine("Naroda", 92_210, 22, 4_191, 100_000, -7.8)]
    history = {DAY - dt.timedelta(days=3): {"sales": {"total": 198_460.0, "orders": 41}}}
    numbers = payload_numbers(build_payload(day, history))
    checked = check_bullets([
        "Month to date sales are ₹35.2 lakh, 88% of the ₹40 lakh target; ₹95,608 a day is needed on the 5 open "
        "days left.",
        "Sales of cement bags fell ₹27,520 against Monday.",
        "Sales were 2.8 times a normal Tuesday (₹2 lakh).",
        "Naroda's sales were ₹92,210 from 22 orders, down 7.8%.",
        "The best day of the week was Saturday 21 Nov with sales of ₹1.98 lakh.",
        "Sales reached ₹44 lakh of the ₹50 lakh target.",  # 50 lakh is not in the data
    ], numbers)
    assert checked.dropped == [("Sales reached ₹44 lakh of the ₹50 lakh target.", ["₹50 lakh"])]
    assert len(checked.kept) == 5


def test_a_day_with_every_block_is_trimmed_to_the_budget_oldest_context_first(paths):
    from desktop_app.insights.payload import PAYLOAD_TOKEN_BUDGET
    from desktop_app.report import Anomaly, BranchLine, Correction

    settings, store = prepare_demo(paths, Settings(), DAY)
    backfill_history(settings, store, DAY)
    busy, history = report_without_insights(settings, paths, DAY, demo=True, store=store)
    busy.anomalies = [Anomaly(metric, value, median, round(value / median, 2), 8, "high", "Tuesday", "")
                      for metric, value, median in (("sales", 398_000, 142_000), ("orders", 70, 34),
                                                    ("leads", 31, 12), ("attendance", 70.8, 91.7))]
    busy.branches = [BranchLine("Naroda", 92_210, 22, 4_191, 100_000, -7.8),
                     BranchLine("Maninagar", 50_000, 13, 3_846, 66_110, -24.4)]
    busy.corrections = [Correction("2026-11-21", "sales.total", 198_460, 196_060)]
    payload = build_payload(busy, history, is_open=settings.business.is_open)
    assert _o200k(json.dumps(payload, ensure_ascii=False, separators=(",", ":"))) <= PAYLOAD_TOKEN_BUDGET
    assert set(payload["unusual_for_weekday"]) == {"sales", "orders", "leads", "attendance"}
    assert "sales" in payload["goals"] and len(payload["branches"]) == 2  # today's facts stay
    assert "attendance_pct" not in payload["last_7_days"] and "corrections" not in payload

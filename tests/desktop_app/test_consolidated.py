"""The head office's consolidated report: totals to the paisa, each branch against its own days, the branches
that have not reported, rankings, insights across branches (rules and the number guard), and its rendering."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from desktop_app.consolidated import consolidate, paise_sum
from desktop_app.insights.guard import check_bullets
from desktop_app.insights.payload import build_payload, payload_numbers
from desktop_app.insights.rules import rule_insights
from desktop_app.render import render_html, render_text
from desktop_app.report import Report
from desktop_app.settings import Settings

from .branch_reports import TUE, branch_report, random_history

MON = TUE - dt.timedelta(days=1)
LAST_TUE = TUE - dt.timedelta(days=7)


def _three_branches() -> dict[str, dict[dt.date, Report]]:
    return {
        "Naroda": {TUE: branch_report(TUE, 120000.50, 40, 12, 11, 12), MON: branch_report(MON, 100000, 35, 10, 12, 12),
                   LAST_TUE: branch_report(LAST_TUE, 150000, 50, 9, 12, 12)},
        "Maninagar": {TUE: branch_report(TUE, 45000.25, 15, 3, 6, 10), MON: branch_report(MON, 50000, 20, 5, 9, 10),
                      LAST_TUE: branch_report(LAST_TUE, 30000, 10, 2, 10, 10)},
        "Vastral": {MON: branch_report(MON, 20000, 8, 1, 5, 6), LAST_TUE: branch_report(LAST_TUE, 25000, 9, 2, 6, 6)},
    }


def test_paise_are_added_as_decimals():
    assert paise_sum([0.1, 0.2]) == 0.3
    assert paise_sum([1234.56] * 3) == 3703.68
    assert paise_sum([]) == 0.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_total_is_the_sum_of_the_branch_reports_to_the_paisa(seed):
    names = [f"Branch {index:02}" for index in range(12)]
    history = random_history(names, TUE, 21, seed)
    for day in (TUE, TUE - dt.timedelta(days=5), TUE - dt.timedelta(days=13)):
        report = consolidate(history, day)
        days = [history[name][day] for name in names]
        assert Decimal(str(report.sales.total)) == sum(Decimal(str(r.sales.total)) for r in days)
        assert report.sales.orders == sum(r.sales.orders for r in days)
        assert report.leads.count == sum(r.leads.count for r in days)
        assert report.attendance.present == sum(r.attendance.present for r in days)
        assert report.attendance.headcount == sum(r.attendance.headcount for r in days)
        assert report.leads.by_source == {"IndiaMART": report.leads.count}
        assert Decimal(str(report.sales.week_ago_total)) == sum(
            Decimal(str(history[name][day - dt.timedelta(days=7)].sales.total)) for name in names)
        assert report.complete and not report.consolidated.missing


def test_each_branch_against_its_own_previous_day_and_last_week_and_the_rankings():
    report = consolidate(_three_branches(), TUE, expected=["Naroda", "Maninagar", "Vastral"])
    block = report.consolidated
    naroda, maninagar, vastral = block.branches
    assert (naroda.branch, naroda.sales_rank, naroda.sales, naroda.prev_date) == ("Naroda", 1, 120000.50, "2026-11-23")
    assert (naroda.prev_sales, naroda.sales_change_pct) == (100000, 20.0)
    assert (naroda.week_ago_sales, naroda.sales_week_change_pct) == (150000, -20.0)
    assert (maninagar.sales_change_pct, maninagar.sales_week_change_pct) == (-10.0, 50.0)
    assert maninagar.leads_week_change == 1 and maninagar.attendance_pct == 60.0
    assert naroda.sales_share_pct == round(120000.50 / 165000.75 * 100, 1)
    assert block.ranking["sales"] == ["Naroda", "Maninagar"]
    assert block.ranking["sales_week_change_pct"] == ["Maninagar", "Naroda"]
    assert block.ranking["attendance_pct"] == ["Naroda", "Maninagar"]
    assert vastral.reported is False and vastral.sales is None and block.missing == ["Vastral"]
    # The whole business: the two that reported, compared like for like with their own earlier days.
    assert (report.sales.total, report.sales.orders, report.sales.prev_total) == (165000.75, 55, 150000)
    assert report.sales.change_pct == 10.0 and report.sales.week_ago_total == 180000
    assert report.attendance.rate_pct == round(17 / 22 * 100, 1)
    assert report.attendance.prev_rate_pct == round(21 / 22 * 100, 1)


def test_a_branch_that_has_not_reported_is_named_and_the_total_says_it_is_partial():
    report = consolidate(_three_branches(), TUE)  # Vastral is expected: it reported on earlier days
    assert report.consolidated.missing == ["Vastral"] and report.consolidated.partial
    assert not report.complete and report.exit_code == 3
    assert report.warnings[0] == "Vastral has not reported for this day yet: the totals are for 2 of 3 branches"
    text = render_text(report)
    assert "⏳ Partial: Vastral has not reported yet; the totals are for 2 of 3 branches" in text
    assert "🏪 Shah Hardware · whole business (3 branches)" in text
    assert "🏬 #1 Naroda: ₹1,20,001 · 40 orders · 12 leads · 91.7% present (▲ 20.0% vs Mon 23 Nov; ▼ 20.0% vs last " \
           "Tue)" in text
    assert "🏬 Vastral: not reported yet" in text
    assert "💰 Sales: ₹1,65,000.75 (▲ 10.0% vs Mon 23 Nov; ▼ 8.3% vs last Tue)" in text
    assert "⏳ <b>Partial:</b> Vastral has not reported yet" in render_html(report)
    bullets = rule_insights(report)
    assert "Vastral has not reported yet, so these totals cover 2 of 3 branches." in bullets


def test_once_every_branch_has_reported_the_report_is_whole():
    history = _three_branches()
    history["Vastral"][TUE] = branch_report(TUE, 30000, 12, 2, 6, 6)
    report = consolidate(history, TUE)
    assert report.complete and report.consolidated.missing == [] and "Partial" not in render_text(report)
    assert report.sales.total == 195000.75
    assert report.consolidated.ranking["sales"] == ["Naroda", "Maninagar", "Vastral"]


def test_a_total_is_not_compared_when_a_branch_has_no_earlier_figure():
    history = _three_branches()
    del history["Maninagar"][MON]
    report = consolidate(history, TUE, Settings())
    assert report.sales.prev_total is None and report.sales.change_pct is None
    assert report.sales.prev_date == "2026-11-23"  # the head office's calendar names the day
    maninagar = report.consolidated.branches[1]  # against its own latest earlier report, which says its date
    assert (maninagar.prev_date, maninagar.sales_change_pct) == ("2026-11-17", 50.0)
    assert "Maninagar: ₹45,000 · 15 orders · 3 leads · 60.0% present (▲ 50.0% vs Tue 17 Nov;" in render_text(report)


def test_a_branch_without_sales_figures_is_said_and_left_out_of_the_sales_total():
    history = _three_branches()
    history["Vastral"][TUE] = branch_report(TUE, None, leads=2, present=6, headcount=6)
    report = consolidate(history, TUE)
    assert report.sales.total == 165000.75 and report.leads.count == 17
    assert "Vastral: no sales figures in its report (see that branch's warnings); the totals leave them out" \
        in report.warnings
    assert "Vastral: 2 leads · 100.0% present" in render_text(report)


def test_rules_write_insights_across_branches():
    history = _three_branches()
    history["Vastral"][TUE] = branch_report(TUE, 30000, 12, 2, 3, 6)
    bullets = rule_insights(consolidate(history, TUE))
    assert "Naroda sold the most at ₹1.2 L (62% of all sales); Vastral the least at ₹30,000." in bullets
    assert "Against their own same day last week, sales moved most at Maninagar +50.0% and Naroda -20.0%." in bullets
    assert len(bullets) == 4


def test_the_number_guard_checks_ai_bullets_against_every_branch():
    history = _three_branches()
    history["Vastral"][TUE] = branch_report(TUE, 30000, 12, 2, 3, 6)
    report = consolidate(history, TUE)
    numbers = payload_numbers(build_payload(report))
    good = ["Naroda led the business with sales of ₹1.2 lakh, 62% of the total.",
            "Maninagar's sales were up 50% on the same day last week.",
            "Attendance at Vastral was only 50%."]
    bad = ["Naroda's sales were ₹1.5 lakh today.", "Maninagar's sales were up 35% on last week."]
    checked = check_bullets(good + bad, numbers)
    assert checked.kept == good
    assert [bullet for bullet, _numbers in checked.dropped] == bad


def test_the_payload_lists_missing_branches_and_keeps_many_branches_short():
    report = consolidate(_three_branches(), TUE)
    assert build_payload(report)["branches_not_reported"] == ["Vastral"]
    history = random_history([f"B{index:02}" for index in range(50)], TUE, 8)
    payload = build_payload(consolidate(history, TUE))
    assert len(payload["branches"]) == 8
    assert [item["sales_rank"] for item in payload["branches"]] == [1, 2, 3, 4, 47, 48, 49, 50]


def test_the_json_block_round_trips_and_old_keys_are_unchanged():
    report = consolidate(_three_branches(), TUE)
    data = json.loads(json.dumps(report.to_dict()))
    block = data["consolidated"]
    assert (block["partial"], block["missing"], block["reported"], block["expected"]) == (True, ["Vastral"], 2, 3)
    assert block["branches"][0]["branch"] == "Naroda" and block["branches"][0]["sales"] == 120000.5
    again = Report.from_dict(data)
    assert again.consolidated == report.consolidated and again.sales == report.sales
    assert data["branches"] == []  # the sales-by-branch-label lines of one PC's report: unchanged, unused here
    plain = branch_report(TUE, 1000).to_dict()
    assert plain["consolidated"] is None
    assert list(plain)[:-1] == OLD_KEYS


OLD_KEYS = ["date", "currency", "business", "demo", "generated_at", "sales", "leads", "attendance", "insights",
            "engine", "engine_reason", "llm_model", "llm_tokens", "guard_dropped", "warnings", "sources", "complete",
            "text", "html", "closed", "goals", "drivers", "anomalies", "branches", "corrections", "alerts",
            "numbers_checked"]


def test_a_branch_name_is_escaped_in_telegram_html():
    history = {"A <&> B": {TUE: branch_report(TUE, 1000)}, "C": {TUE: branch_report(TUE, 500)}}
    html = render_html(consolidate(history, TUE))
    assert "A &lt;&amp;&gt; B" in html and "A <&> B" not in html


def test_email_and_slack_carry_each_shops_line():
    from desktop_app.channels.email_html import report_html
    from desktop_app.channels.slack import report_blocks

    report = consolidate(_three_branches(), TUE)
    html = report_html(report, [])
    assert "Branches</span>" in html and "<li style='margin-bottom:4px'>Vastral: not reported yet</li>" in html
    assert "Partial: Vastral has not reported yet; the totals are for 2 of 3 branches" in html
    sections = [block["text"]["text"] for block in report_blocks(report, []) if block["type"] == "section"
                and "text" in block]
    shops = next(text for text in sections if text.startswith("*🏬 Branches*"))
    assert "• #1 Naroda: ₹1,20,001 · 40 orders" in shops and "• Vastral: not reported yet" in shops
    plain = branch_report(TUE, 1000)
    assert "Branches" not in report_html(plain, [])
    from desktop_app.channels.email import subject_line

    assert subject_line(report) == \
        "Daily Business Summary — Shah Hardware · whole business (3 branches) — Tue 24 Nov 2026"
    assert subject_line(plain) == "Daily Business Summary — Shah Hardware — Tue 24 Nov 2026"


def test_no_branch_at_all_says_so_and_is_not_complete():
    report = consolidate({}, TUE)
    assert report.sales is None and not report.complete and report.exit_code == 3
    assert report.warnings == ["no branch has reported to the shared history yet: set up each shop's PC with its "
                               "[business] branch and the shared history's URL (docs/branches.md)"]
    assert "no branch has reported" in render_text(report)

from __future__ import annotations

import datetime as dt

from desktop_app.formatting import money, money_short
from desktop_app.insights.rules import rule_insights
from desktop_app.render import render_html, render_text
from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis


def report() -> Report:
    r = Report(
        date=dt.date(2026, 11, 24), currency="INR", business="Patel & Sons <Wholesale>",
        sales=SalesKpis(total=235000.0, orders=42, avg_order=5595.24, prev_date="2026-11-23", prev_total=210000.0,
                        change_pct=11.9, week_ago_total=250000.0, week_change_pct=-6.0),
        leads=LeadsKpis(count=18, by_source={"IndiaMART <paid>": 8, "Website": 6, "Walk-in": 4}, prev_count=15,
                        change_pct=20.0, prev_date="2026-11-23"),
        attendance=AttendanceKpis(headcount=50, present=46, absent=4, rate_pct=92.0, change_pp=-2.0,
                                  prev_date="2026-11-23"),
        warnings=["orders.csv, row 7, column 'Amount': cannot read 'a<b'"],
    )
    r.insights = rule_insights(r)
    return r


def test_indian_money_in_tables_and_prose():
    assert money(235000, "INR", "en_IN") == "₹2,35,000"
    assert money(1659.95, "INR", "en_IN") == "₹1,659.95"
    assert money_short(235000, "INR", "en_IN") == "₹2.35 L"
    assert money_short(23500000, "INR", "en_IN") == "₹2.35 Cr"
    assert money(235000, "USD", "en_US") == "$235,000"


def test_text_has_the_seed_sections_and_numbers():
    text = render_text(report())
    for marker in ("📅", "💰 Sales: ₹2,35,000 (▲ 11.9% vs Mon 23 Nov; ▼ 6.0% vs last Tue)", "🧾 Orders: 42",
                   "🧑‍💼 Leads: 18", "🏢 Attendance: 46/50 present (92.0%, ▼ 2.0 pp vs Mon 23 Nov)", "🧠 Insights"):
        assert marker in text
    assert "Sales were ₹2.35 L from 42 orders" in text


def test_html_escapes_every_piece_of_data():
    html = render_html(report())
    assert "Patel &amp; Sons &lt;Wholesale&gt;" in html
    assert "IndiaMART &lt;paid&gt; 8" in html
    assert "'a&lt;b'" in html
    assert "<paid>" not in html and "<Wholesale>" not in html
    assert html.count("<b>") == html.count("</b>")


def test_rule_insights_cover_each_domain_without_inventing_numbers():
    bullets = rule_insights(report())
    assert 3 <= len(bullets) <= 4
    joined = " ".join(bullets)
    assert "IndiaMART <paid> brought the most (8, 44%)" in joined  # 8 / 18 = 44%
    assert "3 more than the previous day" in joined  # 18 - 15
    assert "Attendance was 92.0% (46 of 50, 4 absent), 2.0 points lower" in joined


def test_money_rounds_half_up_like_an_accountant():
    assert money(5500.5, "INR", "en_IN", whole=True) == "₹5,501"  # round() would give 5,500
    assert money_short(5500.5, "INR", "en_IN") == "₹5,501"
    assert money(2.675, "INR", "en_IN") == "₹2.68"

"""Branches (overlapping bill numbers are separate orders) and drivers (what moved the number)."""

from __future__ import annotations

import datetime as dt
import json

from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.render import render_html

from .shop_files import settings_for, write_leads, write_sales

MON, TUE = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def test_two_branches_with_overlapping_bill_numbers_are_seven_orders(tmp_path):
    naroda = write_sales(tmp_path / "naroda.csv", [
        ("INV-001", TUE, 1000, "Cement bags", "Counter"), ("INV-002", TUE, 2000, "Paint", "Counter"),
        ("INV-003", TUE, 3000, "Tiles", "Counter"), ("INV-004", TUE, 4000, "Paint", "Counter"),
        ("INV-001", MON, 5000, "Tiles", "Counter"),
    ], mtime=TUE)
    maninagar = write_sales(tmp_path / "maninagar.csv", [
        ("INV-001", TUE, 500, "Paint", "Counter"), ("INV-002", TUE, 700, "Tiles", "Counter"),
        ("INV-003", TUE, 800, "Paint", "Online"), ("INV-001", MON, 900, "Paint", "Counter"),
    ], mtime=TUE)
    settings = settings_for(("Naroda bills", "sales", naroda, "Naroda"),
                            ("Maninagar bills", "sales", maninagar, "Maninagar"))
    report = run_report(settings, app_paths().ensure(), TUE, offline=True)
    assert report.sales.orders == 7 and report.sales.total == 12000
    assert report.sales.avg_order == round(12000 / 7, 2)
    lines = {line.branch: line for line in report.branches}
    assert (lines["Naroda"].total, lines["Naroda"].orders, lines["Naroda"].prev_total) == (10000, 4, 5000)
    assert (lines["Maninagar"].total, lines["Maninagar"].orders, lines["Maninagar"].change_pct) == (2000, 3, 122.2)
    assert "🏬 Naroda: ₹10,000 · 4 orders (▲ 100.0% vs Mon 23 Nov)" in report.text
    assert "Maninagar: ₹2,000 · 3 orders" in report.text
    block = json.loads(json.dumps(report.to_dict()))["branches"]
    assert block[0] == {"branch": "Naroda", "total": 10000.0, "orders": 4, "avg_order": 2500.0,
                        "prev_total": 5000.0, "change_pct": 100.0}
    assert "<b>🏬" not in render_html(report)  # the icon stays outside the bold label


def test_a_driver_explains_a_fall_with_its_share(tmp_path):
    rows = [("B1", MON, 50000, "Cement bags", "Counter"), ("B2", MON, 20000, "Paint", "Counter"),
            ("B3", MON, 12000, "Tiles", "Online"),
            ("B4", TUE, 20000, "Cement bags", "Counter"), ("B5", TUE, 18000, "Paint", "Online"),
            ("B6", TUE, 12000, "Tiles", "Counter")]
    sales = write_sales(tmp_path / "sales.csv", rows, mtime=TUE)
    report = run_report(settings_for(("Bills", "sales", sales)), app_paths().ensure(), TUE, offline=True)
    assert report.sales.total == 50000 and report.sales.prev_total == 82000
    [driver] = [d for d in report.drivers if d.against == "previous"]
    assert (driver.by, driver.name, driver.part, driver.change, driver.share_pct) == (
        "product", "Cement bags", -30000, -32000, 93.8)
    assert "Sales fell ₹32,000 against the previous day; Cement bags −₹30,000 explains 94% of it." \
        in report.insights
    assert "🔍 Sales down ₹32,000 vs Mon 23 Nov: Cement bags −₹30,000 (94%)" in report.text


def test_no_breakdown_columns_no_drivers(tmp_path):
    sales = tmp_path / "plain.csv"
    sales.write_text("Invoice No,Invoice Date,Amount\nB1,2026-11-23 10:00,50000\nB2,2026-11-24 10:00,20000\n",
                     encoding="utf-8")
    from .shop_files import touch
    touch(sales, TUE)
    report = run_report(settings_for(("Bills", "sales", sales)), app_paths().ensure(), TUE, offline=True)
    assert report.sales.change_pct == -60.0 and report.drivers == []
    assert "🔍" not in report.text


def test_lead_sources_drive_a_rise_in_leads(tmp_path):
    stamps = [(dt.datetime(2026, 11, 23, 11), "Website")] * 4 + [(dt.datetime(2026, 11, 23, 12), "IndiaMART")] * 4
    stamps += [(dt.datetime(2026, 11, 24, 11), "Website")] * 4 + [(dt.datetime(2026, 11, 24, 12), "IndiaMART")] * 10
    leads = write_leads(tmp_path / "leads.csv", stamps, mtime=TUE)
    report = run_report(settings_for(("CRM", "leads", leads)), app_paths().ensure(), TUE, offline=True)
    [driver] = [d for d in report.drivers if d.against == "previous"]
    assert (driver.metric, driver.by, driver.name, driver.part, driver.share_pct) == (
        "leads", "source", "IndiaMART", 6, 100.0)


def test_a_part_bigger_than_the_change_is_more_than_all_of_it(tmp_path):
    """Found on a real Shopify export: 'web −$689 (all of it)' for a fall of $225 (another channel rose)."""
    rows = [("B1", MON, 50000, "Cement bags", "Counter"), ("B2", MON, 10000, "Paint", "Counter"),
            ("B3", TUE, 10000, "Cement bags", "Counter"), ("B4", TUE, 30000, "Paint", "Counter")]
    sales = write_sales(tmp_path / "sales.csv", rows, mtime=TUE)
    report = run_report(settings_for(("Bills", "sales", sales)), app_paths().ensure(), TUE, offline=True)
    first = next(d for d in report.drivers if d.against == "previous")
    assert (first.name, first.part, first.change, first.share_pct) == ("Cement bags", -40000, -20000, 200.0)
    assert "Cement bags −₹40,000 (more than all of it)" in report.text
    assert any("Cement bags −₹40,000 explains more than all of it" in bullet for bullet in report.insights)
    assert "(all of it)" not in report.text


def test_one_order_is_one_order_in_the_insights(tmp_path):
    sales = write_sales(tmp_path / "sales.csv", [("B1", TUE, 5000, "Paint", "Counter")], mtime=TUE)
    report = run_report(settings_for(("Bills", "sales", sales)), app_paths().ensure(), TUE, offline=True)
    assert any(bullet.startswith("Sales were ₹5,000 from 1 order") and "1 orders" not in bullet
               for bullet in report.insights)

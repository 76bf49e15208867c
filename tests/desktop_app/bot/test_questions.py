"""The question types computed on the PC: top products and channels from the sales sources (through the source
cache), absents on a weekday, a day's breakdown, what the bot does not know, no contact details, and the rules'
labels in the question's language."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.bot.ask import language_of, match
from desktop_app.bot.commands import Bot
from desktop_app.bot.questions import WEEKDAYS, has_contact, localize, money
from desktop_app.settings import SourceSettings
from tests.desktop_app.outbox_helpers import paths

from .conftest import FIRST, LAST, OWNER, sales_on

PRODUCTS = {"Steel almirah": 12_000.0, "Office chair": 4_500.0, "Ramesh 98765 43210 special": 900.0}


@pytest.fixture
def sales_file(tmp_path, settings):
    """14 days of orders up to LAST: each product once a day, by channel; one cancelled order that must not count."""
    lines = ["Order ID,Order Date,Product,Channel,Amount,Status"]
    number = 0
    for back in range(14):
        day = LAST - dt.timedelta(days=back)
        for product, amount in PRODUCTS.items():
            number += 1
            channel = "Counter" if product != "Office chair" else "IndiaMART"
            lines.append(f"A{number},{day.isoformat()},{product},{channel},{amount + back},paid")
    lines.append(f"X1,{LAST.isoformat()},Office chair,Website,99999,cancelled")
    file = tmp_path / "sales.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.sources = [SourceSettings(name="Tally sales", domain="sales", path=str(file))]
    return file


def expected(product: str, days: range) -> float:
    return sum(PRODUCTS[product] + back for back in days)


def test_top_products_this_week_come_from_the_sales_file(bot, history, sales_file):
    reply = bot.handle(OWNER, "top products this week")
    week = range(7)
    total = sum(expected(product, week) for product in PRODUCTS)
    share = round(expected("Steel almirah", week) / total * 100, 1)
    assert reply.splitlines()[0] == f"Top products by sales, the 7 days to {LAST.isoformat()}:"
    assert reply.splitlines()[1] == f"1. Steel almirah: {money(expected('Steel almirah', week))} ({share:g}% of sales)"
    assert f"2. Office chair: {money(expected('Office chair', week))}" in reply
    assert "99,999" not in reply and "Website" not in reply  # the cancelled order is not a sale
    assert "98765" not in reply and "(contact hidden)" in reply


def test_top_channels_and_the_cache_is_used_the_second_time(bot, history, sales_file):
    first = bot.handle(OWNER, "sales by channel this month")
    cached = list(paths().cache.glob("*.frame"))
    assert cached, "the sales source was read through the source cache"
    assert bot.handle(OWNER, "sales by channel this month") == first
    month = range(14)  # the file has 14 days
    counter = expected("Steel almirah", month) + expected("Ramesh 98765 43210 special", month)
    assert f"1. Counter: {money(counter)}" in first
    assert f"2. IndiaMART: {money(expected('Office chair', month))}" in first


def test_products_outside_the_files_dates_are_said_not_guessed(bot, history, sales_file):
    reply = bot.handle(OWNER, "top products on 2026-10-20")
    assert reply == (f"I have no sales rows for 2026-10-20: the sales sources cover "
                     f"{(LAST - dt.timedelta(days=13)).isoformat()} to {LAST.isoformat()}.")


def test_no_sales_source_means_no_product_ranking(bot, history):
    assert bot.handle(OWNER, "best selling products this week") == \
        "I cannot rank products: no sales source could be read on this PC."


def test_absents_on_a_weekday_and_what_is_not_known(bot, history):
    reply = bot.handle(OWNER, "how many absents on Saturday?")
    saturdays = [day for day in history if day.weekday() == 5 and (LAST - day).days < 30]
    known = [day for day in saturdays if history[day].attendance is not None]
    assert reply.splitlines()[0] == f"Absents on Saturdays, the 30 days to {LAST.isoformat()}:"
    for day in known:
        assert f"{history[day].attendance.absent} absent on {day.strftime('%a %d %b')}" in reply
    total = sum(history[day].attendance.absent for day in known)
    assert f"Total {total} over {len(known)} Saturdays" in reply
    assert reply.splitlines()[-1] == f"I have no attendance before {(FIRST + dt.timedelta(days=20)).isoformat()}."
    hindi = bot.handle(OWNER, "शनिवार को कितने गैरहाज़िर थे?")
    assert f"Total {total} over {len(known)} Saturdays" in hindi


def test_absents_by_weekday_when_no_day_is_named(bot, history):
    reply = bot.handle(OWNER, "absents by weekday this month")
    lines = reply.splitlines()
    assert lines[0] == f"Absents a day by weekday, the 30 days to {LAST.isoformat()}:"
    known = [day for day in history if (LAST - day).days < 30 and history[day].attendance is not None]
    for name in WEEKDAYS:
        days = [history[day].attendance.absent for day in known if WEEKDAYS[day.weekday()] == name]
        assert f"{name}s: {round(sum(days) / len(days), 1):g} absent a day" in lines


def test_a_day_s_breakdown_carries_its_top_products(bot, history, sales_file):
    day = LAST - dt.timedelta(days=2)
    reply = bot.handle(OWNER, f"breakdown of {day.isoformat()}")
    assert f"Sales: {money(history[day].sales.total)}" in reply
    assert f"Orders: {history[day].sales.orders}" in reply
    assert "Top products:" in reply and f"1. Steel almirah: {money(PRODUCTS['Steel almirah'] + 2)}" in reply


def test_before_the_history_the_bot_says_so(bot, history):
    assert bot.handle(OWNER, "breakdown of 2026-01-05") == \
        f"I have no report for 2026-01-05 (history starts {FIRST.isoformat()})."


def test_the_matcher_knows_the_new_types_in_three_languages():
    assert match("top products this week")[:2] == ("top_products", "week")
    assert match("इस महीने कौन सा प्रोडक्ट सबसे ज्यादा बिका?")[0] == "top_products"
    assert match("આ મહિને કઈ વસ્તુ વધુ વેચાઈ?")[0] == "top_products"
    assert match("sales by channel")[:2] == ("top_channels", "month")
    assert match("how many absents on saturday?") == ("absents_weekday", "month", None, "Saturday")
    assert match("શનિવારે કેટલા ગેરહાજર?")[3] == "Saturday"
    assert match("absents by weekday")[:1] == ("absents_weekday",)


def test_language_follows_the_question_and_the_rules_labels_follow_it():
    assert [language_of(q) for q in ("how are sales?", "आज की बिक्री?", "આજે વેચાણ?")] == \
        ["English", "Hindi", "Gujarati"]
    text = "The 7 days:\nSales: ₹9,77,000 vs ₹9,28,000 (up 5.3%)\nAbsents: 18 vs 17 (down 2%)\n1. IndiaMART: 4"
    assert localize(text, "Hindi") == ("The 7 days:\nबिक्री: ₹9,77,000 बनाम ₹9,28,000 (+5.3%)\n"
                                       "गैरहाज़िर: 18 बनाम 17 (−2%)\n1. IndiaMART: 4")
    assert localize(text, "Gujarati").splitlines()[1] == "વેચાણ: ₹9,77,000 સામે ₹9,28,000 (+5.3%)"
    assert localize(text, "English") == text


def test_a_hindi_question_offline_gets_hindi_labels_with_the_same_numbers(bot, history):
    english = bot.handle(OWNER, "sales today")
    hindi = bot.handle(OWNER, "आज की बिक्री कितनी है?")
    assert f"बिक्री: {money(history[LAST].sales.total)}" in hindi
    assert english.replace("Sales:", "बिक्री:").replace("Orders:", "ऑर्डर:").replace("New leads:", "नई लीड:") \
        .replace("Absents:", "गैरहाज़िर:") == hindi


def test_contact_details_are_recognised():
    assert has_contact("call Ramesh on +91 98765 43210")
    assert has_contact("mail ramesh@example.com") and has_contact("see www.example.com")
    assert has_contact("Ramesh 9876543210") and has_contact("+919876543210")
    assert not has_contact("Sales: ₹1,25,000 (up 5.3%) on 2026-11-24, the 7 days 2026-11-18 2026-11-24")
    assert not has_contact("Orders: 1,234 and 56 leads")


def test_a_worded_answer_with_an_e_mail_is_replaced_by_the_rules(history, settings):
    from tests.llm_server import LLMServer, Reply

    total = money(history[LAST].sales.total)
    with LLMServer() as server:
        settings.insights.provider, settings.insights.base_url = "custom", server.base_url
        settings.insights.model = "test-model"
        server.reply(Reply.tool("compute", question_type="totals", period="today"),
                     Reply(content=f"Sales were {total}; ask ramesh@example.com for details."))
        reply = Bot(settings, paths()).handle(OWNER, "sales today")
    assert "example.com" not in reply and reply.startswith(f"{LAST.isoformat()}:") and f"Sales: {total}" in reply


def test_why_names_the_products_that_moved(bot, history, sales_file):
    reply = bot.handle(OWNER, "why are sales down this week?")
    lines = reply.splitlines()
    moves = lines.index("Biggest moves by product:")
    now, before = 12_000 * 7 + sum(range(7)), 12_000 * 7 + sum(range(7, 14))
    assert f"Steel almirah: {money(now)} vs {money(before)} (−{money(before - now)})" in lines[moves + 1:]
    month = bot.handle(OWNER, "compare this month with last month")
    assert f"I have product rows only from {(LAST - dt.timedelta(days=13)).isoformat()}" in month


def test_a_closed_day_is_not_the_worst_day_nor_a_day_of_the_average(bot, history):
    from desktop_app.history import HistoryStore

    closed_day = LAST - dt.timedelta(days=1)
    report = history[closed_day]
    report.closed, report.sales.total, report.sales.orders = True, 0.0, 0
    HistoryStore(paths().history_db).save(report)
    reply = bot.handle(OWNER, "worst day this week")
    week = {LAST - dt.timedelta(days=back): sales_on(39 - back) for back in range(7) if back != 1}
    worst = min(week, key=week.get)
    assert f"Worst day: {worst.strftime('%a %d %b')}, {money(week[worst])}" in reply
    compared = bot.handle(OWNER, "/week")
    assert f"Sales a day: {money(sum(week.values()) / 6)}" in compared

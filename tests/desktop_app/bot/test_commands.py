"""Commands, the allow-list, pairing and the rate limit: plain `Bot.handle`, no Telegram."""

from __future__ import annotations

import datetime as dt
import logging

from desktop_app.bot.commands import RATE_LIMITED, Bot, new_pairing_code
from desktop_app.bot.questions import money
from desktop_app.settings import load_settings
from tests.desktop_app.outbox_helpers import paths

from .conftest import FIRST, INJECTION, LAST, OWNER, STRANGER, Clock, sales_on


def test_a_stranger_gets_no_reply_and_is_logged(bot, caplog):
    with caplog.at_level(logging.WARNING, "business_orchestrator.bot"):
        assert bot.handle(STRANGER, "/today") is None
        assert bot.handle(STRANGER, "why are sales down?") is None
    assert f"chat {STRANGER}" in caplog.text


def test_pairing_lets_a_chat_in_once_and_saves_it(bot):
    heard: list[int] = []
    bot.on_paired = heard.append  # the bot process tells the tray
    code = new_pairing_code(paths())
    assert bot.handle(STRANGER, "000000" if code != "000000" else "111111") is None
    assert bot.handle(STRANGER, code).startswith("Paired")
    assert STRANGER in load_settings(paths().settings_file).bot.allowed_chats
    assert bot.handle(STRANGER, "/help").startswith("I answer")
    assert bot.handle(222, code) is None  # one time only
    assert heard == [STRANGER]


def test_an_expired_pairing_code_does_not_open_the_door(bot):
    code = new_pairing_code(paths(), now=bot.wall() - 3600)
    assert bot.handle(STRANGER, code) is None


def test_today_and_report_are_the_history_reports(bot, history):
    assert bot.handle(OWNER, "/today") == history[LAST].text
    day = LAST - dt.timedelta(days=4)
    assert bot.handle(OWNER, f"/report {day.isoformat()}") == history[day].text
    assert "no report for 2025-01-01" in bot.handle(OWNER, "/report 2025-01-01")
    assert "/report 2026-11-20" in bot.handle(OWNER, "/report yesterday")


def test_week_totals_and_changes_equal_the_history(bot, history):
    reply = bot.handle(OWNER, "/week")
    week = [sales_on(index) for index in range(33, 40)]
    before = [sales_on(index) for index in range(26, 33)]
    assert f"Sales: {money(sum(week))} vs {money(sum(before))}" in reply
    change = round((sum(week) - sum(before)) / sum(before) * 100, 1)
    assert f"up {change:g}%" in reply
    orders = sum(history[LAST - dt.timedelta(days=back)].sales.orders for back in range(7))
    assert f"Orders: {orders:,}" in reply


def test_month_says_what_it_does_not_know(bot):
    reply = bot.handle(OWNER, "/month")
    month = [sales_on(index) for index in range(10, 40)]
    assert f"Sales: {money(sum(month))}" in reply
    # the 30 days before start before the history: the bot says how many days it compared with
    assert "against the 10 reported days before" in reply
    assert f"I have no attendance before {(FIRST + dt.timedelta(days=20)).isoformat()}" in reply


def test_sources_and_goal_and_help(bot):
    assert "Tally sales (sales): ok, data to 2026-11-24" in bot.handle(OWNER, "/sources")
    assert "Goals are not set" in bot.handle(OWNER, "/goal")
    assert "/week" in bot.handle(OWNER, "/help")
    assert "I do not know that command" in bot.handle(OWNER, "/nonsense")


def test_lead_sources_hide_contact_details_and_keep_the_counts(bot, history):
    reply = bot.handle(OWNER, "leads by source today")
    assert "98765" not in reply and "(contact hidden)" in reply
    by_source = history[LAST].leads.by_source
    assert f"1. IndiaMART: {by_source['IndiaMART']}" in reply
    assert INJECTION[:20] in reply  # shown as a label (cut), never obeyed


def test_the_rate_limit_answers_once_then_stays_quiet_then_recovers(history, settings):
    clock = Clock()
    bot = Bot(settings, paths(), clock=clock, offline=True)
    answers = [bot.handle(OWNER, "/help") for _ in range(settings.bot.per_minute)]
    assert all(answer and answer.startswith("I answer") for answer in answers)
    assert bot.handle(OWNER, "/help") == RATE_LIMITED.format(n=settings.bot.per_minute)
    assert bot.handle(OWNER, "/help") is None
    clock.now += 61
    assert bot.handle(OWNER, "/help").startswith("I answer")


def test_no_history_is_said_plainly(settings):
    bot = Bot(settings, paths(), offline=True)
    assert "no reports yet" in bot.handle(OWNER, "/today")
    assert "no reports yet" in bot.handle(OWNER, "best day this month")


def test_ask_on_the_command_line_gives_the_bot_s_answer(history, settings, capsys):
    from desktop_app.cli import main
    from desktop_app.settings import save_settings

    save_settings(settings, paths().settings_file)
    assert main(["ask", "--offline", "best day this month"]) == 0
    printed = capsys.readouterr().out
    bot = Bot(settings, paths(), offline=True)
    assert printed.strip() == bot.handle(OWNER, "best day this month")
    assert money(max(sales_on(i) for i in range(10, 40))) in printed
    assert main(["bot", "pair"]) == 0
    assert "within 10 minutes" in capsys.readouterr().out


def test_goal_shows_the_latest_report_s_month_to_date(history, settings):
    from desktop_app.history import HistoryStore
    from desktop_app.report import GoalProgress

    store = HistoryStore(paths().history_db)
    latest = history[LAST]
    latest.goals = [GoalProgress("sales", 40_00_000, 29_00_000, 72.5, 20, 4, needed_per_day=2_75_000)]
    store.save(latest)
    settings.goals.sales_monthly = 40_00_000
    reply = Bot(settings, paths(), offline=True).handle(OWNER, "/goal")
    assert "Sales: ₹29,00,000 of ₹40,00,000 (72%); ₹2,75,000 a day needed over 4 open days" in reply


def test_five_wrong_codes_void_the_pairing_code(bot, caplog):
    from desktop_app.bot.commands import MAX_WRONG_CODES, PAIRING_FILE

    code = new_pairing_code(paths())
    wrong = [f"{(int(code) + step) % 10**6:06d}" for step in range(1, MAX_WRONG_CODES + 1)]
    with caplog.at_level(logging.WARNING, "business_orchestrator.bot"):
        for guess in wrong:
            assert bot.handle(STRANGER, guess) is None
    assert not (paths().data / PAIRING_FILE).exists() and "wrong pairing codes" in caplog.text
    assert bot.handle(STRANGER, code) is None  # even the right code no longer opens the door
    assert STRANGER not in bot.settings.bot.allowed_chats

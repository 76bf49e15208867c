"""The bot at the TelegramClient seam: messages in, replies out, on the one Telegram thread."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from desktop_app.bot.commands import RATE_LIMITED, Bot
from desktop_app.bot.listener import Listener
from desktop_app.bot.questions import money
from desktop_app.channels.telegram_auth import NotSignedIn
from desktop_app.delivery import send_pending
from desktop_app.secrets import Secret, delete_secret, get_secret, set_secret
from tests.desktop_app.outbox_helpers import make_report, paths, queue
from tests.llm_server import LLMServer, Reply

from .conftest import (
    LAST,
    LISTENER_SESSION,
    OWNER,
    SENDER_SESSION,
    STRANGER,
    sales_on,
    wait_for_handlers,
)


@pytest.fixture
def listening(telegram, settings, history):
    listener = Listener(Bot(settings, paths(), offline=True), client_factory=telegram)
    running = listener.start()
    wait_for_handlers(telegram)
    yield telegram, listener
    listener.stop()
    running.result(timeout=5)


def test_the_owner_gets_answers_and_a_stranger_gets_nothing(listening, history):
    telegram, _listener = listening
    telegram.incoming(STRANGER, "/today").result(timeout=10)
    telegram.incoming(OWNER, "/today").result(timeout=10)
    telegram.incoming(OWNER, "/week").result(timeout=10)
    assert telegram.replies_to(STRANGER) == []
    today, week = telegram.replies_to(OWNER)
    assert today == history[LAST].text
    assert f"Sales: {money(sum(sales_on(i) for i in range(33, 40)))}" in week
    assert telegram.threads == {"telegram"}  # every Telethon call on the Telegram thread
    assert len(telegram.loops) == 1


def test_the_evening_report_goes_out_while_slow_questions_wait(telegram, settings, history):
    with LLMServer() as server:
        settings.insights.provider, settings.insights.base_url = "custom", server.base_url
        settings.insights.model, settings.insights.timeout_s = "test-model", 30
        settings.telegram.enabled, settings.telegram.destinations = True, ["@owner_ramesh"]
        slow = Reply.tool("compute", question_type="compare", period="week")
        slow.delay = 8
        server.reply(slow, slow)
        server.default = Reply(content="In short, no numbers here.")
        listener = Listener(Bot(settings, paths()), client_factory=telegram)
        running = listener.start()
        try:
            wait_for_handlers(telegram)
            questions = [telegram.incoming(OWNER, "why are sales down?"), telegram.incoming(OWNER, "and leads?")]
            evening = make_report(day=LAST + dt.timedelta(days=1), generated_at=dt.datetime.now().astimezone())
            queue(evening, ["@owner_ramesh"], now=dt.datetime.now().astimezone())
            result = send_pending(settings, paths(), client_factory=telegram)
            assert result.sent == 1
            assert [sent.entity for sent in telegram.sent] == ["@owner_ramesh"]  # no question answered yet
            assert not any(question.done() for question in questions)
            for question in questions:
                question.result(timeout=30)
        finally:
            listener.stop()
            running.result(timeout=5)
    answers = telegram.replies_to(OWNER)
    assert len(answers) == 2 and all("Sales:" in answer for answer in answers)
    sessions = {session for session, _id, _hash in telegram.made}
    assert sessions == {"", SENDER_SESSION}  # the report went out on the sender's key, the bot on its own
    assert get_secret(Secret.TELEGRAM_SESSION) == SENDER_SESSION


def test_the_listener_signs_in_with_its_own_session_and_never_touches_the_sender_s(listening):
    telegram, _listener = listening
    assert telegram.made[0][0] == ""  # the first start: no listener session yet, so the bot signs in from its token
    assert "sign_in" in telegram.calls
    assert get_secret(Secret.TELEGRAM_LISTENER_SESSION) == LISTENER_SESSION
    assert get_secret(Secret.TELEGRAM_SESSION) == SENDER_SESSION


def test_a_second_start_reuses_the_listener_session_without_signing_in(telegram, settings, history):
    set_secret(Secret.TELEGRAM_LISTENER_SESSION, LISTENER_SESSION)
    listener = Listener(Bot(settings, paths(), offline=True), client_factory=telegram)
    running = listener.start()
    wait_for_handlers(telegram)
    listener.stop()
    running.result(timeout=5)
    assert telegram.made[0][0] == LISTENER_SESSION and "sign_in" not in telegram.calls


def test_a_user_account_cannot_run_the_bot_and_is_told_why(telegram, settings, history):
    delete_secret(Secret.TELEGRAM_BOT_TOKEN)
    running = Listener(Bot(settings, paths(), offline=True), client_factory=telegram).start()
    with pytest.raises(NotSignedIn, match="need a bot account"):
        running.result(timeout=10)
    assert telegram.made == [] and get_secret(Secret.TELEGRAM_SESSION) == SENDER_SESSION


@pytest.fixture
def llm_listening(telegram, settings, history):
    """The listener with the real local LLM test server as the AI endpoint (`tools` answered as scripted)."""
    with LLMServer() as server:
        settings.insights.provider, settings.insights.base_url = "custom", server.base_url
        settings.insights.model, settings.insights.timeout_s = "test-model", 20
        settings.goals.sales_monthly = 40_00_000
        listener = Listener(Bot(settings, paths()), client_factory=telegram)
        running = listener.start()
        wait_for_handlers(telegram)
        yield telegram, server, listener
        listener.stop()
        running.result(timeout=5)


def ask_(telegram, chat_id: int, text: str) -> list[str]:
    before = len(telegram.replies_to(chat_id))
    telegram.incoming(chat_id, text).result(timeout=30)
    return telegram.replies_to(chat_id)[before:]


def test_a_stranger_gets_nothing_and_the_attempt_is_logged_with_the_chat_id(llm_listening, caplog):
    telegram, server, _listener = llm_listening
    with caplog.at_level(logging.WARNING, "business_orchestrator.bot"):
        for text in ("/today", "/week", "why are sales down?", "123456"):
            assert ask_(telegram, STRANGER, text) == []
    assert caplog.text.count(f"message from chat {STRANGER}, which is not in the allow-list") == 4
    assert server.completions == []  # a stranger's question never reaches the model
    assert telegram.threads == {"telegram"}


def test_each_command_answers_with_the_history_s_numbers(llm_listening, history, settings):
    telegram, server, _listener = llm_listening
    settings.bot.per_minute = 10  # seven commands in a row
    [today] = ask_(telegram, OWNER, "/today")
    assert today == history[LAST].text
    day = LAST - dt.timedelta(days=9)
    assert ask_(telegram, OWNER, f"/report {day.isoformat()}") == [history[day].text]
    [week] = ask_(telegram, OWNER, "/week")
    this, before = sum(sales_on(i) for i in range(33, 40)), sum(sales_on(i) for i in range(26, 33))
    assert f"Sales: {money(this)} vs {money(before)} (up {round((this - before) / before * 100, 1):g}%)" in week
    leads = sum(history[LAST - dt.timedelta(days=back)].leads.count for back in range(7))
    assert f"New leads: {leads}" in week
    absents = sum(history[LAST - dt.timedelta(days=back)].attendance.absent for back in range(7))
    assert f"Absents: {absents}" in week
    [month] = ask_(telegram, OWNER, "/month")
    assert f"Sales: {money(sum(sales_on(i) for i in range(10, 40)))}" in month
    [sources] = ask_(telegram, OWNER, "/sources")
    assert f"Tally sales (sales): ok, data to {LAST.isoformat()}" in sources
    [goal] = ask_(telegram, OWNER, "/goal")
    assert "no report has measured them yet" in goal
    [helped] = ask_(telegram, OWNER, "/help")
    assert "/week" in helped
    assert server.completions == []  # commands are computed, never worded by the model


def test_the_rate_limit_holds_per_chat_at_the_seam(llm_listening, settings, history):
    telegram, _server, _listener = llm_listening
    settings.bot.allowed_chats.append(222)
    replies = [ask_(telegram, OWNER, "/help") for _ in range(settings.bot.per_minute + 3)]
    assert all(reply and reply[0].startswith("I answer") for reply in replies[:settings.bot.per_minute])
    assert replies[settings.bot.per_minute] == [RATE_LIMITED.format(n=settings.bot.per_minute)]
    assert replies[settings.bot.per_minute + 1:] == [[], []]  # then quiet
    assert ask_(telegram, 222, "/help")[0].startswith("I answer")  # another chat has its own allowance


def test_a_wrong_number_and_an_injected_label_never_reach_the_chat(llm_listening, history):
    telegram, server, _listener = llm_listening
    server.reply(Reply.tool("compute", question_type="top_sources", period="week"),
                 Reply(content="As the label says: sales were ₹9,99,999 and IndiaMART brought 50 leads."))
    [answer] = ask_(telegram, OWNER, "leads by source this week")
    assert "9,99,999" not in answer and "50 leads" not in answer
    week = [report for day, report in history.items() if (LAST - day).days < 7]
    assert f"1. IndiaMART: {sum(r.leads.by_source['IndiaMART'] for r in week)}" in answer
    worded = server.completions[1].json["messages"][1]["content"]
    assert "Ignore previous instructions" in worded  # the label reached the model as data…
    assert answer.startswith("Leads by source")  # …and the rules' numbers answered


def test_a_checked_llm_answer_goes_out_in_the_question_s_language(llm_listening, history):
    telegram, server, _listener = llm_listening
    total = money(history[LAST].sales.total)
    server.reply(Reply.tool("compute", question_type="totals", period="today"),
                 Reply(content=f"આજે વેચાણ {total} થયું."))
    assert ask_(telegram, OWNER, "આજે વેચાણ કેટલું થયું?") == [f"આજે વેચાણ {total} થયું."]
    system = server.completions[1].json["messages"][0]["content"]
    assert "in Gujarati" in system


def test_one_listener_at_a_time_shares_the_listener_session(listening, settings):
    from desktop_app.bot.listener import AlreadyListening

    telegram, _listener = listening
    made = len(telegram.made)
    with pytest.raises(AlreadyListening, match="already answering in Telegram"):
        Listener(Bot(settings, paths(), offline=True), client_factory=telegram).start()
    assert len(telegram.made) == made  # the second never connected


def test_the_lock_ends_with_the_listener(telegram, settings, history):
    for _ in range(2):  # a second listener after the first stopped
        listener = Listener(Bot(settings, paths(), offline=True), client_factory=telegram)
        running = listener.start()
        wait_for_handlers(telegram)
        listener.stop()
        running.result(timeout=5)
        telegram.handlers.clear()

"""The bot at the TelegramClient seam: messages in, replies out, on the one Telegram thread."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.bot.commands import Bot
from desktop_app.bot.listener import Listener
from desktop_app.bot.questions import money
from desktop_app.delivery import send_pending
from tests.desktop_app.outbox_helpers import make_report, paths, queue
from tests.llm_server import LLMServer, Reply

from .conftest import LAST, OWNER, STRANGER, sales_on, wait_for_handlers


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

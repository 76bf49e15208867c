"""The sender against a scripted TelegramClient that raises Telethon's real errors."""

from __future__ import annotations

import datetime as dt
import threading

from telethon import errors
from telethon.extensions import html as telegram_html

from desktop_app.channels.telegram import MAX_MESSAGE, visible_length
from desktop_app.channels.telegram_auth import login_bot
from desktop_app.delivery import POSSIBLE_DUPLICATE_NOTE, send_pending
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, get_secret

from .channels.fakes import FakeClock, FakeTelegram
from .outbox_helpers import API_HASH, BOT_TOKEN, SIX_PM, make_report, paths, queue, signed_in, telegram_settings


def drain(settings, fake, clock):
    return send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep)


def outbox() -> Outbox:
    return Outbox(paths().history_db)


def test_success_sends_html_once_and_records_the_message_id():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"])
    fake, clock = FakeTelegram(), FakeClock(SIX_PM + dt.timedelta(minutes=1))
    result = drain(telegram_settings("@owner_ramesh"), fake, clock)
    assert (result.sent, result.failed, result.retry_later) == (1, 0, 0) and result.ok
    (sent,) = fake.sent
    assert sent.entity == "@owner_ramesh" and sent.parse_mode == "html"
    assert sent.text == make_report().html  # on time: no "computed ..., sent ..." note
    delivery = outbox().get(row)
    assert delivery.status == "sent" and delivery.message_ids == [sent.message_id] and delivery.attempts == 1
    assert delivery.sent_at == clock.now() and not delivery.possible_duplicate
    assert fake.made[0][:2] == ("1StoredSession", 123456)
    assert drain(telegram_settings("@owner_ramesh"), fake, clock).sent == 0 and len(fake.sent) == 1


def test_telethon_runs_on_one_dedicated_thread_and_loop():
    signed_in()
    queue(make_report(), ["@owner_ramesh"])
    queue(make_report(day=SIX_PM.date() - dt.timedelta(days=1)), ["@owner_ramesh"])
    fake, clock = FakeTelegram(), FakeClock(SIX_PM)
    drain(telegram_settings(), fake, clock)
    drain(telegram_settings(), fake, clock)
    assert len(fake.sent) == 2
    assert fake.threads == {"telegram"} and threading.current_thread().name not in fake.threads
    assert len(fake.loops) == 1


def test_a_late_send_says_when_it_was_computed_and_sent():
    signed_in()
    queue(make_report(), ["@owner_ramesh"])
    fake, clock = FakeTelegram(), FakeClock(SIX_PM + dt.timedelta(minutes=40))
    drain(telegram_settings(), fake, clock)
    lines = fake.sent[0].text.split("\n")
    assert lines[0] == make_report().html.split("\n")[0]
    assert lines[1] == "<i>computed 18:00, sent 18:40</i>"


def test_flood_wait_is_honoured_to_the_second():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"])
    fake = FakeTelegram(send_script=[errors.FloodWaitError(request=None, capture=7)])
    clock = FakeClock(SIX_PM)
    result = drain(telegram_settings(), fake, clock)
    assert clock.sleeps == [7] and result.sent == 1 and len(fake.sent) == 1
    assert outbox().get(row).sent_at == SIX_PM + dt.timedelta(seconds=7)


def test_a_long_flood_wait_is_scheduled_not_slept():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"])
    fake = FakeTelegram(send_script=[errors.FloodWaitError(request=None, capture=3600)])
    clock = FakeClock(SIX_PM)
    result = drain(telegram_settings(), fake, clock)
    assert clock.sleeps == [] and result.retry_later == 1 and "wait 3600 s" in result.messages[0]
    delivery = outbox().get(row)
    assert delivery.status == "pending" and delivery.next_attempt_at == SIX_PM + dt.timedelta(seconds=3600)
    clock.advance(3599)
    assert drain(telegram_settings(), fake, clock).sent == 0 and fake.sent == []
    clock.advance(1)
    assert drain(telegram_settings(), fake, clock).sent == 1 and len(fake.sent) == 1


def test_network_down_then_back_delivers_exactly_once_with_backoff():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"])
    down = [ConnectionError("network is unreachable"), OSError("no route to host"), TimeoutError()]
    fake, clock = FakeTelegram(connect_script=list(down)), FakeClock(SIX_PM)
    settings = telegram_settings()
    waits = []
    for _ in down:
        result = drain(settings, fake, clock)
        assert result.retry_later == 1 and result.sent == 0
        delivery = outbox().get(row)
        waits.append((delivery.next_attempt_at - clock.now()).total_seconds())
        assert delivery.status == "pending" and "could not reach Telegram" in delivery.last_error
        assert drain(settings, fake, clock).sent == 0  # not due yet: no connection attempted
        clock.advance(waits[-1])
    assert waits == [30, 30, 30]  # connect failures postpone without using up attempts
    assert drain(settings, fake, clock).sent == 1
    assert len(fake.sent) == 1 and outbox().get(row).status == "sent"
    assert fake.calls.count("connect") == 4


def test_send_errors_back_off_exponentially_up_to_the_cap():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"])
    settings = telegram_settings()
    settings.telegram.retry_first_seconds, settings.telegram.retry_max_seconds = 30, 100
    failures = [errors.ServerError(request=None, message="RPC_CALL_FAIL", code=500),
                errors.TimedOutError(request=None, message="Timeout", code=-503), ConnectionError("reset"),
                ConnectionError("reset")]
    fake, clock = FakeTelegram(send_script=list(failures)), FakeClock(SIX_PM)
    waits = []
    for _ in failures:
        drain(settings, fake, clock)
        waits.append((outbox().get(row).next_attempt_at - clock.now()).total_seconds())
        clock.advance(waits[-1])
    assert waits == [30, 60, 100, 100]
    assert drain(settings, fake, clock).sent == 1 and len(fake.sent) == 1
    delivery = outbox().get(row)
    assert delivery.attempts == 5
    assert delivery.possible_duplicate  # a connection that broke mid-send may have delivered: said, not hidden
    assert POSSIBLE_DUPLICATE_NOTE in fake.sent[0].text


def test_bot_never_started_fails_with_a_sentence_and_is_never_retried_blindly():
    signed_in()
    (blocked,) = queue(make_report(), ["@owner_ramesh"])
    fake, clock = FakeTelegram(send_script=[errors.UserIsBlockedError(request=None)]), FakeClock(SIX_PM)
    result = drain(telegram_settings(), fake, clock)
    assert result.failed == 1 and not result.ok
    delivery = outbox().get(blocked)
    assert delivery.status == "failed" and "open the bot in telegram and press start" in delivery.last_error.lower()
    clock.advance(86400)
    assert drain(telegram_settings(), fake, clock).failed == 0
    assert fake.calls.count("send_message") == 1
    outbox().retry(blocked, now=clock.now())  # the owner pressed Start and asks again
    assert drain(telegram_settings(), fake, clock).sent == 1


def test_permanent_destination_errors_each_have_their_sentence():
    signed_in()
    cases = {
        "-1001234567890": (errors.ChatWriteForbiddenError(request=None), "may not post in -1001234567890"),
        "@gone_channel": (errors.ChannelPrivateError(request=None), "private"),
        "@nobody_here": (errors.UsernameNotOccupiedError(request=None), "No Telegram chat is called @nobody_here"),
        "777000": (ValueError('Cannot find any entity corresponding to "777000"'), "Telegram does not know chat"),
    }
    ids = {dest: queue(make_report(), [dest])[0] for dest in cases}
    fake = FakeTelegram(send_script=[error for error, _ in cases.values()])
    result = drain(telegram_settings(*cases), fake, FakeClock(SIX_PM))
    assert result.failed == 4
    for dest, (_error, sentence) in cases.items():
        delivery = outbox().get(ids[dest])
        assert delivery.status == "failed" and sentence in delivery.last_error, (dest, delivery.last_error)


def test_a_bot_cannot_write_to_saved_messages():
    signed_in()
    (row,) = queue(make_report(), ["me"])
    fake = FakeTelegram()
    drain(telegram_settings("me"), fake, FakeClock(SIX_PM))
    assert outbox().get(row).status == "failed" and "no Saved Messages" in outbox().get(row).last_error
    assert fake.sent == []


def test_revoked_session_fails_every_waiting_report_until_a_new_sign_in():
    signed_in()
    first = queue(make_report(), ["@owner_ramesh"])[0]
    second = queue(make_report(day=SIX_PM.date() - dt.timedelta(days=1)), ["@owner_ramesh"])[0]
    fake = FakeTelegram(send_script=[errors.AuthKeyUnregisteredError(request=None)])
    clock = FakeClock(SIX_PM)
    result = drain(telegram_settings(), fake, clock)
    assert result.failed == 2 and fake.calls.count("send_message") == 1
    for row in (first, second):
        assert outbox().get(row).status == "failed" and "telegram login" in outbox().get(row).last_error
    login_bot(123456, API_HASH, BOT_TOKEN, client_factory=fake, now=clock.now())
    assert drain(telegram_settings(), fake, clock).sent == 2


def test_session_no_longer_authorised_is_an_auth_failure_for_a_user_account():
    signed_in()
    (row,) = queue(make_report(), ["me"])
    fake = FakeTelegram(authorized=False)
    result = drain(telegram_settings("me", account="user"), fake, FakeClock(SIX_PM))
    assert result.failed == 1 and fake.sent == []
    assert "telegram login" in outbox().get(row).last_error


def test_a_bot_with_only_its_token_signs_in_and_keeps_the_session():
    from desktop_app.secrets import set_secret

    set_secret(Secret.TELEGRAM_API_ID, "123456")
    set_secret(Secret.TELEGRAM_API_HASH, API_HASH)
    set_secret(Secret.TELEGRAM_BOT_TOKEN, BOT_TOKEN)
    queue(make_report(), ["@owner_ramesh"])
    fake = FakeTelegram()
    assert drain(telegram_settings(), fake, FakeClock(SIX_PM)).sent == 1
    assert get_secret(Secret.TELEGRAM_SESSION) == fake.new_session


def test_not_signed_in_keeps_reports_waiting_and_says_why():
    (row,) = queue(make_report(), ["@owner_ramesh"])
    result = drain(telegram_settings(), FakeTelegram(), FakeClock(SIX_PM))
    assert result.retry_later == 1 and "telegram login" in result.messages[0]
    delivery = outbox().get(row)
    assert delivery.status == "pending" and "not set up" in delivery.last_error


def test_long_report_is_split_on_lines_and_escaped():
    signed_in()
    sources = {f"<Dealer {n:03d}> & Sons": 1 for n in range(6)}
    report = make_report(by_source=sources, warnings=[f"row {n}: <bad> & ugly" for n in range(500)])
    assert visible_length(report.html) > 2 * MAX_MESSAGE
    (row,) = queue(report, ["@owner_ramesh"])
    fake = FakeTelegram()
    drain(telegram_settings(), fake, FakeClock(SIX_PM))
    parts = [sent.text for sent in fake.sent]
    assert len(parts) >= 3 and outbox().get(row).message_ids == [sent.message_id for sent in fake.sent]
    assert all(visible_length(part) <= MAX_MESSAGE for part in parts)
    assert "\n".join(parts) == report.html  # cut only between lines, nothing lost or reordered
    plain = "\n".join(telegram_html.parse(part)[0] for part in parts)
    assert "<Dealer 000> & Sons" in plain and "row 499: <bad> & ugly" in plain
    assert "&lt;Dealer 000&gt; &amp; Sons" in report.html


def test_a_part_that_failed_resumes_without_resending_the_parts_before_it():
    signed_in()
    report = make_report(warnings=[f"warning number {n} " + "x" * 80 for n in range(120)])
    (row,) = queue(report, ["@owner_ramesh"])
    fake = FakeTelegram(send_script=[None, errors.ServerError(request=None, message="RPC_CALL_FAIL", code=500)])
    clock = FakeClock(SIX_PM)
    drain(telegram_settings(), fake, clock)
    first = outbox().get(row)
    assert first.status == "pending" and len(first.message_ids) == 1 and len(first.parts) >= 3
    clock.advance(3600)  # late now, but the parts were frozen when the first one went out
    drain(telegram_settings(), fake, clock)
    texts = [sent.text for sent in fake.sent]
    assert texts[0] == first.parts[0] and texts[1].endswith(first.parts[1]) and texts[2:] == first.parts[2:]
    assert len(texts) == len(first.parts) and outbox().get(row).status == "sent"


def test_another_sender_busy_means_this_one_returns_at_once():
    from filelock import FileLock

    signed_in()
    queue(make_report(), ["@owner_ramesh"])
    fake = FakeTelegram()
    with FileLock(paths().data / "outbox.lock"):
        result = drain(telegram_settings(), fake, FakeClock(SIX_PM))
    assert result.sent == 0 and "already sending" in result.messages[0] and fake.calls == []


def test_a_fixed_time_may_stand_in_for_the_clock():
    signed_in()
    (row,) = queue(make_report(), ["@owner_ramesh"], hold_until=SIX_PM + dt.timedelta(minutes=30), now=SIX_PM)
    fake = FakeTelegram()
    settings = telegram_settings()
    assert send_pending(settings, paths(), client_factory=fake, now=SIX_PM + dt.timedelta(minutes=29)).sent == 0
    assert send_pending(settings, paths(), client_factory=fake, now=SIX_PM + dt.timedelta(minutes=30)).sent == 1
    assert outbox().get(row).status == "sent" and len(fake.sent) == 1

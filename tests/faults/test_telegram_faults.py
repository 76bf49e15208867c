"""Telegram faults at the TelegramClient seam (Telethon's real error classes, see channels/fakes.py).

For every fault: `send_pending` returns (never raises), the report is never lost (it is sent, waits
with a retry time, or fails with a sentence the owner can act on), and once the fault is gone it
reaches the chat exactly once. The one exception is documented: the connection broke after
Telegram took the message, so the retry may arrive twice and is marked "possible duplicate".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from telethon import errors

from desktop_app.channels.telegram_auth import DAMAGED_SESSION, logout, telegram_status
from desktop_app.delivery import POSSIBLE_DUPLICATE_NOTE, send_pending
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, get_secret, set_secret
from tests.desktop_app.channels.fakes import FakeClock, FakeTelegram, Sent
from tests.desktop_app.outbox_helpers import SIX_PM, make_report, paths, queue, signed_in, telegram_settings

DESTINATION = "@owner_ramesh"


def rpc(kind: type[errors.RPCError], *args) -> errors.RPCError:
    return kind(request=None, message=args[0]) if args else kind(request=None)


@dataclass
class Fault:
    name: str
    connect: list[BaseException | None] = field(default_factory=list)
    send: list[BaseException | None] = field(default_factory=list)
    first: str = "pending"  # the delivery's state after the faulty drain
    owner_fixes: bool = False  # the owner acts (sign in again, press Start, retry) before it can go out
    ack_lost: bool = False  # Telegram took the message, then the connection broke: the documented duplicate
    flagged: bool = False  # the send itself broke: the retry is marked "possible duplicate" (it cannot be known)


FAULTS = [
    Fault("connect refused", connect=[ConnectionRefusedError(111, "Connection refused")]),
    Fault("connect timeout", connect=[TimeoutError("timed out")]),
    Fault("connect: network unreachable", connect=[OSError(101, "Network is unreachable")]),
    Fault("connect: Telegram server error", connect=[rpc(errors.ServerError, "RPC_CALL_FAIL")]),
    Fault("connect: session revoked", connect=[rpc(errors.AuthKeyUnregisteredError)], first="failed",
          owner_fixes=True),
    Fault("send: connection reset", send=[ConnectionResetError(104, "reset")], flagged=True),
    Fault("send: timeout", send=[TimeoutError("timed out")], flagged=True),
    Fault("send: short flood wait", send=[errors.FloodWaitError(request=None, capture=5)], first="sent"),
    Fault("send: long flood wait", send=[errors.FloodWaitError(request=None, capture=7200)]),
    Fault("send: slow mode", send=[errors.SlowModeWaitError(request=None, capture=9000)]),
    Fault("send: server error", send=[rpc(errors.ServerError, "INTERDC_CALL_ERROR")], flagged=True),
    Fault("send: session revoked", send=[rpc(errors.AuthKeyUnregisteredError)], first="failed", owner_fixes=True),
    Fault("send: bot blocked", send=[rpc(errors.UserIsBlockedError)], first="failed", owner_fixes=True),
    Fault("send: may not write", send=[rpc(errors.ChatWriteForbiddenError)], first="failed", owner_fixes=True),
    Fault("send: unknown chat", send=[rpc(errors.PeerIdInvalidError)], first="failed", owner_fixes=True),
    Fault("send: message too long", send=[rpc(errors.MessageTooLongError)], first="failed", owner_fixes=True),
    Fault("send: unexpected error", send=[RuntimeError("boom")], first="failed", owner_fixes=True),
    Fault("send: ack lost after Telegram took it", ack_lost=True, flagged=True),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_a_telegram_fault_never_loses_or_doubles_the_report(fault: Fault):
    signed_in()
    settings = telegram_settings(DESTINATION)
    (delivery_id,) = queue(make_report(), [DESTINATION])
    fake = FakeTelegram(connect_script=list(fault.connect), send_script=list(fault.send))
    if fault.ack_lost:
        def drop_the_ack(sent: Sent) -> None:
            fake.on_send = None
            raise ConnectionResetError(104, "reset after the message was taken")
        fake.on_send = drop_the_ack
    clock = FakeClock(SIX_PM + dt.timedelta(minutes=1))
    outbox = Outbox(paths().history_db)

    first = send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep)
    row = outbox.get(delivery_id)
    assert row.status == fault.first, row
    if row.status != "sent":
        assert row.last_error and "Traceback" not in row.last_error  # a sentence for the owner
        assert first.messages
    if fault.owner_fixes:
        signed_in()
        outbox.retry(delivery_id, now=clock.now())

    clock.advance(3 * 3600)  # long enough for every retry and flood wait
    send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep)
    send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep)  # nothing left to send
    row = outbox.get(delivery_id)
    assert row.status == "sent"
    if fault.ack_lost:
        assert len(fake.sent) == 2 and row.possible_duplicate
        assert POSSIBLE_DUPLICATE_NOTE in fake.sent[1].text
    else:
        assert len(fake.sent) == 1, [sent.text[:40] for sent in fake.sent]
    assert row.possible_duplicate == fault.flagged


def test_a_damaged_session_fails_the_waiting_report_with_a_sentence_not_a_crash():
    signed_in(session="1AAAA")  # base64, but not a session Telethon can read
    (delivery_id,) = queue(make_report(), [DESTINATION])
    from desktop_app.channels.telegram import default_client_factory  # the real factory: it parses the session

    clock = FakeClock(SIX_PM + dt.timedelta(minutes=1))
    result = send_pending(telegram_settings(DESTINATION), paths(), client_factory=default_client_factory,
                          now=clock.now, sleep=clock.sleep)
    row = Outbox(paths().history_db).get(delivery_id)
    assert row.status == "failed" and row.last_error == DAMAGED_SESSION and result.failed == 1


@pytest.mark.parametrize("session", ["garbage", "1AAAA", "1StoredSession"])
def test_a_damaged_session_does_not_block_status_or_logout(session, capsys):
    from desktop_app.cli import main
    from desktop_app.paths import app_paths

    signed_in(session=session)
    set_secret(Secret.TELEGRAM_BOT_TOKEN, "123456:AAE-token")
    app_paths().ensure().settings_file.write_text(
        f'[telegram]\nenabled = true\ndestinations = ["{DESTINATION}"]\n', encoding="utf-8")
    ok, text = telegram_status(telegram_settings(DESTINATION))  # the real client factory: no network is reached
    assert not ok and text == DAMAGED_SESSION
    assert main(["telegram", "status"]) == 3
    assert "session kept in the OS keyring is damaged" in capsys.readouterr().out
    assert main(["telegram", "logout"]) == 0
    out = capsys.readouterr().out
    assert "removed from this computer; the stored session was damaged" in out
    assert get_secret(Secret.TELEGRAM_SESSION) is None and get_secret(Secret.TELEGRAM_BOT_TOKEN) is None
    assert logout() == "signed out"  # nothing left: logging out again is fine

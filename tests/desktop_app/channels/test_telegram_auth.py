"""Sign-in, sign-out, status and test message through the scripted client; secrets never reach a file."""

from __future__ import annotations

import datetime as dt

import keyring
import pytest
from keyring.backends import fail
from telethon import errors

from desktop_app.channels.telegram_auth import (
    LoginError,
    finish_user_login,
    login_bot,
    logout,
    send_test_message,
    start_user_login,
    telegram_status,
)
from desktop_app.delivery import send_pending
from desktop_app.logs import setup_logging
from desktop_app.pipeline import run_report
from desktop_app.secrets import SERVICE, Secret, SecretStoreUnavailable, get_secret, set_secret
from desktop_app.settings import Settings

from ..outbox_helpers import API_HASH, BOT_TOKEN, paths, signed_in, telegram_settings
from .fakes import SESSION, FakeClock, FakeTelegram


def test_bot_login_keeps_everything_in_the_keyring(memory_keyring):
    fake = FakeTelegram(authorized=False)
    result = login_bot(123456, API_HASH, BOT_TOKEN, client_factory=fake)
    assert (result.account, result.name) == ("bot", "@shop_report_bot")
    assert memory_keyring.store == {
        (SERVICE, "telegram_api_id"): "123456", (SERVICE, "telegram_api_hash"): API_HASH,
        (SERVICE, "telegram_bot_token"): BOT_TOKEN, (SERVICE, "telegram_session"): SESSION,
    }
    assert fake.made == [("", 123456, API_HASH)] and fake.threads == {"telegram"}


def test_bad_bot_token_is_a_sentence():
    with pytest.raises(LoginError, match="BotFather"):
        login_bot(123456, API_HASH, "not-a-token", client_factory=FakeTelegram())
    assert get_secret(Secret.TELEGRAM_SESSION) is None


def test_no_keyring_offers_the_environment_variables_and_never_contacts_telegram():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        fake = FakeTelegram()
        with pytest.raises(SecretStoreUnavailable) as info:
            login_bot(123456, API_HASH, BOT_TOKEN, client_factory=fake)
        assert "BO_TELEGRAM_BOT_TOKEN" in str(info.value) and "never written to a plain file" in str(info.value)
        assert fake.calls == []
        ok, text = telegram_status(telegram_settings())
        assert not ok and "BO_TELEGRAM_API_ID" in text
    finally:
        keyring.set_keyring(previous)


def test_user_login_phone_code_then_two_step_password():
    fake = FakeTelegram(needs_password=True)
    set_secret(Secret.TELEGRAM_BOT_TOKEN, BOT_TOKEN)  # switching from a bot to a user forgets the token
    login = start_user_login(123456, API_HASH, "+919812345678", client_factory=fake)
    assert "send_code_request" in fake.calls
    with pytest.raises(LoginError, match="not right"):
        finish_user_login(login, "99999")
    with pytest.raises(LoginError, match="two-step"):
        finish_user_login(login, "12 345")
    with pytest.raises(LoginError, match="password is not right"):
        finish_user_login(login, "12345", "wrong")
    result = finish_user_login(login, "12345", "two-step")
    assert result.account == "user" and get_secret(Secret.TELEGRAM_SESSION) == SESSION
    assert get_secret(Secret.TELEGRAM_BOT_TOKEN) is None
    assert len(fake.loops) == 1 and fake.calls[-1] == "disconnect"


def test_logout_ends_the_session_and_forgets_it():
    signed_in()
    fake = FakeTelegram()
    assert logout(client_factory=fake) == "signed out"
    assert "log_out" in fake.calls and get_secret(Secret.TELEGRAM_SESSION) is None
    assert get_secret(Secret.TELEGRAM_API_HASH) == API_HASH
    logout(client_factory=fake, forget_app=True)
    assert get_secret(Secret.TELEGRAM_API_HASH) is None


def test_logout_offline_still_forgets_and_says_what_to_do():
    signed_in()
    note = logout(client_factory=FakeTelegram(connect_script=[ConnectionError("offline")]))
    assert "Devices" in note and get_secret(Secret.TELEGRAM_SESSION) is None


def test_status_checks_the_session_and_every_chat():
    assert telegram_status(Settings()) == (True, "off ([telegram] enabled = false)")
    ok, text = telegram_status(telegram_settings())
    assert not ok and "telegram login" in text
    signed_in()
    fake = FakeTelegram(entity_errors={"@gone": errors.UsernameNotOccupiedError(request=None)})
    ok, text = telegram_status(telegram_settings("@owner_ramesh", "@gone", "me"), client_factory=fake)
    assert not ok
    assert "signed in as @shop_report_bot" in text and "@owner_ramesh: reachable" in text
    assert "@gone: No Telegram chat is called @gone" in text and "me: A bot has no Saved Messages" in text
    ok, text = telegram_status(telegram_settings("@owner_ramesh"), client_factory=fake)
    assert ok, text
    ok, text = telegram_status(telegram_settings("me", account="user"), client_factory=FakeTelegram(authorized=False))
    assert not ok and "telegram login" in text


def test_test_message_goes_to_every_destination_outside_the_outbox():
    signed_in()
    fake = FakeTelegram(send_script=[None, errors.ChatWriteForbiddenError(request=None)])
    ok, text = send_test_message(telegram_settings("@owner_ramesh", "-1001234567890"), client_factory=fake)
    assert not ok and "@owner_ramesh: sent" in text and "may not post in -1001234567890" in text
    assert [sent.entity for sent in fake.sent] == ["@owner_ramesh"]


def test_no_secret_reaches_any_file_after_login_and_send(app_home, tmp_path):
    setup_logging(paths().logs)
    fake = FakeTelegram(authorized=False)
    login_bot(123456, API_HASH, BOT_TOKEN, client_factory=fake)
    sales = tmp_path / "sales.csv"
    day = dt.date(2026, 11, 24)  # fixed: the test must not depend on today
    sales.write_text(f"date,order_id,amount\n{day},1,1200\n", encoding="utf-8")
    from connectors.base import SourceSpec

    settings = telegram_settings("@owner_ramesh")
    run_report(settings, paths(), day, specs=[SourceSpec(name="sales.csv", domain="sales", path=str(sales))],
               offline=True, send=True)
    clock = FakeClock(dt.datetime.now(dt.UTC))
    fake.connect_script = [ConnectionError("offline")]
    assert send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep).retry_later == 1
    clock.advance(60)
    fake.send_script = [errors.FloodWaitError(request=None, capture=1)]
    assert send_pending(settings, paths(), client_factory=fake, now=clock.now, sleep=clock.sleep).sent == 1
    send_test_message(settings, client_factory=fake)
    telegram_status(settings, client_factory=fake)
    assert len(fake.sent) == 2
    files = [path for path in app_home.rglob("*") if path.is_file()]
    assert {"history.sqlite3", "app.log", "outbox.lock"} <= {path.name for path in files}
    assert "sent in 1 part(s)" in (paths().logs / "app.log").read_text(encoding="utf-8")
    for path in files:
        content = path.read_bytes()
        for secret in (API_HASH, BOT_TOKEN, SESSION, BOT_TOKEN.split(":")[1]):
            assert secret.encode() not in content, f"{secret[:6]}… found in {path}"

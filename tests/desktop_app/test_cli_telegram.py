"""CLI: generate sends unless --no-send; outbox; send-pending; telegram login/logout/status; doctor."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from telethon import errors

from desktop_app.channels import telegram_auth
from desktop_app.cli import main
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, get_secret
from desktop_app.settings import load_settings, save_settings

from .channels.fakes import SESSION, FakeTelegram
from .outbox_helpers import API_HASH, BOT_TOKEN, paths, signed_in

DAY = dt.date(2026, 11, 24)  # a Tuesday; never today, so the test holds at any hour in any time zone


@pytest.fixture
def fake(monkeypatch) -> FakeTelegram:
    """The CLI builds its clients with the default factory: replace it with the scripted one."""
    fake = FakeTelegram()
    monkeypatch.setattr("desktop_app.channels.telegram.default_client_factory",
                        lambda session, api_id, api_hash, **kwargs: fake(session, api_id, api_hash))
    monkeypatch.setattr(telegram_auth, "default_client_factory",
                        lambda session, api_id, api_hash, **kwargs: fake(session, api_id, api_hash))
    return fake


@pytest.fixture
def configured(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text(f"date,order_id,amount\n{DAY},1,1200\n", encoding="utf-8")
    settings = load_settings(paths().settings_file)
    settings.telegram.enabled, settings.telegram.destinations = True, ["@owner_ramesh"]
    save_settings(settings, paths().settings_file)
    return sales


def test_generate_no_send_queues_nothing(configured, fake, capsys):
    assert main(["generate", "--date", DAY.isoformat(), "--source", f"sales={configured}", "--offline", "--no-send",
                 "--json"]) in (0, 3)
    json.loads(capsys.readouterr().out)
    assert Outbox(paths().history_db).deliveries() == [] and fake.calls == []


def test_generate_sends_and_keeps_stdout_pure_json(configured, fake, capsys):
    signed_in()
    main(["generate", "--date", DAY.isoformat(), "--source", f"sales={configured}", "--offline", "--json"])
    out, err = capsys.readouterr()
    assert json.loads(out)["date"] == DAY.isoformat()
    assert "Telegram: 1 sent, 0 failed" in err
    assert [sent.entity for sent in fake.sent] == ["@owner_ramesh"]
    assert Outbox(paths().history_db).deliveries()[0].status == "sent"


def test_outbox_lists_and_send_pending_drains(configured, fake, capsys):
    fake.connect_script = [ConnectionError("offline")]
    signed_in()
    main(["generate", "--date", DAY.isoformat(), "--source", f"sales={configured}", "--offline"])
    err = capsys.readouterr().err
    assert "1 to retry later" in err and "could not reach Telegram" in err
    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "@owner_ramesh" in out and "pending" in out and "1 waiting, 0 failed" in out
    assert main(["send-pending"]) == 0  # not due yet: nothing to do is not a failure
    assert fake.sent == []
    row = Outbox(paths().history_db).deliveries()[0]
    fake.send_script = [errors.UserIsBlockedError(request=None)]
    with Outbox(paths().history_db)._write() as conn:  # make it due now: the backoff has "passed"
        conn.execute("UPDATE deliveries SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
    capsys.readouterr()
    assert main(["send-pending"]) == 3
    assert "press Start" in capsys.readouterr().err
    assert main(["outbox", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["status"] == "failed" and "press Start" in listed["last_error"]
    assert main(["outbox", "--retry", str(row.id)]) == 0
    assert main(["send-pending"]) == 0 and len(fake.sent) == 1
    assert main(["outbox", "--skip", str(row.id)]) == 2
    assert "cannot be skipped" in capsys.readouterr().err


def test_telegram_login_bot_then_status_then_logout(fake, monkeypatch, capsys):
    fake.authorized = False
    answers = iter(["123456"])
    secrets = iter([API_HASH, BOT_TOKEN])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert main(["telegram", "login", "--destination", "@owner_ramesh"]) == 0
    assert "Signed in to Telegram as @shop_report_bot (bot)" in capsys.readouterr().out
    assert get_secret(Secret.TELEGRAM_SESSION) == SESSION
    settings = load_settings(paths().settings_file)
    assert settings.telegram.enabled and settings.telegram.destinations == ["@owner_ramesh"]
    text = paths().settings_file.read_text(encoding="utf-8")
    assert API_HASH not in text and BOT_TOKEN not in text and SESSION not in text
    assert main(["telegram", "status"]) == 0
    assert "@owner_ramesh: reachable" in capsys.readouterr().out
    assert main(["doctor"]) == 3  # no sources configured; Telegram is checked all the same
    assert "telegram:  ok — signed in as @shop_report_bot" in capsys.readouterr().out
    assert main(["telegram", "logout"]) == 0
    assert get_secret(Secret.TELEGRAM_SESSION) is None and get_secret(Secret.TELEGRAM_BOT_TOKEN) is None


def test_telegram_user_login_with_two_step_password(fake, monkeypatch, capsys):
    fake.needs_password = True
    answers = iter(["123456", "+919812345678", "12345"])
    secrets = iter([API_HASH, "two-step"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert main(["telegram", "login", "--user"]) == 0
    settings = load_settings(paths().settings_file)
    assert settings.telegram.account == "user" and settings.telegram.destinations == ["me"]

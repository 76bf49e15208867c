"""The tray on the owner's own sources with Telegram: the missed-run catch-up, sending, preview and approve,
and the delivery-failed state. Telethon's client is replaced by the scripted fake (the one seam this
machine cannot reach); everything else is real: files, SQLite, outbox, sender, keyring calls."""

from __future__ import annotations

import datetime as dt

import pytest
from telethon import errors

from desktop_app.demo import demo_specs, prepare_demo
from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.settings import Settings, save_settings
from desktop_app.ui.app import TrayApp
from desktop_app.ui.jobs import today

from ..channels.fakes import FakeTelegram
from ..outbox_helpers import make_report, signed_in
from .conftest import GENERATION_TIMEOUT_MS


@pytest.fixture
def own_shop(paths):
    """Settings with real export files (the demo's, as the owner's sources), Telegram on and signed in."""
    settings = Settings()
    # open every day: the catch-up makes today's report, and a closed day's message has no Sales line
    settings.business.open_weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    day = today(settings)
    prepare_demo(paths, settings, day)
    settings.sources = demo_specs(paths.demo_workspace)
    settings.telegram.enabled = True
    settings.telegram.destinations = ["@owner_ramesh"]
    settings.schedule.mode = "interval"
    settings.schedule.interval_minutes = 60
    save_settings(settings, paths.settings_file)
    signed_in()
    return settings


def start(qtbot, paths, fake: FakeTelegram) -> TrayApp:
    app = TrayApp(paths, use_tray=True, telegram_client_factory=fake)
    with qtbot.waitSignal(app.ready, timeout=30_000):
        app.start()
    return app


def last_run_hours_ago(paths, hours: int) -> None:
    """A report made `hours` ago: what the app finds in history when it starts after being closed."""
    made = dt.datetime.now().astimezone() - dt.timedelta(hours=hours)
    HistoryStore(paths.history_db).save(make_report(made.date() - dt.timedelta(days=1), generated_at=made))


@pytest.fixture
def cleanup():
    apps: list[TrayApp] = []
    yield apps.append
    for app in apps:
        app.shutdown()
        app.summary.hide_on_close = False
        app.summary.close()
        app.summary.deleteLater()
        app.deleteLater()


def test_missed_run_is_made_up_once_at_start_and_sent(qtbot, paths, own_shop, cleanup):
    last_run_hours_ago(paths, 3)
    fake = FakeTelegram()
    app = TrayApp(paths, use_tray=True, telegram_client_factory=fake)
    cleanup(app)
    with qtbot.waitSignal(app.delivered, timeout=GENERATION_TIMEOUT_MS) as delivered:
        app.start()
    assert delivered.args[0].sent == 1
    assert len(fake.sent) == 1 and "Shree Ganesh" not in fake.sent[0].text  # the owner's name, not the demo's
    assert "Sales" in fake.sent[0].text
    assert app.tray.state == "normal"
    assert app.scheduler.catch_up() is None  # made up once
    assert Outbox(paths.history_db).pending_count() == 0


def test_preview_waits_for_approval_then_sends(qtbot, paths, own_shop, cleanup):
    own_shop.schedule.send = "preview"
    own_shop.schedule.preview_minutes = 30
    save_settings(own_shop, paths.settings_file)
    last_run_hours_ago(paths, 3)
    fake = FakeTelegram()
    app = TrayApp(paths, use_tray=True, telegram_client_factory=fake)
    cleanup(app)
    with qtbot.waitSignal(app.report_ready, timeout=GENERATION_TIMEOUT_MS):
        app.start()
    qtbot.waitUntil(lambda: app.outbox is not None and len(app.outbox.held) == 1, timeout=10_000)
    assert fake.sent == []
    assert app.summary.pending_bar.isVisibleTo(app.summary)
    assert "Ready to send" in app.summary.pending_label.text() and "@owner_ramesh" in app.summary.pending_label.text()
    assert app.tray.actions["send_pending"].text() == "Send pending (1)"
    with qtbot.waitSignal(app.delivered, timeout=30_000) as delivered:
        app.summary.pending_send.click()
    assert delivered.args[0].sent == 1 and len(fake.sent) == 1
    qtbot.waitUntil(lambda: not app.summary.pending_bar.isVisibleTo(app.summary), timeout=10_000)


def test_skip_a_held_report(qtbot, paths, own_shop, cleanup):
    own_shop.schedule.send = "preview"
    save_settings(own_shop, paths.settings_file)
    last_run_hours_ago(paths, 3)
    fake = FakeTelegram()
    app = TrayApp(paths, use_tray=True, telegram_client_factory=fake)
    cleanup(app)
    with qtbot.waitSignal(app.report_ready, timeout=GENERATION_TIMEOUT_MS):
        app.start()
    qtbot.waitUntil(lambda: app.outbox is not None and len(app.outbox.held) == 1, timeout=10_000)
    with qtbot.waitSignal(app.outbox_refreshed, timeout=10_000,
                          check_params_cb=lambda state: state.pending == 0):
        app.summary.pending_skip.click()
    assert fake.sent == []
    assert [d.status for d in Outbox(paths.history_db).deliveries()] == ["skipped"]


def test_send_to_telegram_button_and_the_failed_state(qtbot, paths, own_shop, cleanup):
    fake = FakeTelegram(send_script=[errors.ChatWriteForbiddenError(request=None)])
    app = start(qtbot, paths, fake)
    cleanup(app)
    assert not app.workspace.demo
    with qtbot.waitSignal(app.report_ready, timeout=GENERATION_TIMEOUT_MS):
        app.generate_now()
    assert fake.sent == []  # a report the owner asked for is not sent until they press Send
    assert app.summary.send_button.isEnabled()
    with qtbot.waitSignal(app.delivered, timeout=30_000) as delivered:
        app.summary.send_button.click()
    assert delivered.args[0].failed == 1
    assert app.tray.state == "failed"
    assert "Delivery failed" in app.tray.icon.toolTip()
    assert "Telegram:" in app.summary.error_label.text()
    fake.send_script.clear()
    with qtbot.waitSignal(app.delivered, timeout=30_000) as delivered:
        app.summary.send_button.click()
    assert delivered.args[0].sent == 1
    assert app.tray.state == "normal"


def test_telegram_tab_signs_a_bot_in_and_sends_a_test_message(qtbot, paths, memory_keyring):
    from desktop_app.secrets import SERVICE, Secret
    from desktop_app.ui.settings_dialog import SettingsDialog

    fake = FakeTelegram(authorized=False)
    dialog = SettingsDialog(Settings(), paths, telegram_client_factory=fake)
    qtbot.addWidget(dialog)
    tab = dialog.telegram
    tab.form.editors["enabled"].setChecked(True)
    tab.form.editors["destinations"].edit.setPlainText("@owner_ramesh")
    tab.secrets[Secret.TELEGRAM_API_ID].edit.setText("123456")
    tab.secrets[Secret.TELEGRAM_API_HASH].edit.setText("0123456789abcdef0123456789abcdef")
    tab.secrets[Secret.TELEGRAM_BOT_TOKEN].edit.setText("123456:AAE-token")
    with qtbot.waitSignal(tab.status_changed, timeout=10_000) as signed:
        tab.sign_in_button.click()
    assert signed.args == [True, "Signed in as @shop_report_bot"]
    assert memory_keyring.store[(SERVICE, Secret.TELEGRAM_SESSION.value)]  # the session went to the keyring
    with qtbot.waitSignal(tab.status_changed, timeout=10_000) as tested:
        tab.test_button.click()
    assert tested.args == [True, "@owner_ramesh: sent"]
    assert len(fake.sent) == 1 and "can post here" in fake.sent[0].text

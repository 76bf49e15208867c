"""The Channels tab (add, test off the GUI thread, remove; secrets to the keyring), and what the owner sees when
one channel fails: the summary window's per-channel states with the text as delivered, and the tray's note."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from telethon import errors

from desktop_app.secrets import SERVICE, Secret
from desktop_app.settings import Settings, load_settings, save_settings
from desktop_app.ui.settings_dialog import SettingsDialog

from ..channels.servers import HttpServer
from .conftest import GENERATION_TIMEOUT_MS
from .test_tray_telegram import FakeTelegram, own_shop, start  # noqa: F401 (own_shop is a fixture)

HOOK = "/services/T0123ABCD/B0456EFGH/xXyYzZsecretwebhooktoken"


@pytest.fixture
def dialog_for(qtbot, paths):
    made = []

    def make(settings: Settings) -> SettingsDialog:
        save_settings(settings, paths.settings_file)
        window = SettingsDialog(load_settings(paths.settings_file), paths)
        qtbot.addWidget(window)
        window.show()
        fields = list(window.channels.secrets.values())
        qtbot.waitUntil(lambda: all("Checking" not in f.status.text() for f in fields), timeout=5000)
        made.append(window)
        return window

    return make


def test_add_slack_type_the_webhook_test_it_and_save(qtbot, paths, memory_keyring, dialog_for):
    dialog = dialog_for(Settings())
    tab = dialog.channels
    assert tab.in_use() == [] and dialog.tabs.tabText(dialog.tabs.indexOf(tab)).replace("&", "") == "Channels"
    assert tab.stack.currentWidget() is tab.empty and "Add channel" in tab.empty.text()
    tab.add("slack")
    page = tab.page("slack")
    assert tab.in_use() == ["slack"] and page.form.editors["enabled"].value()
    page.form.editors["channel_label"].setText("#daily-numbers")
    with HttpServer([(200, {}, "ok")]) as server:
        page.secrets[Secret.SLACK_WEBHOOK_URL].edit.setText(server.url + HOOK)
        with qtbot.waitSignal(page.status_changed, timeout=10_000) as status:
            page.test_button.click()
            assert not page.test_button.isEnabled()  # the test runs on a worker; the dialog stays responsive
    assert status.args == [True, "Slack: test message posted to #daily-numbers"]
    assert len(server.requests) == 1
    assert memory_keyring.store[(SERVICE, Secret.SLACK_WEBHOOK_URL.value)] == server.url + HOOK
    with qtbot.waitSignal(dialog.secrets_saved, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    saved = load_settings(paths.settings_file)
    assert saved.slack.enabled and saved.slack.channel_label == "#daily-numbers"
    assert "secretwebhooktoken" not in paths.settings_file.read_text(encoding="utf-8")


def test_a_failing_test_says_why_in_the_tab(qtbot, dialog_for):
    dialog = dialog_for(Settings())
    dialog.channels.add("email")
    page = dialog.channels.page("email")
    with qtbot.waitSignal(page.status_changed, timeout=10_000) as status:
        page.test_button.click()
    ok, text = status.args
    assert not ok and "no mail server is set" in text


def test_a_bad_address_keeps_the_dialog_open_on_the_email_page(qtbot, paths, dialog_for):
    dialog = dialog_for(Settings())
    dialog.tabs.setCurrentWidget(dialog.business)
    dialog.channels.add("email")
    dialog.channels.add("slack")
    dialog.channels.page("email").form.editors["recipients"].edit.setPlainText("owner@example.com\nnot-an-address")
    dialog.accept()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is dialog.channels
    assert dialog.channels.list.currentItem().text() == "Email"
    assert "'not-an-address' is not an email address" in dialog.error.text()


def test_remove_email_forgets_its_password_on_ok(qtbot, paths, memory_keyring, dialog_for):
    memory_keyring.store[(SERVICE, Secret.EMAIL_PASSWORD.value)] = "app-password"
    settings = Settings()
    settings.email.enabled, settings.email.recipients = True, ["owner@example.com"]
    settings.email.smtp_host, settings.email.username = "smtp.gmail.com", "owner@example.com"
    dialog = dialog_for(settings)
    tab = dialog.channels
    assert tab.in_use() == ["email"]
    tab.select("email")
    tab.remove_button.click()
    assert tab.in_use() == [] and tab.stack.currentWidget() is tab.empty
    with qtbot.waitSignal(dialog.secrets_saved, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not load_settings(paths.settings_file).email.enabled
    assert (SERVICE, Secret.EMAIL_PASSWORD.value) not in memory_keyring.store


def test_when_telegram_is_signed_out_slack_carries_the_note_and_the_tray_keeps_showing_it(
        qtbot, paths, own_shop, memory_keyring):  # noqa: F811
    with HttpServer([(200, {}, "ok")]) as server:
        settings = own_shop
        settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
        save_settings(settings, paths.settings_file)
        memory_keyring.store[(SERVICE, Secret.SLACK_WEBHOOK_URL.value)] = server.url + HOOK
        fake = FakeTelegram(send_script=[errors.AuthKeyUnregisteredError(request=None)])
        app = start(qtbot, paths, fake)
        try:
            with qtbot.waitSignal(app.report_ready, timeout=GENERATION_TIMEOUT_MS):
                app.generate_now()
            with qtbot.waitSignal(app.view_loaded, timeout=30_000), \
                    qtbot.waitSignal(app.delivered, timeout=30_000) as delivered:
                app.summary.send_button.click()
            result = delivered.args[0]
            assert result.channels["telegram"].failed == 1 and result.channels["slack"].sent == 1
            body = server.requests[0].body.decode()
            assert "Telegram could not deliver: signed out — sign in again" in body
            qtbot.waitUntil(lambda: "Telegram could not deliver" in app.tray.icon.toolTip(), timeout=10_000)
            assert app.tray.state == "failed"
            lines = app.summary.delivery_label.text()
            assert "<b>Telegram</b> → @owner_ramesh" in lines and "failed" in lines
            assert "<b>Slack</b> → #daily-numbers" in lines and "sent" in lines
            slack = next(d for d in app.summary.deliveries if d.channel == "slack")
            app.summary.delivery_label.linkActivated.emit(f"delivery:{slack.id}")
            shown = app.summary.delivered_dialog.findChild(QPlainTextEdit).toPlainText()
            assert shown.startswith("Daily Business Summary") and "*Sales*" in shown
            assert "Telegram could not deliver" in shown  # exactly what Slack got
            app.refresh_outbox()  # a later refresh still shows it: only a fix clears it
            with qtbot.waitSignal(app.outbox_refreshed, timeout=10_000):
                pass
            assert "Telegram could not deliver" in app.tray.icon.toolTip()
        finally:
            app.shutdown()
            app.summary.hide_on_close = False
            app.summary.close()
            app.summary.deleteLater()
            app.deleteLater()

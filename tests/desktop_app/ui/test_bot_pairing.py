"""Pairing from the settings dialog: the code shown on the Telegram page, sent to the bot, lets that chat in,
and the dialog's list (saved on OK) keeps it."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from desktop_app.bot.commands import PAIRING_FILE, Bot
from desktop_app.settings import Settings, load_settings, save_settings
from desktop_app.ui.settings_dialog import SettingsDialog

OWNER, PARTNER, STRANGER = 111, 4242, 999


def test_the_code_in_the_dialog_pairs_the_chat_that_sends_it(qtbot, paths):
    settings = Settings()
    settings.bot.enabled, settings.bot.allowed_chats = True, [OWNER]
    save_settings(settings, paths.settings_file)
    dialog = SettingsDialog(settings, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_tab("telegram")
    pairing = dialog.telegram.bot
    assert pairing.form.editors["allowed_chats"].value() == [OWNER]
    qtbot.mouseClick(pairing.pair_button, Qt.MouseButton.LeftButton)
    code = pairing.code_label.text()
    assert re.fullmatch(r"\d{6}", code) and (paths.data / PAIRING_FILE).exists()

    bot = Bot(load_settings(paths.settings_file), paths, offline=True)  # the bot process, as it reads the file
    assert bot.handle(STRANGER, "123") is None and bot.handle(STRANGER, "/today") is None
    assert bot.handle(PARTNER, code).startswith("Paired")
    assert bot.handle(STRANGER, code) is None  # one time only

    qtbot.waitUntil(lambda: "Paired" in pairing.status.text(), timeout=5_000)
    assert pairing.status.text() == f"✓ Paired: chat {PARTNER} now gets answers."
    assert pairing.code_label.text() == ""
    assert pairing.form.editors["allowed_chats"].value() == [OWNER, PARTNER]
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.accept()
    assert load_settings(paths.settings_file).bot.allowed_chats == [OWNER, PARTNER]  # OK kept the paired chat


def test_an_expired_code_is_said_and_a_wrong_chat_id_is_named_on_ok(qtbot, paths):
    import json

    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)
    dialog.show()
    pairing = dialog.telegram.bot
    pairing.show_code()
    file = paths.data / PAIRING_FILE
    file.write_text(json.dumps({"code": pairing.code, "expires": 0}), encoding="utf-8")
    qtbot.waitUntil(lambda: "expired" in pairing.status.text(), timeout=5_000)
    pairing.form.editors["allowed_chats"].edit.setPlainText("111\n@someone")
    dialog.accept()
    assert dialog.error.isVisible() and "Chats answered (Channels tab)" in dialog.error.text()

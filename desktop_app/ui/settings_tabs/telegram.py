"""Telegram tab: where the report goes, the credentials (kept in the OS keyring), sign-in and a test message.

Every Telegram call runs on a worker; a user-account sign-in asks for the phone, the code and (if the
account has one) the two-step password in small dialogs between those calls.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...paths import AppPaths
from ...secrets import Secret
from ...settings import Settings, TelegramSettings
from .. import jobs
from ..plain_words import plain_error
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, FieldForm, LinesEditor, muted_label
from ..worker import run_in_background
from .bot_pairing import BotPairing

ACCOUNTS = [("bot", "A bot (token from @BotFather)"), ("user", "My own Telegram account")]


class TelegramTab(QWidget):
    title = "Telegram"
    sections = ("telegram", "bot")
    status_changed = Signal(bool, str)  # after a sign-in, a test message or a check

    def __init__(self, parent: QWidget | None = None, *, history_db: Path | None = None, client_factory=None,
                 current_settings: Callable[[], Settings | None] = lambda: None, paths: AppPaths | None = None):
        super().__init__(parent)
        self.history_db = history_db
        self.client_factory = client_factory
        self.current_settings = current_settings  # the dialog's values as they are now (validated)
        self._login = None
        layout = QVBoxLayout(self)
        self.form = FieldForm(
            TelegramSettings, ["enabled", "account", "destinations"],
            labels={"enabled": "Send reports", "account": "Send as", "destinations": "Send to"},
            quiet=("account",),
            editors={"account": ChoiceEditor(ACCOUNTS),
                     "destinations": LinesEditor("One per line: me, @username or a chat id such as -1001234567890")},
        )
        layout.addWidget(self.form)
        self.form.add_heading("Credentials (kept in the OS keyring, never in settings.toml)")
        self.secrets = {
            Secret.TELEGRAM_API_ID: SecretField(Secret.TELEGRAM_API_ID, "from my.telegram.org → API development tools"),
            Secret.TELEGRAM_API_HASH: SecretField(Secret.TELEGRAM_API_HASH, "from my.telegram.org"),
            Secret.TELEGRAM_BOT_TOKEN: SecretField(Secret.TELEGRAM_BOT_TOKEN, "123456:ABC… from @BotFather"),
        }
        self.form.form_layout.addRow("API ID", self.secrets[Secret.TELEGRAM_API_ID])
        self.form.form_layout.addRow("API hash", self.secrets[Secret.TELEGRAM_API_HASH])
        self.form.form_layout.addRow("Bot token", self.secrets[Secret.TELEGRAM_BOT_TOKEN])
        actions = QHBoxLayout()
        self.sign_in_button = QPushButton("Sign in…")
        self.test_button = QPushButton("Send test message")
        self.status = QLabel()
        self.status.setWordWrap(True)
        actions.addWidget(self.sign_in_button)
        actions.addWidget(self.test_button)
        actions.addWidget(self.status, 1)
        layout.addLayout(actions)
        layout.addWidget(muted_label("A bot can only write to you after you press Start in its chat."))
        self.bot = BotPairing(paths)
        layout.addWidget(self.bot)
        layout.addStretch(1)
        self.form.editors["account"].currentIndexChanged.connect(self._account_changed)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.test_button.clicked.connect(self.send_test)

    def _account_changed(self) -> None:
        self.secrets[Secret.TELEGRAM_BOT_TOKEN].setEnabled(self.form.editors["account"].value() == "bot")

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.telegram)
        self._account_changed()
        self.bot.load(settings)

    def apply(self, data: dict[str, Any]) -> None:
        data["telegram"].update(self.form.values())
        self.bot.apply(data)

    # -- sign-in, test, status -------------------------------------------------------------------------

    def _typed(self, secret: Secret) -> str | None:
        change = self.secrets[secret].change()
        return change if isinstance(change, str) else None

    def _show(self, ok: bool, text: str) -> None:
        color = "#2E7D32" if ok else "#C62828"
        self.status.setText(f"<span style='color:{color}'>{'✓' if ok else '✗'}</span> {escape(plain_error(text))}")
        self.sign_in_button.setEnabled(True)
        self.test_button.setEnabled(True)
        self.status_changed.emit(ok, text)

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.sign_in_button.setEnabled(False)
        self.test_button.setEnabled(False)

    def _run(self, name: str, fn, *args, on_success=None) -> None:
        run_in_background(name, fn, *args, parent=self,
                          on_success=on_success or (lambda text: self._show(True, text)),
                          on_failure=lambda exc: self._show(False, str(exc)))

    def sign_in(self) -> None:
        api_id, api_hash = self._typed(Secret.TELEGRAM_API_ID), self._typed(Secret.TELEGRAM_API_HASH)
        if self.form.editors["account"].value() == "bot":
            self._busy("Signing the bot in…")
            self._run("telegram sign-in", jobs.telegram_sign_in_bot, api_id, api_hash,
                      self._typed(Secret.TELEGRAM_BOT_TOKEN), self.history_db, self.client_factory)
            return
        phone, ok = QInputDialog.getText(self, "Sign in to Telegram", "Your phone number, with country code:",
                                         QLineEdit.EchoMode.Normal, "+91")
        if ok and phone.strip():
            self._busy("Asking Telegram for a login code…")
            self._run("telegram code", jobs.telegram_start_user, api_id, api_hash, phone.strip(), self.history_db,
                      self.client_factory, on_success=self._ask_code)

    def _ask_code(self, login) -> None:
        self._login = login
        code, ok = QInputDialog.getText(self, "Sign in to Telegram", "The code Telegram just sent you:")
        if not ok or not code.strip():
            self._show(False, "sign-in cancelled")
            return
        password = None
        if login.needs_password:
            password, ok = QInputDialog.getText(self, "Sign in to Telegram", "Your two-step verification password:",
                                                QLineEdit.EchoMode.Password)
        self._busy("Signing in…")
        self._run("telegram sign-in", jobs.telegram_finish_user, login, code.strip(), password or None)

    def send_test(self) -> None:
        settings = self.current_settings()
        if settings is None:
            self._show(False, "fix the settings marked below first")
            return
        self._busy("Sending a test message…")
        self._run("telegram test", jobs.telegram_test, settings, self.client_factory,
                  on_success=lambda result: self._show(*result))

    def secret_changes(self) -> dict[Secret, str | None]:
        return {secret: change for secret, field in self.secrets.items() if (change := field.change()) is not KEEP}

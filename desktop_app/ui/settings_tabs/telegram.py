"""Telegram tab: where the report goes, and the credentials (kept in the OS keyring)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...secrets import Secret
from ...settings import Settings, TelegramSettings
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, FieldForm, LinesEditor, muted_label

ACCOUNTS = [("bot", "A bot (token from @BotFather)"), ("user", "My own Telegram account")]


class TelegramTab(QWidget):
    title = "Telegram"
    sections = ("telegram",)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
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
        layout.addStretch(1)
        self.form.editors["account"].currentIndexChanged.connect(self._account_changed)

    def _account_changed(self) -> None:
        self.secrets[Secret.TELEGRAM_BOT_TOKEN].setEnabled(self.form.editors["account"].value() == "bot")

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.telegram)
        self._account_changed()

    def apply(self, data: dict[str, Any]) -> None:
        data["telegram"].update(self.form.values())

    def secret_changes(self) -> dict[Secret, str | None]:
        return {secret: change for secret, field in self.secrets.items() if (change := field.change()) is not KEEP}

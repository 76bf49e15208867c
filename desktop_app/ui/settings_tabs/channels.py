"""Channels tab: where the report goes. Telegram, email, Slack and WhatsApp, each added, tested and removed here.

The list on the left shows the channels in use; "Add channel" puts one in use (its page opens with
"Send reports" ticked), "Remove" takes it out of use and forgets its secret when OK is pressed.
Every Test button sends a short message off the GUI thread, after storing what was typed in its
secret field in the OS keyring (the test needs it; it never goes to settings.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...paths import AppPaths
from ...secrets import Secret
from ...settings import EmailSettings, Settings, SlackSettings, WhatsAppSettings
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, FieldForm, LinesEditor, muted_label
from ..worker import run_in_background
from .telegram import TelegramTab

LABELS = {"telegram": "Telegram", "email": "Email", "slack": "Slack", "whatsapp": "WhatsApp"}


def channel_test(ctx, name: str, settings: Settings, typed: dict) -> tuple[bool, str]:
    """Worker: store the secrets typed for this channel, then send its test message."""
    from ...channels.registry import send_test
    from ...secrets import set_secret

    for secret, value in typed.items():
        set_secret(secret, value)
    return send_test(name, settings)


class ChannelPage(QWidget):
    """One channel other than Telegram: its settings from the one declaration, its secret, a Test button."""

    status_changed = Signal(bool, str)

    def __init__(self, name: str, model, fields: list[str], labels: dict[str, str], editors: dict[str, QWidget],
                 secrets: dict[Secret, tuple[str, str]], help_text: str,
                 current_settings: Callable[[], Settings | None]):
        super().__init__()
        self.name, self.current_settings = name, current_settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = FieldForm(model, fields, labels=labels, editors=editors)
        layout.addWidget(self.form)
        self.secrets: dict[Secret, SecretField] = {}
        if secrets:
            self.form.add_heading("Kept in the OS keyring, never in settings.toml")
        for secret, (label, placeholder) in secrets.items():
            field = SecretField(secret, placeholder)
            self.secrets[secret] = field
            self.form.form_layout.addRow(label, field)
        actions = QHBoxLayout()
        self.test_button = QPushButton("Send test message")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions.addWidget(self.test_button)
        actions.addWidget(self.status, 1)
        layout.addLayout(actions)
        layout.addWidget(muted_label(help_text))
        layout.addStretch(1)
        self.test_button.clicked.connect(self.send_test)

    def load(self, settings: Settings) -> None:
        self.form.set_model(getattr(settings, self.name))

    def apply(self, data: dict[str, Any]) -> None:
        data[self.name].update(self.form.values())

    def set_enabled(self, on: bool) -> None:
        self.form.editors["enabled"].setChecked(on)

    def in_use(self) -> bool:
        return bool(self.form.editors["enabled"].value())

    def typed_secrets(self) -> dict[Secret, str]:
        return {secret: change for secret, field in self.secrets.items()
                if isinstance(change := field.change(), str)}

    def secret_changes(self) -> dict[Secret, str | None]:
        return {secret: change for secret, field in self.secrets.items() if (change := field.change()) is not KEEP}

    def forget_secrets(self) -> None:
        for field in self.secrets.values():
            field._ask_remove()

    def _show(self, ok: bool, text: str) -> None:
        color = "#2E7D32" if ok else "#C62828"
        self.status.setText(f"<span style='color:{color}'>{'✓' if ok else '✗'}</span> {text}")
        self.test_button.setEnabled(True)
        self.status_changed.emit(ok, text)

    def send_test(self) -> None:
        settings = self.current_settings()
        if settings is None:
            self._show(False, "fix the settings marked below first")
            return
        self.test_button.setEnabled(False)
        self.status.setText("Sending a test message…")
        typed = self.typed_secrets()
        for secret in typed:
            self.secrets[secret].set_status("stored")
        run_in_background(f"{self.name} test", channel_test, self.name, settings, typed, parent=self,
                          on_success=lambda result: self._show(*result),
                          on_failure=lambda exc: self._show(False, str(exc)))


def email_page(current_settings) -> ChannelPage:
    return ChannelPage(
        "email", EmailSettings,
        ["enabled", "recipients", "smtp_host", "smtp_port", "security", "username", "sender", "attach_xlsx"],
        {"enabled": "Send reports", "recipients": "Send to", "smtp_host": "SMTP server", "smtp_port": "Port",
         "attach_xlsx": "Attach .xlsx", "sender": "From"},
        {"recipients": LinesEditor("One address per line"),
         "security": ChoiceEditor([("starttls", "STARTTLS (port 587)"), ("tls", "TLS from the start (port 465)")])},
        {Secret.EMAIL_PASSWORD: ("Password", "your mail password, or an app password")},
        "Gmail and Outlook need an app password (made in your account's security settings), not your normal "
        "password. The email carries the KPI table, the insights and the warnings, and the same text as Telegram.",
        current_settings)


def slack_page(current_settings) -> ChannelPage:
    return ChannelPage(
        "slack", SlackSettings, ["enabled", "channel_label"],
        {"enabled": "Send reports", "channel_label": "Channel"}, {},
        {Secret.SLACK_WEBHOOK_URL: ("Webhook URL", "https://hooks.slack.com/services/…")},
        "In Slack: Apps → Incoming Webhooks → Add to Slack, pick the channel, copy the webhook URL here. "
        "Anyone with the URL can post to the channel, so it is kept in the keyring.",
        current_settings)


def whatsapp_page(current_settings) -> ChannelPage:
    return ChannelPage(
        "whatsapp", WhatsAppSettings,
        ["enabled", "recipients", "phone_number_id", "template_name", "template_language", "full_report"],
        {"enabled": "Send reports", "recipients": "Send to", "phone_number_id": "Phone number ID",
         "template_name": "Template", "template_language": "Template language", "full_report": "Full report"},
        {"recipients": LinesEditor("One number per line, with country code: +919812345678")},
        {Secret.WHATSAPP_TOKEN: ("Access token", "a permanent System User token from Meta Business Settings")},
        "WhatsApp needs a one-time setup at Meta (a business number and an approved template): the README's "
        "WhatsApp section has the template text to submit.",
        current_settings)


class ChannelsTab(QWidget):
    title = "Channels"
    sections = ("telegram", "bot", "email", "slack", "whatsapp")

    def __init__(self, parent: QWidget | None = None, *, history_db: Path | None = None, client_factory=None,
                 current_settings: Callable[[], Settings | None] = lambda: None, paths: AppPaths | None = None):
        super().__init__(parent)
        self.telegram = TelegramTab(history_db=history_db, client_factory=client_factory,
                                    current_settings=current_settings, paths=paths)
        self.pages: dict[str, QWidget] = {
            "telegram": self.telegram, "email": email_page(current_settings),
            "slack": slack_page(current_settings), "whatsapp": whatsapp_page(current_settings)}
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumWidth(170)
        self.list.setAccessibleName("Channels in use")
        left.addWidget(self.list, 1)
        self.add_button = QPushButton("Add channel…")
        self.remove_button = QPushButton("Remove")
        self.add_menu = QMenu(self)
        self.add_button.setMenu(self.add_menu)
        left.addWidget(self.add_button)
        left.addWidget(self.remove_button)
        layout.addLayout(left)
        self.stack = QStackedWidget()
        for page in self.pages.values():
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.stack.addWidget(scroll)
        self.empty = QLabel("No channel yet. Press <b>Add channel…</b> and choose Telegram, Email, Slack or "
                            "WhatsApp: each evening's report goes to every channel in this list.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(12, 12, 12, 12)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.list.currentItemChanged.connect(self._show_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)

    @property
    def secrets(self) -> dict[Secret, SecretField]:
        fields: dict[Secret, SecretField] = {}
        for page in self.pages.values():
            fields.update(page.secrets)
        return fields

    def page(self, name: str) -> QWidget:
        return self.pages[name]

    def in_use(self) -> list[str]:
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())]

    def _item(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(LABELS[name])
        item.setData(Qt.ItemDataRole.UserRole, name)
        return item

    def _show_current(self, item: QListWidgetItem | None) -> None:
        self.remove_button.setEnabled(item is not None)
        if item is not None:
            self.stack.setCurrentIndex(list(self.pages).index(item.data(Qt.ItemDataRole.UserRole)))
        elif self.list.count() == 0:
            self.stack.setCurrentWidget(self.empty)

    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        for name in self.pages:
            if name not in self.in_use():
                self.add_menu.addAction(LABELS[name], lambda checked=False, n=name: self.add(n))

    def add(self, name: str) -> None:
        """Put a channel in use: it appears in the list with Send reports ticked, its page open."""
        if name not in self.in_use():
            self.list.addItem(self._item(name))
        self._set_enabled(name, True)
        self.select(name)

    def remove_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        self._set_enabled(name, False)
        if name != "telegram":  # Telegram's sign-in is ended with Sign out (telegram logout), not here
            self.pages[name].forget_secrets()
        self.list.takeItem(self.list.row(item))
        self._show_current(self.list.currentItem())

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)
        self.stack.setCurrentIndex(list(self.pages).index(name))

    def show_key(self, key: str) -> None:
        """Open the page of the channel a settings problem is in ('email.recipients.0' -> Email)."""
        name = key.split(".", 1)[0]
        name = "telegram" if name == "bot" else name  # the question bot's settings sit on the Telegram page
        if name in self.pages:
            if name not in self.in_use():
                self.list.addItem(self._item(name))
            self.select(name)

    def _set_enabled(self, name: str, on: bool) -> None:
        page = self.pages[name]
        if name == "telegram":
            page.form.editors["enabled"].setChecked(on)
        else:
            page.set_enabled(on)

    def load(self, settings: Settings) -> None:
        self.list.clear()
        for name, page in self.pages.items():
            page.load(settings)
            section = getattr(settings, name)
            configured = section.enabled or bool(getattr(section, "destinations", None) or
                                                 getattr(section, "recipients", None))
            if configured:
                self.list.addItem(self._item(name))
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._show_current(None)

    def apply(self, data: dict[str, Any]) -> None:
        for page in self.pages.values():
            page.apply(data)

    def secret_changes(self) -> dict[Secret, str | None]:
        changes: dict[Secret, str | None] = {}
        for page in self.pages.values():
            changes.update(page.secret_changes())
        return changes

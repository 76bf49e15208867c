"""The "Questions in Telegram" part of the Telegram page: the bot's switch, the allow-list and pairing.

Pairing: "Show a pairing code" writes a one-time 6-digit code (bot/commands.py, valid 10 minutes);
the owner sends it to the bot from the chat that should get answers. The bot (the tray's bot process,
or `business-orchestrator bot`) adds that chat to `[bot] allowed_chats` in settings.toml; this page
watches for that and puts the new chat id in the list, so pressing OK keeps it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...paths import AppPaths
from ...settings import BotSettings, Settings, load_settings
from ..settings_form import FieldForm, LinesEditor, muted_label

WATCH_MS = 1000


class ChatIdsEditor(LinesEditor):
    """Chat ids, one per line (numbers stay numbers; anything else is left for validation to name)."""

    def value(self) -> list[Any]:
        return [int(line) if line.lstrip("-").isdigit() else line for line in super().value()]

    def set_value(self, value: Any) -> None:
        super().set_value([str(item) for item in value])


class BotPairing(QWidget):
    def __init__(self, paths: AppPaths | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.paths = paths
        self.code: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = FieldForm(
            BotSettings, ["enabled", "allowed_chats", "per_minute"],
            labels={"enabled": "Answer questions", "allowed_chats": "Chats answered",
                    "per_minute": "Answers a minute"},
            editors={"allowed_chats": ChatIdsEditor("Filled by pairing: one chat id per line")},
        )
        heading = QLabel("Questions in Telegram (/today, /week, \"why are sales down?\")")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        heading.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        row = QHBoxLayout()
        self.pair_button = QPushButton("Show a pairing code")
        self.code_label = QLabel()
        font = self.code_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        font.setLetterSpacing(font.SpacingType.AbsoluteSpacing, 3)
        self.code_label.setFont(font)
        self.code_label.setAccessibleName("Pairing code")
        self.status = QLabel()
        self.status.setWordWrap(True)
        row.addWidget(self.pair_button)
        row.addWidget(self.code_label)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        layout.addWidget(muted_label("Send the code to your bot from the chat that should get answers, within 10 "
                                     "minutes. The bot must be on: tick Answer questions and press OK first. Anyone "
                                     "else who writes to the bot gets no reply."))
        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_MS)
        self.watch.timeout.connect(self.check_paired)
        self.pair_button.clicked.connect(self.show_code)
        self.pair_button.setEnabled(paths is not None)

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.bot)

    def apply(self, data: dict[str, Any]) -> None:
        data["bot"].update(self.form.values())

    def show_code(self) -> None:
        from ...bot.commands import new_pairing_code

        assert self.paths is not None
        self.code = new_pairing_code(self.paths)
        self.code_label.setText(self.code)
        self.status.setText("Waiting for the code in Telegram…")
        self.watch.start()

    def check_paired(self) -> None:
        """The bot deletes the code when a chat sends it; then that chat is in settings.toml."""
        from ...bot.commands import PAIRING_FILE

        assert self.paths is not None
        file = self.paths.data / PAIRING_FILE
        if file.exists():
            try:
                expired = json.loads(file.read_text(encoding="utf-8")).get("expires", 0) < time.time()
            except (OSError, ValueError):
                expired = True
            if expired:
                self.watch.stop()
                self.code_label.clear()
                self.status.setText("The code expired: show a new one.")
            return
        self.watch.stop()
        self.code_label.clear()
        shown = self.form.editors["allowed_chats"].value()
        try:
            saved = load_settings(self.paths.settings_file).bot.allowed_chats
        except Exception:  # an unreadable file: the dialog says so on OK
            saved = []
        new = [chat for chat in saved if chat not in shown]
        for chat in new:
            self.add_chat(chat)
        if not new:
            self.status.setText("The code no longer works (used, or too many wrong tries): show a new one.")

    def add_chat(self, chat_id: int) -> None:
        """A chat the bot has just paired (this page's code, or the tray heard of one): OK must keep it."""
        editor = self.form.editors["allowed_chats"]
        shown = editor.value()
        if chat_id not in shown:
            editor.set_value([*shown, chat_id])
        self.watch.stop()
        self.code_label.clear()
        self.status.setText(f"✓ Paired: chat {chat_id} now gets answers.")

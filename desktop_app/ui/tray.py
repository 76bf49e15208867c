"""The tray icon and its menu. It shows state and forwards clicks; the app decides what they do."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from .icons import IconState, app_icon

MENU_ACTIONS = ("generate", "show", "send_pending", "pause", "settings", "open_data", "quit")


def build_tray_menu(parent: QObject | None = None) -> tuple[QMenu, dict[str, QAction]]:
    """The menu, in the order the owner reads it; returned with its actions by key for wiring and tests."""
    menu = QMenu()
    labels = {
        "generate": "Generate now",
        "show": "Show summary",
        "send_pending": "Send pending (0)",
        "pause": "Pause schedule",
        "settings": "Settings…",
        "open_data": "Open data folder",
        "quit": "Quit",
    }
    actions: dict[str, QAction] = {}
    for key in MENU_ACTIONS:
        if key in ("pause", "settings", "quit"):
            menu.addSeparator()
        actions[key] = menu.addAction(labels[key])
        actions[key].setObjectName(f"tray_{key}")
    menu.setDefaultAction(actions["show"])
    actions["send_pending"].setEnabled(False)
    return menu, actions


class Tray(QObject):
    """QSystemTrayIcon plus the menu. `activated_summary` is a left click (or a double click)."""

    activated_summary = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.menu, self.actions = build_tray_menu()
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("Business Orchestrator: starting…")
        self.icon.activated.connect(self._on_activated)
        self.state: IconState = "normal"

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_state(self, state: IconState) -> None:
        if state != self.state:
            self.state = state
            self.icon.setIcon(app_icon(state))

    def set_tooltip(self, text: str) -> None:
        self.icon.setToolTip(text)

    def set_pending(self, count: int) -> None:
        action = self.actions["send_pending"]
        action.setText(f"Send pending ({count})")
        action.setEnabled(count > 0)

    def set_paused(self, paused: bool) -> None:
        self.actions["pause"].setText("Resume schedule" if paused else "Pause schedule")

    def notify(self, title: str, message: str, *, error: bool = False) -> None:
        if QSystemTrayIcon.supportsMessages():
            kind = QSystemTrayIcon.MessageIcon.Warning if error else QSystemTrayIcon.MessageIcon.Information
            self.icon.showMessage(title, message, kind, 10_000 if error else 5_000)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.activated_summary.emit()

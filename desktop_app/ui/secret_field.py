"""A password field for one secret. It never shows the stored value: it says whether one is stored,
and only a newly typed value (or an explicit Remove) is written, to the OS keyring, off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ..secrets import Secret

KEEP = object()  # no change asked for


class SecretField(QWidget):
    def __init__(self, secret: Secret, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.secret = secret
        self._remove = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setObjectName(f"secret_{secret.value}")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Delete the stored value from the keyring when you press OK")
        row.addWidget(self.edit, 1)
        row.addWidget(self.remove_button)
        self.status = QLabel("Checking the keyring…")
        self.status.setStyleSheet("color: palette(placeholder-text);")
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.remove_button.clicked.connect(self._ask_remove)
        self.edit.textEdited.connect(lambda _text: setattr(self, "_remove", False))
        self.remove_button.setEnabled(False)

    def set_status(self, state: str) -> None:
        """state: 'stored', 'missing', 'env:VAR' or an error text (keyring unavailable)."""
        if state == "stored":
            self.status.setText("✓ Stored in the OS keyring. Type a new value to replace it.")
            self.edit.setPlaceholderText("•••••••• (stored)")
            self.remove_button.setEnabled(True)
        elif state == "missing":
            self.status.setText("Not set. It is kept in the OS keyring, never in settings.toml.")
        elif state.startswith("env:"):
            self.status.setText(f"Taken from the environment variable {state[4:]} (it wins over the keyring).")
        else:
            self.status.setText(state)
            self.status.setStyleSheet("color: #C62828;")
            self.status.setWordWrap(True)
            self.edit.setEnabled(False)

    def _ask_remove(self) -> None:
        self._remove = True
        self.edit.clear()
        self.status.setText("Will be removed from the keyring when you press OK.")

    def change(self) -> object:
        """The new value, None to delete, or KEEP."""
        if self._remove:
            return None
        text = self.edit.text().strip()
        return text if text else KEEP

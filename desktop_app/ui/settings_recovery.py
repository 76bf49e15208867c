"""A settings file the app cannot read: say so in plain words and offer the two ways out.

The app runs on defaults meanwhile. "Open the file" shows it in the owner's editor; "Restore the last
good copy" puts settings.toml.bak back (when it reads), keeping the broken file as
settings.toml.broken so nothing the owner typed is lost.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from ..settings import Settings, SettingsError, load_settings

LINE = re.compile(r"line (\d+)(?: col(?:umn)? (\d+))?")
KEY = re.compile(r"key '([^']+)': (.*)")


def plain_problem(error: str, path: Path) -> str:
    """One sentence for the owner instead of the parser's message (which stays in the details)."""
    first = error.splitlines()[0] if error else ""
    if "not valid TOML" in first:
        where = LINE.search(first)
        line = f"line {where.group(1)} of {path.name}" if where else path.name
        return (f"There is a typing mistake on {line} (often a quote that is not closed or a missing "
                f"\"=\"), so the app could not read your settings.")
    key = KEY.search(first)
    if key:
        section, _, name = key.group(1).rpartition(".")
        place = f"\"{name}\" in the [{section}] part" if section else f"\"{name}\""
        return f"The setting {place} of {path.name} is not usable: {key.group(2)}."
    if "cannot read" in first:
        return f"{path.name} could not be opened (it may be locked by another program or not be text)."
    return f"{path.name} could not be used."


def good_backup(path: Path) -> Path | None:
    """settings.toml.bak when it exists and reads cleanly."""
    backup = path.with_suffix(path.suffix + ".bak")
    if not backup.exists():
        return None
    try:
        load_settings(backup)
    except SettingsError:
        return None
    return backup


def restore_backup(path: Path) -> Settings:
    """Put the last good copy back; the broken file is kept next to it as settings.toml.broken."""
    backup = good_backup(path)
    if backup is None:
        raise SettingsError("there is no readable earlier copy of the settings")
    if path.exists():
        shutil.copy2(path, path.with_suffix(path.suffix + ".broken"))
    shutil.copy2(backup, path)
    return load_settings(path)


class BrokenSettingsDialog(QMessageBox):
    """The three choices; `choice` is "open", "restore" or "defaults" once the owner picked one."""

    def __init__(self, path: Path, error: str, parent: QWidget | None = None):
        super().__init__(QMessageBox.Icon.Warning, "Your settings could not be read", plain_problem(error, path),
                         QMessageBox.StandardButton.NoButton, parent)
        self.path = path
        self.choice: str | None = None
        self.setInformativeText("Until it is fixed the app uses its default settings; your file has not been "
                                "changed. Open it to correct the line, or go back to the copy saved before the "
                                "last change.")
        self.setDetailedText(f"{path}\n\n{error}")
        self.open_button = self.addButton("&Open the file", QMessageBox.ButtonRole.ActionRole)
        self.restore_button = self.addButton("&Restore the last good copy", QMessageBox.ButtonRole.AcceptRole)
        self.defaults_button = self.addButton("Use &defaults for now", QMessageBox.ButtonRole.RejectRole)
        self.restore_button.setEnabled(good_backup(path) is not None)
        if not self.restore_button.isEnabled():
            self.restore_button.setToolTip("There is no earlier copy (settings.toml.bak) that reads cleanly.")
        self.setDefaultButton(self.open_button)
        self.setEscapeButton(self.defaults_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button) -> None:
        self.choice = {self.open_button: "open", self.restore_button: "restore"}.get(button, "defaults")
        if self.choice == "open":
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

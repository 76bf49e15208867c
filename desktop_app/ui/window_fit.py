"""Every window fits the screen it opens on and reopens where the owner left it.

`fit_window(window, key, preferred)` is the one call a window makes: it restores the size and
position saved under `key` (or uses `preferred`, centred), shrinks it to the screen's available
area (1366×768 at 125% leaves about 1093×580 for a window), and saves the geometry again whenever
the window is hidden or closed. Windows keep their own content scrollable so they can be that small.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger("business_orchestrator.ui")
FRAME_ALLOWANCE = QSize(16, 40)  # title bar and borders the window manager adds around the client area


def _store() -> QSettings:
    from ..paths import app_paths

    paths = app_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    return QSettings(str(paths.config / "windows.ini"), QSettings.Format.IniFormat)


TASKBAR_GUESS = 40  # when the desktop does not say where its task bar is, leave room for one


def available_area(window: QWidget) -> QRect:
    """The part of the window's screen not taken by task bars, in the window's (logical) pixels."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    if area == screen.geometry():  # no work area reported (some window managers, offscreen)
        area = area.adjusted(0, 0, 0, -TASKBAR_GUESS)
    return area


def fit_rect(window: QWidget) -> None:
    """Shrink and move `window` so that all of it, frame included, is on its screen."""
    area = available_area(window)
    width = min(window.width(), area.width() - FRAME_ALLOWANCE.width())
    height = min(window.height(), area.height() - FRAME_ALLOWANCE.height())
    width = max(width, min(window.minimumWidth(), area.width()))
    height = max(height, min(window.minimumHeight(), area.height()))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() - width - FRAME_ALLOWANCE.width() + 1)
    y = min(max(window.y(), area.top()), area.bottom() - height - FRAME_ALLOWANCE.height() + 1)
    x, y = max(x, area.left()), max(y, area.top())
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


class _Memory(QObject):
    """Restores the geometry on the first show, saves it on every hide or close."""

    def __init__(self, window: QWidget, key: str, preferred: QSize):
        super().__init__(window)
        self.key = key
        self.preferred = preferred
        self.restored = False
        self.window = window
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:  # Quit from the tray menu leaves the window shown: save it then too
            app.aboutToQuit.connect(self._quitting)

    def _quitting(self) -> None:
        if self.restored and self.window.isVisible():
            self.save(self.window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and not self.restored:
            self.restored = True
            self.restore(watched)
        elif kind in (QEvent.Type.Hide, QEvent.Type.Close) and self.restored:
            self.save(watched)
        return False

    def restore(self, window: QWidget) -> None:
        saved = _store().value(f"{self.key}/geometry")
        restored = isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved)
        if not restored:
            area = available_area(window)
            window.resize(self.preferred.boundedTo(area.size() - FRAME_ALLOWANCE))
            centre = area.center()
            top = centre.y() - (window.height() + FRAME_ALLOWANCE.height()) // 2
            window.move(centre.x() - window.width() // 2, top)
        fit_rect(window)

    def save(self, window: QWidget) -> None:
        try:
            store = _store()
            store.setValue(f"{self.key}/geometry", window.saveGeometry())
            store.sync()
        except OSError as exc:  # a read-only config folder must not break closing a window
            log.warning("window size not saved: %s", exc)


def fit_window(window: QWidget, key: str, preferred: QSize) -> None:
    """Open `window` at its remembered (else `preferred`) size, always inside the screen."""
    window.resize(preferred)
    _Memory(window, key, preferred)

"""The yardstick for start-up: the least a PySide6 program does to show a tray icon, then quit.

`python -m bench.bare_tray` (offscreen on a headless machine: QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def main() -> int:
    app = QApplication(sys.argv)
    pixmap = QPixmap(32, 32)
    pixmap.fill()
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()
    QTimer.singleShot(0, app.quit)  # tray ready: leave as soon as the event loop runs
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())

"""The yardstick for start-up: the least a PySide6 program does to show a tray icon, then quit.

    python -m bench.bare_tray --ready-file PATH     # QT_QPA_PLATFORM=offscreen on a headless machine

"Tray ready" is defined exactly as for the app (`business-orchestrator gui --ready-file PATH`):
`QSystemTrayIcon.show()` has returned and the event loop has run once; then the time (Unix seconds)
is written to PATH. The runner subtracts the moment it started the process.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def mark_ready(path: Path | None) -> None:
    if path is not None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(f"{time.time():.6f}\n", encoding="ascii")
        partial.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready-file", type=Path, help="write the time here once the tray icon is up")
    args = parser.parse_args(argv)
    # PySide6-Essentials 6.12.0 on Python 3.11 can crash when the cyclic collector frees Qt objects at a bad
    # moment (the app moves collection to the GUI thread, desktop_app/ui/gc_guard.py). This script makes no
    # cycles worth collecting in its half-second life, so the collector is simply off.
    gc.disable()
    app = QApplication(sys.argv[:1])
    pixmap = QPixmap(32, 32)
    pixmap.fill()
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()

    def ready() -> None:
        mark_ready(args.ready_file)
        app.quit()

    QTimer.singleShot(0, ready)  # tray ready: the event loop has run once
    code = app.exec()
    tray.hide()
    return code


if __name__ == "__main__":
    raise SystemExit(main())

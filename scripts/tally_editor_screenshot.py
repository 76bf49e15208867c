"""Screenshot of the source editor on a Tally Day Book (offscreen): scripts/tally_editor_screenshot.py OUT.png"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([*sys.argv[:1], "-platform", "offscreen"])
from desktop_app.settings import SourceSettings  # noqa: E402
from desktop_app.ui.settings_tabs.sources import SourceEditor  # noqa: E402

day_book = Path(__file__).resolve().parents[1] / "tests/connectors/data/tally/cubix_day_book_2022-05-09.xlsx"
editor = SourceEditor(SourceSettings(name="Tally Day Book", domain="sales", path=f"C:/Tally/Export/{day_book.name}"))
editor.path.setText(str(day_book))
editor.resize(1100, 740)
editor.show()
loop = QEventLoop()
editor.preview_done.connect(lambda ok: ok and QTimer.singleShot(300, loop.quit))
QTimer.singleShot(30000, loop.quit)
loop.exec()
out = Path(sys.argv[1])
out.parent.mkdir(parents=True, exist_ok=True)
editor.grab().save(str(out))
print(out, editor.size())

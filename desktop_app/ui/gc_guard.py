"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate. When that is a worker busy
with pandas, it may destroy Qt objects caught in a reference cycle (a dialog and the lambdas
connected to its signals) on the wrong thread: Qt then crashes or deadlocks. So the automatic
collector is switched off and this timer runs it on the GUI thread instead, generation by
generation, as often as the automatic one would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()

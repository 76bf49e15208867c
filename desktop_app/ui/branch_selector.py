"""The summary window's branch selector: "Whole business" or one branch of a head office's report.

Shown only for a head office's report; what each choice shows comes from desktop_app/branch_view.py.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ..branch_view import WHOLE_BUSINESS, branch_names, branch_report
from ..report import Report
from .jobs import DayView


class BranchSelector(QComboBox):
    """None = the whole business; a name = that branch. Keeps the choice from one day to the next."""

    branch_changed = Signal(object)  # str | None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Branch shown")
        self.setToolTip("Show the whole business, or one branch against its own previous day and last week")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.chosen: str | None = None
        self.currentIndexChanged.connect(self._picked)
        self.hide()

    def offer(self, report: Report | None) -> None:
        """The branches of this report (hidden when it is not a head office's report)."""
        names = branch_names(report)
        self.blockSignals(True)
        self.clear()
        self.addItem(WHOLE_BUSINESS, None)
        for name in names:
            self.addItem(name, name)
        if self.chosen not in names:
            self.chosen = None
        self.setCurrentIndex(self.findData(self.chosen) if self.chosen else 0)
        self.blockSignals(False)
        self.setVisible(bool(names))

    def choose(self, branch: str | None) -> None:
        self.setCurrentIndex(self.findData(branch) if branch else 0)

    def narrowed(self, view: DayView | None) -> DayView | None:
        """The day as the current choice shows it: the branch's report and its own 30-day trend."""
        if view is None or self.chosen is None or view.report is None:
            return view
        report = branch_report(view.report, self.chosen)
        trend = [narrowed for narrowed in (branch_report(past, self.chosen) for past in view.trend) if narrowed]
        return replace(view, report=report, trend=trend)

    def _picked(self, index: int) -> None:
        self.chosen = self.itemData(index)
        self.branch_changed.emit(self.chosen)

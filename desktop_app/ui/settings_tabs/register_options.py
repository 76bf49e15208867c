"""The source editor's register options: header row, a row filter, and Tally's voucher types and GST basis.

Kept apart from the editor so it stays one box with one job; the editor puts its values into the
source's `options` and `filter` and re-reads the preview whenever one changes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from connectors.tally import (
    DEFAULT_RETURN_TYPES,
    DEFAULT_SALES_TYPES,
    GST_OPTION,
    RETURN_TYPES_OPTION,
    SALES_TYPES_OPTION,
)

HEADER_ROW = "header_row"
OWNED_OPTIONS = (HEADER_ROW, SALES_TYPES_OPTION, RETURN_TYPES_OPTION, GST_OPTION)
NO_FILTER = "(no filter)"


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class RegisterOptions(QGroupBox):
    """Header row (0 = found automatically), one row filter, and for Tally the voucher types and GST."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Register layout", parent)
        grid = QGridLayout(self)
        for column, stretch in ((1, 1), (3, 2), (5, 2)):
            grid.setColumnStretch(column, stretch)
        self.header_row = QSpinBox()
        self.header_row.setRange(0, 1000)
        self.header_row.setSpecialValueText("found automatically")
        self.header_row.setToolTip("The spreadsheet row of the column names; title rows above it are skipped.")
        self.filter_column = QComboBox()
        self.filter_column.setEditable(True)
        self.filter_column.setObjectName("filter_column")
        self.filter_column.setMinimumContentsLength(12)
        self.filter_values = QLineEdit()
        self.filter_values.setPlaceholderText("values to keep, comma-separated, e.g. Sales, GST Supply")
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_column)
        filter_row.addWidget(self.filter_values, 1)
        self.sales_types = QLineEdit()
        self.sales_types.setPlaceholderText(", ".join(DEFAULT_SALES_TYPES))
        self.sales_types.setToolTip("Voucher types that are sales. A name counts exactly; a pattern with * skips "
                                    "orders, delivery notes, receipts, purchases... Empty = the default shown.")
        self.return_types = QLineEdit()
        self.return_types.setPlaceholderText(", ".join(DEFAULT_RETURN_TYPES))
        self.return_types.setToolTip("Voucher types that reduce sales (credit notes, sales returns). "
                                     "Empty = the default shown.")
        self.gst = QComboBox()
        self.gst.addItem("Invoice value (with GST)", "invoice")
        self.gst.addItem("Taxable value (before GST)", "taxable")
        self.gst.setToolTip("Invoice value is what the bill says; taxable value leaves GST out. "
                            "Needs the Sales Register's tax columns, or Tally live.")
        self._labels: dict[QWidget, QLabel] = {}
        rows = ((0, 0, "Header row", self.header_row), (0, 2, "Only rows where", filter_row),
                (1, 0, "Count sales at", self.gst), (1, 2, "Sales voucher types", self.sales_types),
                (1, 4, "Returns", self.return_types))
        for row, column, text, item in rows:
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, column)
            if isinstance(item, QHBoxLayout):
                grid.addLayout(item, row, column + 1, 1, 3)
            else:
                grid.addWidget(item, row, column + 1)
                self._labels[item] = label
        self._other_filters: dict[str, list[str]] = {}
        for signal in (self.header_row.valueChanged, self.filter_column.currentTextChanged,
                       self.filter_values.textChanged, self.sales_types.textChanged, self.return_types.textChanged,
                       self.gst.currentIndexChanged):
            signal.connect(self.changed)
        self.set_tally(False)

    def set_tally(self, tally: bool) -> None:
        """Voucher types and GST only mean something for a Tally export."""
        for widget in (self.sales_types, self.return_types, self.gst):
            widget.setVisible(tally)
            self._labels[widget].setVisible(tally)

    def set_columns(self, columns: list[str]) -> None:
        current = self.filter_column.currentText()
        self.filter_column.blockSignals(True)
        self.filter_column.clear()
        self.filter_column.addItems([NO_FILTER, *columns])
        self.filter_column.setCurrentText(current or NO_FILTER)
        self.filter_column.blockSignals(False)

    def load(self, options: dict[str, Any], filters: dict[str, list[str]]) -> None:
        self.header_row.setValue(int(options.get(HEADER_ROW) or 0))
        for edit, key in ((self.sales_types, SALES_TYPES_OPTION), (self.return_types, RETURN_TYPES_OPTION)):
            value = options.get(key) or []
            edit.setText(", ".join(value) if isinstance(value, list) else str(value))
        self.gst.setCurrentIndex(max(self.gst.findData(str(options.get(GST_OPTION) or "invoice")), 0))
        items = list(filters.items())
        if items:
            column, values = items[0]
            self.filter_column.addItem(column)
            self.filter_column.setCurrentText(column)
            self.filter_values.setText(", ".join(values))
        self._other_filters = dict(items[1:])  # more filters than the box shows: kept as they are

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.header_row.value():
            out[HEADER_ROW] = self.header_row.value()
        if _split(self.sales_types.text()):
            out[SALES_TYPES_OPTION] = _split(self.sales_types.text())
        if _split(self.return_types.text()):
            out[RETURN_TYPES_OPTION] = _split(self.return_types.text())
        if self.gst.currentData() != "invoice":
            out[GST_OPTION] = self.gst.currentData()
        return out

    def filters(self) -> dict[str, list[str]]:
        out = dict(self._other_filters)
        column = self.filter_column.currentText().strip()
        values = _split(self.filter_values.text())
        if column and column != NO_FILTER and values:
            out[column] = values
        return out

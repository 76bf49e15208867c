"""Sources tab: the export files the report is built from, each with a live preview while editing."""

from __future__ import annotations

from html import escape
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...settings import ReportSettings, Settings, SourceSettings
from .. import jobs
from ..page_tabs import scrolled
from ..plain_words import plain_error
from ..settings_form import ChoiceEditor, FieldForm, muted_label
from ..window_fit import fit_window
from ..worker import Task, run_in_background
from .live_source import ServiceFields, connect_source, kind_choices, save_source_secrets, test_live_source
from .register_options import OWNED_OPTIONS, RegisterOptions

DOMAINS = [("sales", "Sales (orders, invoices)"), ("leads", "Leads (enquiries)"), ("attendance", "Attendance")]
DOMAIN_LABELS = {"sales": "Sales", "leads": "Leads", "attendance": "Attendance"}
AUTOMATIC = "(recognise automatically)"
# How dates are written in the file, shown as an example date (the strftime code is what is saved).
DATE_FORMATS = [
    ("", "Recognise automatically"),
    ("%d/%m/%Y", "31/12/2025 (day first)"),
    ("%d/%m/%Y %H:%M", "31/12/2025 18:30 (day first, with the time)"),
    ("%d-%m-%Y", "31-12-2025"),
    ("%d.%m.%Y", "31.12.2025"),
    ("%m/%d/%Y", "12/31/2025 (month first, as in the US)"),
    ("%m/%d/%y %I:%M %p", "12/31/25 06:30 PM (month first, short year)"),
    ("%Y-%m-%d", "2025-12-31"),
    ("%Y-%m-%d %H:%M:%S", "2025-12-31 18:30:00"),
]
FILE_FILTER = "Exports (*.csv *.txt *.json *.xlsx *.xlsm *.xls *.dat *.xml);;All files (*)"
MAPPED_KEYS = {
    "sales": ["order_id", "date", "amount", "quantity", "unit_price", "status"],
    "leads": ["date", "source", "status", "lead_id"],
    "attendance": ["employee", "date", "status", "time"],
}


def _fill_table(table: QTableWidget, columns: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(columns))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(columns)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()


def _preview_table() -> QTableWidget:
    table = QTableWidget()
    table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setAlternatingRowColors(True)
    return table


class SourceEditor(QDialog):
    """Add or edit one source; the preview follows every change (read on a worker thread)."""

    preview_done = Signal(bool)  # True = read, False = could not be read

    def __init__(self, source: SourceSettings | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit source" if source else "Add a source")
        self.result_source: SourceSettings | None = None
        self._task: Task | None = None
        self._formats: dict[str, list[tuple[str, str]]] = {}
        self._header: list[str] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.domain = QComboBox()
        for value, label in DOMAINS:
            self.domain.addItem(label, value)
        self.timezone = "Asia/Kolkata"  # the business's, set by the Sources tab: live records' local dates
        self.kind = QComboBox()
        self.kind.setObjectName("source_kind")
        for value, label in kind_choices():
            self.kind.addItem(label, value)
        self.service = ServiceFields(self)
        self.path = QLineEdit()
        self.path.setPlaceholderText("The export file, e.g. C:/Exports/orders.csv")
        browse = QPushButton("Browse…")
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.format = QComboBox()
        self.date_format = ChoiceEditor(DATE_FORMATS, editable=True)
        self.date_format.setToolTip("How a date is written in the file. Pick the example that looks like your "
                                    "file, or type a pattern such as %d/%m/%Y.")
        self.enabled = QPushButton("Used in reports", checkable=True, checked=True)
        self.name.setPlaceholderText("e.g. Shop sales, IndiaMART leads")
        self.branch = QLineEdit()
        self.branch.setPlaceholderText("optional, e.g. Naroda: this file's bills are that branch's own")
        browse.setText("&Browse…")
        form.addRow(_buddy("&Name", self.name), self.name)
        form.addRow(_buddy("&Holds", self.domain), self.domain)
        form.addRow(_buddy("&Kind", self.kind), self.kind)
        form.addRow(_buddy("Br&anch", self.branch), self.branch)
        form.addRow(_buddy("&File", self.path), path_row)
        self._path_row = path_row
        form.addRow(_buddy("F&ormat", self.format), self.format)
        form.addRow(_buddy("&Dates look like", self.date_format), self.date_format)
        self._form = form
        top = QWidget()  # everything above the buttons scrolls on a small screen
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(form)
        top_layout.addWidget(self.service)  # a live source's fields, keys, Connect / Test and Backfill

        self.mapping_group = QGroupBox("Columns (only when a header is not recognised)")
        self.mapping_form = QGridLayout(self.mapping_group)
        self.mapping_form.setColumnStretch(1, 1)
        self.mapping_form.setColumnStretch(3, 1)
        self.mapping: dict[str, QComboBox] = {}
        top_layout.addWidget(self.mapping_group)
        self.register = RegisterOptions()
        top_layout.addWidget(self.register)

        self.recognised = QLabel()
        self.recognised.setWordWrap(True)
        self.recognised.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top_layout.addWidget(self.recognised)
        splitter = QSplitter(Qt.Orientation.Vertical)
        raw_box, parsed_box = QWidget(), QWidget()
        for box, title in ((raw_box, "In the file (first rows)"), (parsed_box, "As read (what the report uses)")):
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(QLabel(f"<b>{title}</b>"))
        self._raw_title = raw_box.layout().itemAt(0).widget()
        self.raw_table, self.parsed_table = _preview_table(), _preview_table()
        raw_box.layout().addWidget(self.raw_table)
        parsed_box.layout().addWidget(self.parsed_table)
        splitter.addWidget(raw_box)
        splitter.addWidget(parsed_box)
        splitter.setMinimumHeight(220)
        top_layout.addWidget(splitter, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8D6E63;")
        top_layout.addWidget(self.notes)
        layout.addWidget(scrolled(top), 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        browse.clicked.connect(self._browse)

        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh_preview)
        self.domain.currentIndexChanged.connect(self._domain_changed)
        for signal in (self.path.textChanged, self.format.currentIndexChanged, self.date_format.currentTextChanged,
                       self.register.changed):
            signal.connect(self._debounce.start)

        if source is not None:
            self.name.setText(source.name)
            self.domain.setCurrentIndex(self.domain.findData(source.domain))
            self.kind.setCurrentIndex(max(self.kind.findData(source.kind), 0))
            self.path.setText(source.path)
            self.date_format.set_value(str(source.options.get("date_format", "")))
            self.enabled.setChecked(source.enabled)
            self.branch.setText(source.branch)
        self._extra_options = {k: v for k, v in (source.options if source else {}).items()
                               if k != "date_format" and k not in OWNED_OPTIONS}
        if source is not None:
            self.register.load(source.options, source.filter)
        self._domain_changed()
        if source is not None:
            self.format.setCurrentIndex(max(self.format.findData(source.format), 0))
            self._set_mapping(source.columns)
        self._kind_changed(source, refresh=False)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed(None))
        self.service.connect_requested.connect(self.connect_service)
        self.service.backfill_button.clicked.connect(self._backfill)
        self.setMinimumSize(480, 380)
        fit_window(self, "source-editor", QSize(860, 720))
        self._debounce.stop()  # the preview starts now: no second one 300 ms later from the set-up above
        self.refresh_preview()

    # -- building the spec ---------------------------------------------------------------------

    def source(self) -> SourceSettings:
        """The source as typed; raises pydantic's ValidationError when a field is unusable."""
        options = {**self._extra_options, **self.register.options()}
        if self.date_format.value():
            options["date_format"] = self.date_format.value()
        columns = {key: combo.currentText() for key, combo in self.mapping.items()
                   if combo.currentIndex() > 0 and combo.currentText()}
        kind = self.kind.currentData() or "file"
        live = self.service.values() if kind != "file" else {}
        name = self.name.text().strip() or (name_from_file(self.path.text()) if kind == "file" else
                                            self.kind.currentText()) or "Unnamed source"
        return SourceSettings(name=name, domain=self.domain.currentData(),
                              path=self.path.text().strip() if kind == "file" else "", kind=kind, **live,
                              format=self.format.currentData() or "auto",
                              enabled=self.enabled.isChecked(), columns=columns, options=options,
                              filter=self.register.filters(), branch=self.branch.text().strip())

    def _kind_changed(self, source: SourceSettings | None, refresh: bool = True) -> None:
        """A file shows its path; a service its fields; a sheet keeps the file's format and columns."""
        kind = self.kind.currentData() or "file"
        tabular = kind in ("file", "google_sheets")
        self._form.setRowVisible(self._path_row, kind == "file")
        for widget in (self.format, self.date_format):
            self._form.setRowVisible(widget, tabular)
        self.mapping_group.setVisible(tabular)
        self.register.setVisible(tabular or kind == "tally")  # Tally live: its voucher types and GST basis
        self.register.set_tally(kind == "tally")
        self.service.setVisible(kind != "file")
        self._raw_title.setText("<b>In the file (first rows)</b>" if kind == "file" else
                                "<b>As the service sent it (first records)</b>")
        if kind != "file":
            self.service.set_kind(kind, self.name.text().strip(), source)
        if refresh:
            self._debounce.start()

    def connect_service(self) -> None:
        """Connect / Test: fetch the last day's first page on a worker and preview it like a file."""
        try:
            spec = self.source().spec(self.timezone)
        except ValidationError as exc:
            self._show_invalid(exc)
            return
        if self._task is not None:
            self._task.cancel()
        self.recognised.setText(f"Connecting to {escape(str(spec.service.get('url')))}…")
        task = run_in_background("live source connect", connect_source, spec, self.service.typed_secrets(),
                                 parent=self, on_failure=lambda exc: None)
        task.succeeded.connect(lambda preview: self._show_preview(preview, task))
        task.failed.connect(lambda exc: self._preview_failed(exc, task))
        self._task = task

    def _show_invalid(self, exc: ValidationError) -> None:
        message = plain_error(exc.errors()[0]["msg"].removeprefix("Value error, "))
        self.recognised.setText(f"<span style='color:#C62828'>✗</span> {escape(message)}")

    def _backfill(self) -> None:
        try:
            spec = self.source().spec(self.timezone)
        except ValidationError as exc:
            self._show_invalid(exc)
            return
        self.service.start_backfill(spec)

    def _domain_changed(self) -> None:
        domain = self.domain.currentData()
        current = self.format.currentData()
        self.format.blockSignals(True)
        self.format.clear()
        self.format.addItem("Recognise automatically", "auto")
        if domain not in self._formats:
            self._formats[domain] = jobs.format_choices(domain)
        for key, label in self._formats[domain]:
            self.format.addItem(label, key)
        self.format.setCurrentIndex(max(self.format.findData(current), 0))
        self.format.blockSignals(False)
        previous = {key: combo.currentText() for key, combo in self.mapping.items() if combo.currentIndex() > 0}
        while self.mapping_form.count():
            item = self.mapping_form.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.mapping = {}
        for index, key in enumerate(MAPPED_KEYS[domain]):
            combo = QComboBox()
            combo.setObjectName(f"column_{key}")
            self.mapping[key] = combo
            row, column = divmod(index, 2)
            label = QLabel(key.replace("_", " ").capitalize())
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.mapping_form.addWidget(label, row, column * 2)
            self.mapping_form.addWidget(combo, row, column * 2 + 1)
            combo.currentIndexChanged.connect(self._debounce.start)
        self._fill_mapping_choices()
        self._set_mapping(previous)
        self._debounce.start()

    def _fill_mapping_choices(self) -> None:
        for combo in self.mapping.values():
            chosen = combo.currentText() if combo.currentIndex() > 0 else None
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(AUTOMATIC)
            combo.addItems(self._header)
            if chosen:
                if combo.findText(chosen) < 0:
                    combo.addItem(chosen)
                combo.setCurrentText(chosen)
            combo.blockSignals(False)

    def _set_mapping(self, columns: dict[str, str]) -> None:
        for key, column in columns.items():
            combo = self.mapping.get(key)
            if combo is None:
                continue
            combo.blockSignals(True)
            if combo.findText(column) < 0:
                combo.addItem(column)
            combo.setCurrentText(column)
            combo.blockSignals(False)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose the export file", self.path.text(), FILE_FILTER)
        if path:
            self.path.setText(path)
            if not self.name.text().strip():
                self.name.setText(name_from_file(path))

    # -- preview --------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        if (self.kind.currentData() or "file") != "file":
            self.recognised.setText("Press Connect / Test to fetch the last day and see how it is read.")
            return
        if not self.path.text().strip():
            self.recognised.setText("Choose a file to see how it is read.")
            return
        try:
            spec = self.source().spec()
        except ValidationError as exc:
            self.recognised.setText(str(exc.errors()[0]["msg"]))
            return
        if self._task is not None:
            self._task.cancel()
        self.recognised.setText("Reading…")
        task = run_in_background("source preview", jobs.preview_source, spec, parent=self,
                                 on_failure=lambda exc: None)
        task.succeeded.connect(lambda preview: self._show_preview(preview, task))
        task.failed.connect(lambda exc: self._preview_failed(exc, task))
        self._task = task

    def _show_preview(self, preview: jobs.SourcePreview, task: Task) -> None:
        if task is not self._task:
            return  # an older preview finishing late
        self.recognised.setText(f"<span style='color:#2E7D32'>✓</span> Recognised as <b>{preview.connector}</b>")
        if preview.raw_columns != self._header:
            self._header = preview.raw_columns
            self._fill_mapping_choices()
            self.register.set_columns(self._header)
        tally = preview.connector_key == "tally"
        self.register.set_tally(tally)
        # Tally's columns are known; its voucher types and GST basis are what the owner may need to set.
        self.mapping_group.setVisible(not tally or any(c.currentIndex() > 0 for c in self.mapping.values()))
        _fill_table(self.raw_table, preview.raw_columns, preview.raw_rows)
        _fill_table(self.parsed_table, preview.parsed_columns, preview.parsed_rows)
        self.notes.setText("\n".join(plain_error(note) for note in preview.notes))
        self.preview_done.emit(True)

    def _preview_failed(self, exc: BaseException, task: Task) -> None:
        if task is not self._task:
            return
        self.recognised.setText(f"<span style='color:#C62828'>✗</span> {escape(plain_error(exc))}")
        for table in (self.raw_table, self.parsed_table):
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)
        self.notes.setText("")
        self.preview_done.emit(False)

    def _accept(self) -> None:
        live = (self.kind.currentData() or "file") != "file"
        if not live and not self.path.text().strip():
            self.error.setText("Choose the export file first (Browse…).")
            self.path.setFocus()
            return
        if live and not self.service.url.text().strip():
            self.error.setText(f"Enter the {self.service.form.labelForField(self.service.url).text().lower()} first.")
            self.service.url.setFocus()
            return
        if not self.name.text().strip():  # a name the owner recognises, not "Unnamed"
            self.name.setText(self.kind.currentText() if live else name_from_file(self.path.text()))
        try:
            source = self.source()
        except ValidationError as exc:
            self.error.setText("; ".join(plain_error(e["msg"].removeprefix("Value error, ")) for e in exc.errors()))
            return
        typed = self.service.typed_secrets() if source.kind != "file" else {}
        if typed:  # to the keyring on a worker (it can block on an unlock prompt); never into settings.toml
            run_in_background("save source keys", save_source_secrets, source.name, typed, parent=self.parent())
        self.result_source = source
        self.accept()


def name_from_file(path: str) -> str:
    """"orders_export-2025.csv" -> "Orders export 2025": the source's name when none was typed."""
    from pathlib import Path

    stem = Path(path.strip()).stem if path.strip() else ""
    words = " ".join(stem.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else ""


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose Alt+letter moves the focus to `widget`."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class SourcesTab(QWidget):
    title = "Sources"
    sections = ("sources", "report")
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sources: list[SourceSettings] = []
        self._test_task: Task | None = None
        self._tested_source: SourceSettings | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Holds", "Format", "File"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons; arrows choose a source
        self.table.setMinimumHeight(110)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit_selected)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.test_button = QPushButton("Tes&t")
        for button in (self.add_button, self.edit_button, self.remove_button, self.test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.test_result)
        group = QGroupBox("Reading")
        self.report_form = FieldForm(ReportSettings, ["stale_after_hours", "write_csv_log"],
                                     labels={"stale_after_hours": "Undated files count for (hours)",
                                             "write_csv_log": "Spreadsheet log"})
        QVBoxLayout(group).addWidget(self.report_form)
        layout.addWidget(group)
        layout.addWidget(muted_label("Exports are recognised from their header (Shopify, WooCommerce, ZKTeco, "
                                     "Salesforce, HubSpot, Zoho, IndiaMART, or any file with common column names)."))
        self.add_button.clicked.connect(self.add_source)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.test_button.clicked.connect(self.test_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def load(self, settings: Settings) -> None:
        self._timezone = settings.business.timezone
        self.sources = [source.model_copy() for source in settings.sources]
        self.report_form.set_model(settings.report)
        self._refresh()

    def apply(self, data: dict[str, Any]) -> None:
        data["sources"] = [source.model_dump(mode="json") for source in self.sources]
        data["report"].update(self.report_form.values())

    def _refresh(self) -> None:
        self.table.setRowCount(len(self.sources))
        for row, source in enumerate(self.sources):
            cells = [source.name, DOMAIN_LABELS[source.domain], source.format, source.path] if source.kind == "file" \
                else [source.name, DOMAIN_LABELS[source.domain], source.kind, source.url]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not source.enabled:
                    item.setForeground(self.palette().placeholderText())
                    item.setToolTip("Not used in reports (disabled)")
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._selection_changed()

    def _selected(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selection_changed(self) -> None:
        chosen = self._selected() is not None
        for button in (self.edit_button, self.remove_button, self.test_button):
            button.setEnabled(chosen)
        self._tested_source = None  # a result shown belongs to the source it was for
        self.test_result.setText("")

    def _tested(self, source: SourceSettings, html: str) -> None:
        if source is self._tested_source:
            self.test_result.setText(html)

    def _editor(self, source: SourceSettings | None) -> SourceEditor:
        editor = SourceEditor(source, self)
        editor.timezone = getattr(self, "_timezone", editor.timezone)
        return editor

    def add_source(self) -> None:
        editor = self._editor(None)
        editor.accepted.connect(lambda: self._store(editor.result_source, None))
        editor.open()

    def edit_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        editor = self._editor(self.sources[row])
        editor.accepted.connect(lambda: self._store(editor.result_source, row))
        editor.open()

    def _store(self, source: SourceSettings | None, row: int | None) -> None:
        if source is None:
            return
        if row is None:
            self.sources.append(source)
        else:
            self.sources[row] = source
        self._refresh()
        self.table.selectRow(len(self.sources) - 1 if row is None else row)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self._selected()
        if row is not None:
            del self.sources[row]
            self._refresh()
            self.changed.emit()

    def test_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        source = task_row = self._tested_source = self.sources[row]
        self.test_result.setText(f"Reading {escape(source.name)}…")
        spec = source.spec(getattr(self, "_timezone", None))
        self._test_task = run_in_background(
            "source test", jobs.test_source if source.kind == "file" else test_live_source, spec, parent=self,
            on_success=lambda text: self._tested(task_row, f"<span style='color:#2E7D32'>✓</span> "
                                                           f"{escape(plain_error(text))}"),
            on_failure=lambda exc: self._tested(task_row, f"<span style='color:#C62828'>✗</span> "
                                                          f"{escape(plain_error(exc))}"),
        )

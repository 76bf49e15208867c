"""The source editor's live-service part: connection fields, keys, Connect / Test, and the backfill.

Everything that touches the network or the keyring runs on a worker thread (keyring calls can block on
an unlock prompt; a shop can take seconds to answer). The fields come from the service connector's own
declaration (`ServiceConnector.fields`), so a plug-in service gets its fields here without UI code.
Typed keys are used for Connect / Test as they are, and written to the OS keyring only when the
editor's OK (or Backfill) is pressed; the stored value is never shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..worker import Task, TaskContext, run_in_background

SHEETS_WARNING = ("Anyone who has this link can read the sheet. For a private sheet, leave it unpublished and give "
                  "a service-account key instead.")


@dataclass(frozen=True)
class FieldInfo:
    """A ServiceField as plain data for the GUI (the connector objects stay on the worker side)."""

    name: str
    label: str
    help: str
    secret: bool
    required: bool
    placeholder: str


def kind_choices() -> list[tuple[str, str]]:
    """(kind, label) for the editor's Kind box: files first, then every registered service."""
    from connectors.registry import services

    return [("file", "Export file"), *((key, service.label) for key, service in services().items())]


def service_fields(kind: str) -> list[FieldInfo]:
    from connectors.registry import services

    service = services().get(kind)
    if service is None:
        return []
    return [FieldInfo(f.name, f.label, f.help, f.secret, f.required, f.placeholder) for f in service.fields]


# -- work for the worker thread --------------------------------------------------------------------------


def secret_states(ctx: TaskContext, source: str, names: list[str]) -> dict[str, str]:
    """'stored', 'missing', 'env:VAR' or the keyring's error, per secret field of a source."""
    import os

    from ...secrets import SecretStoreUnavailable, get_source_secret, source_env_name

    states = {}
    for name in names:
        env = source_env_name(source, name)
        if os.environ.get(env):
            states[name] = f"env:{env}"
            continue
        try:
            states[name] = "stored" if get_source_secret(source, name) else "missing"
        except SecretStoreUnavailable as exc:
            states[name] = str(exc)
    return states


def save_source_secrets(ctx: TaskContext, source: str, typed: dict[str, str]) -> list[str]:
    from ...secrets import SecretStoreUnavailable, set_source_secret

    problems = []
    for name, value in typed.items():
        try:
            set_source_secret(source, name, value)
        except SecretStoreUnavailable as exc:
            problems.append(str(exc))
    return problems


def _live(typed: dict[str, str]) -> Any:
    from ...live import LiveSources, _keyring_secret
    from ...paths import app_paths

    def secret(source: str, name: str) -> str | None:
        return typed.get(name) or _keyring_secret(source, name)

    return LiveSources.for_paths(app_paths().ensure(), secrets=secret)


def connect_source(ctx: TaskContext, spec: Any, typed: dict[str, str]) -> Any:
    """Fetch one day, one page (nothing stored) and return it as the file preview shows a file."""
    from connectors.base import SourceReadError

    from ..jobs import PREVIEW_ROWS, SourcePreview

    live = _live(typed)
    service = live.service(spec)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    result = live.fetch(spec, since=since if service.incremental else None, max_pages=1)
    if not result.ok:
        raise SourceReadError(spec.name, result.message)
    records = [dict(record.data) for record in result.preview]
    raw_columns = sorted({key for record in records[:PREVIEW_ROWS] for key, value in record.items()
                          if not isinstance(value, (dict, list))})
    raw_rows = [[str(record.get(key, "")) for key in raw_columns] for record in records[:PREVIEW_ROWS]]
    if len(records) == 1 and "csv" in records[0]:  # a sheet: show its first lines as the file preview does
        lines = str(records[0]["csv"]).splitlines()
        import csv

        table = list(csv.reader(lines[: PREVIEW_ROWS + 1]))
        raw_columns, raw_rows = (table[0], table[1:]) if table else ([], [])
    frame = service.frame(spec, records)
    columns, rows = _preview_rows(frame, PREVIEW_ROWS)
    notes = [f"{result.records} record(s) in the last day's first page, fetched in {result.seconds:.1f} s"]
    return SourcePreview(connector=service.label, raw_columns=raw_columns, raw_rows=raw_rows, parsed_columns=columns,
                         parsed_rows=rows, notes=notes + list(frame.notes) + [str(i) for i in frame.issues[:5]]
                         + list(frame.warnings), connector_key=service.key)


def _preview_rows(read: Any, count: int) -> tuple[list[str], list[list[str]]]:
    """The canonical frame's first rows as text, contact columns left out (as the file preview does)."""
    from connectors import CONTACT_COLUMNS

    frame = read.frame.drop(columns=[c for c in read.frame.columns if c in CONTACT_COLUMNS], errors="ignore")
    shown = [c for c in frame.columns if c != "_row"]

    def cell(value: Any) -> str:
        if hasattr(value, "strftime") and str(value) != "NaT":
            return value.strftime("%Y-%m-%d %H:%M")
        text = str(value)
        return "—" if text in ("NaT", "nan", "<NA>", "None") else text

    return shown, [[cell(v) for v in row] for row in frame[shown].head(count).itertuples(index=False)]


def test_live_source(ctx: TaskContext, spec: Any) -> str:
    """The Sources tab's Test for a live source: one page from the service, and what the store holds."""
    from ...live import display_address

    live = _live({})
    result = live.fetch(spec, max_pages=1)
    if not result.ok:
        raise RuntimeError(result.message)
    state = live.state(spec)
    held = f"{state.records:,} record(s) held, last fetch {state.last_good_at.astimezone():%d %b %H:%M}" \
        if state and state.last_good_at else "nothing fetched yet (the next report backfills)"
    return f"{display_address(spec)} reachable, authorised, one page read ({result.records} record(s)); {held}"


def backfill_source(ctx: TaskContext, spec: Any, typed: dict[str, str]) -> str:
    """The first connection's backfill (or a catch-up fetch), with its progress as steps."""
    from ...live import fetch_note

    problems = save_source_secrets(ctx, spec.name, typed)
    if problems:
        raise RuntimeError(problems[0])

    def progress(pages: int, total: int | None, records: int) -> None:
        ctx.progress(f"{pages}/{total or 0}/{records}")

    result = _live({}).fetch(spec, progress=progress)
    if not result.ok:
        raise RuntimeError(fetch_note(result))
    return fetch_note(result)


# -- the widget ---------------------------------------------------------------------------------------------


class ServiceFields(QWidget):
    """Connection fields of one service kind, its keys, and the Connect / Test and Backfill buttons."""

    connect_requested = Signal()
    backfill_finished = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = "file"
        self.fields: list[FieldInfo] = []
        self.secret_edits: dict[str, QLineEdit] = {}
        self.secret_status: dict[str, QLabel] = {}
        self._source_name = ""
        self._tasks: list[Task] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self.url = QLineEdit()
        self.url.setObjectName("service_url")
        self.url_help = QLabel()
        self.url_help.setWordWrap(True)
        self.url_help.setStyleSheet("color: palette(placeholder-text);")
        self.backfill_days = QSpinBox(minimum=1, maximum=3650, value=60, suffix=" days")
        self.overlap_days = QSpinBox(minimum=0, maximum=90, value=3, suffix=" days")
        self.backfill_days.setToolTip("Fetched on the first connection, so comparisons and the trend work at once.")
        self.overlap_days.setToolTip("Each fetch re-reads this many days before the last one: orders are edited.")
        self.secret_box = QWidget()
        self.secret_form = QFormLayout(self.secret_box)
        self.secret_form.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.connect_button = QPushButton("Connect / Test")
        self.connect_button.setToolTip("Fetch the last day's first page (nothing is stored) and show how it is read")
        self.backfill_button = QPushButton("Backfill now")
        self.backfill_button.setToolTip("Store the keys and fetch the backfill days now (otherwise the next "
                                        "report does it)")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        row.addWidget(self.connect_button)
        row.addWidget(self.backfill_button)
        row.addWidget(self.progress, 1)
        self.backfill_result = QLabel()
        self.backfill_result.setWordWrap(True)
        self.backfill_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow("Address", self.url)
        self.form.addRow("", self.url_help)
        self.window_row = QWidget()  # one row, not two: the editor must fit 1366×768 at 125%
        window = QHBoxLayout(self.window_row)
        window.setContentsMargins(0, 0, 0, 0)
        window.addWidget(self.backfill_days, 1)
        window.addWidget(QLabel("Overlap"))
        window.addWidget(self.overlap_days, 1)
        self.form.addRow("Backfill", self.window_row)
        outer.addWidget(self.secret_box)
        outer.addLayout(row)
        outer.addWidget(self.backfill_result)
        self.connect_button.clicked.connect(self.connect_requested)

    def set_kind(self, kind: str, source_name: str, source: Any | None = None) -> None:
        """Show the fields of `kind`; `source` fills them when editing an existing source."""
        self.kind, self._source_name = kind, source_name
        self.fields = service_fields(kind)
        url_field = next((f for f in self.fields if f.name == "url"), None)
        if url_field is not None:
            self.form.labelForField(self.url).setText(url_field.label)
            self.url.setPlaceholderText(url_field.placeholder)
            help_text = url_field.help
            if kind == "google_sheets":
                help_text += " ⚠ " + SHEETS_WARNING
            self.url_help.setText(help_text)
        if source is not None and getattr(source, "kind", "file") == kind:
            self.url.setText(source.url)
            self.backfill_days.setValue(source.backfill_days)
            self.overlap_days.setValue(source.overlap_days)
        self.form.setRowVisible(self.window_row, kind != "google_sheets")  # a sheet is read whole every time
        while self.secret_form.rowCount():
            self.secret_form.removeRow(0)
        self.secret_edits, self.secret_status = {}, {}
        for field in (f for f in self.fields if f.secret):
            edit = QLineEdit()
            edit.setObjectName(f"secret_{field.name}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(field.placeholder)
            status = QLabel("Checking the keyring…")
            status.setWordWrap(True)
            status.setStyleSheet("color: palette(placeholder-text);")
            status.setToolTip(field.help)
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(2)
            inner.addWidget(edit)
            inner.addWidget(status)
            self.secret_form.addRow(field.label, box)
            self.secret_edits[field.name], self.secret_status[field.name] = edit, status
        if self.secret_edits and source_name:
            task = run_in_background("live source keys", secret_states, source_name, list(self.secret_edits),
                                     parent=self, on_success=self._show_states, on_failure=lambda exc: None)
            self._tasks.append(task)
        else:
            self._show_states({name: "missing" for name in self.secret_edits})

    def _show_states(self, states: dict[str, str]) -> None:
        for name, state in states.items():
            status = self.secret_status.get(name)
            if status is None:
                continue
            field = next(f for f in self.fields if f.name == name)
            if state == "stored":
                status.setText("✓ Stored in the OS keyring. Type a new value to replace it.")
                self.secret_edits[name].setPlaceholderText("•••••••• (stored)")
            elif state == "missing":
                status.setText(f"{field.help} Kept in the OS keyring, never in settings.toml.")
            elif state.startswith("env:"):
                status.setText(f"Taken from the environment variable {state[4:]}.")
            else:
                status.setText(state)
                status.setStyleSheet("color: #C62828;")

    def values(self) -> dict[str, Any]:
        return {"url": self.url.text().strip(), "backfill_days": self.backfill_days.value(),
                "overlap_days": self.overlap_days.value()}

    def typed_secrets(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.secret_edits.items() if edit.text().strip()}

    def start_backfill(self, spec: Any) -> Task:
        self.backfill_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Connecting…")
        self.progress.show()
        self.backfill_result.setText("")
        task = run_in_background("live source backfill", backfill_source, spec, self.typed_secrets(), parent=self,
                                 on_success=lambda text: self._backfill_done(True, text),
                                 on_failure=lambda exc: self._backfill_done(False, str(exc)))
        task.progress.connect(self._backfill_progress)
        self._tasks.append(task)
        return task

    def _backfill_progress(self, step: str) -> None:
        pages, total, records = (int(part) for part in step.split("/"))
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(pages)
            self.progress.setFormat(f"page {pages} of {total} · {records} records")
        else:
            self.progress.setFormat(f"page {pages} · {records} records")

    def _backfill_done(self, ok: bool, text: str) -> None:
        self.backfill_button.setEnabled(True)
        self.progress.hide()
        color, mark = ("#2E7D32", "✓") if ok else ("#C62828", "✗")
        self.backfill_result.setText(f"<span style='color:{color}'>{mark}</span> {text}")
        self.backfill_finished.emit(ok, text)

"""Form rows built from the one settings declaration: the widget follows the field's type and
limits, the help text is the field's description. Tabs choose which fields to show and may
swap in a better widget for one field (a time picker, a weekday row...).
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, Literal, Protocol

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

WEEKDAY_STYLE = (
    "QToolButton { border: 1px solid palette(mid); border-radius: 4px; padding: 3px; }"
    "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
    " border-color: palette(highlight); }"
)
WEEKDAY_LABELS = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}


class Editor(Protocol):
    """A widget that edits one setting value."""

    def value(self) -> Any: ...

    def set_value(self, value: Any) -> None: ...


class LineEditor(QLineEdit):
    def value(self) -> str:
        return self.text().strip()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class CheckEditor(QCheckBox):
    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class IntEditor(QSpinBox):
    def value(self) -> int:  # type: ignore[override]
        return super().value()

    def set_value(self, value: Any) -> None:
        self.setValue(int(value))


class FloatEditor(QDoubleSpinBox):
    def value(self) -> float:  # type: ignore[override]
        return super().value()

    def set_value(self, value: Any) -> None:
        self.setValue(float(value))


class ChoiceEditor(QComboBox):
    """A fixed list (a Literal) or, with `editable`, suggestions the user may type past."""

    def __init__(self, choices: list[tuple[str, str]], editable: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(editable)
        for value, label in choices:
            self.addItem(label, value)

    def value(self) -> str:
        if self.isEditable():
            index = self.findText(self.currentText())
            return self.itemData(index) if index >= 0 else self.currentText().strip()
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self.findData(value)
        if index >= 0:
            self.setCurrentIndex(index)
        elif self.isEditable():
            self.setEditText(str(value))


class TimeEditor(QLineEdit):
    """HH:MM as settings.toml writes it, typed the way people type times.

    A QTimeEdit ignored "1930" typed over the selected time (it takes keys one section at a time); this
    masked line edit takes "1930" or "19:30" over a selection, overtypes the hour in place, and Up/Down
    step the hour or the minutes under the cursor.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setInputMask("99:99;_")
        self.setMaximumWidth(90)
        self.setText("19:00")

    def time(self) -> QTime:
        text = self.text()
        parsed = QTime.fromString(text, "HH:mm")
        if not parsed.isValid():
            parsed = QTime.fromString(text.replace("_", "0"), "HH:mm")  # "9:3_" typed half-way: 09:30
        return parsed

    def setTime(self, time: QTime) -> None:
        self.setText(time.toString("HH:mm"))

    def value(self) -> str:
        time = self.time()
        return time.toString("HH:mm") if time.isValid() else self.text().replace("_", "").strip(":")

    def set_value(self, value: Any) -> None:
        self.setTime(QTime.fromString(str(value), "HH:mm"))

    def keyPressEvent(self, event) -> None:
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(event.key())
        time = self.time()
        if step is None or not time.isValid():
            super().keyPressEvent(event)
            return
        cursor = self.cursorPosition()
        self.setTime(time.addSecs(step * (3600 if cursor <= 2 else 60)))
        self.setCursorPosition(cursor)


class WeekdayEditor(QWidget):
    """Seven toggle buttons, Monday first."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for key, label in WEEKDAY_LABELS.items():
            button = QToolButton(text=label, checkable=True)
            button.setObjectName(f"weekday_{key}")
            button.setStyleSheet(WEEKDAY_STYLE)
            button.setMinimumWidth(44)
            layout.addWidget(button)
            self.buttons[key] = button
        layout.addStretch(1)

    def value(self) -> list[str]:
        return [key for key, button in self.buttons.items() if button.isChecked()]

    def set_value(self, value: Any) -> None:
        for key, button in self.buttons.items():
            button.setChecked(key in value)


class DateListEditor(QWidget):
    """Closed dates: a list with a date picker to add and a button to remove."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMaximumHeight(72)
        row = QHBoxLayout()
        self.picker = QDateEdit(calendarPopup=True)
        self.picker.setDisplayFormat("ddd d MMM yyyy")
        self.picker.setDate(QDate.currentDate())
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        row.addWidget(self.picker)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self._dates: list[dt.date] = []

    def value(self) -> list[dt.date]:
        return list(self._dates)

    def set_value(self, value: Any) -> None:
        self._dates = sorted(set(value))
        self._refresh()

    def add(self, day: dt.date) -> None:
        self.set_value([*self._dates, day])

    def _add(self) -> None:
        date = self.picker.date()
        self.add(dt.date(date.year(), date.month(), date.day()))

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._dates):
            del self._dates[row]
            self._refresh()

    def _refresh(self) -> None:
        self.list.clear()
        for day in self._dates:
            self.list.addItem(day.strftime("%a %d %b %Y"))


def _limits(field: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for item in field.metadata:
        low = getattr(item, "ge", low)
        if getattr(item, "gt", None) is not None:
            low = item.gt
        high = getattr(item, "le", high)
    return low, high


def editor_for(field: FieldInfo) -> QWidget:
    """The natural widget for a field's type, limited by its declared bounds."""
    annotation = field.annotation
    low, high = _limits(field)
    if typing.get_origin(annotation) is Literal:
        return ChoiceEditor([(value, str(value)) for value in typing.get_args(annotation)])
    if annotation is bool:
        return CheckEditor()
    if annotation is int:
        editor = IntEditor()
        editor.setMaximumWidth(160)
        editor.setRange(int(low if low is not None else -1_000_000), int(high if high is not None else 1_000_000_000))
        return editor
    if annotation is float:
        editor = FloatEditor()
        editor.setMaximumWidth(160)
        editor.setDecimals(2)
        editor.setSingleStep(0.1)
        editor.setRange(float(low if low is not None else -1e9), float(high if high is not None else 1e9))
        return editor
    return LineEditor()


def muted_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    return label


class FieldForm(QWidget):
    """Rows for settings fields; `set_model` fills them, `values` reads them back.

    The rows usually come from one section (`model`, `names`); `add_field` adds a row from
    another section so related settings sit together with aligned labels.
    """

    def __init__(self, model: type[BaseModel], names: list[str], labels: dict[str, str] | None = None,
                 editors: dict[str, QWidget] | None = None, parent: QWidget | None = None,
                 describe: bool = True, quiet: tuple[str, ...] = ()):
        super().__init__(parent)
        self.model = model
        self.describe = describe
        self.quiet = set(quiet)  # fields whose widget already explains itself
        self.editors: dict[str, QWidget] = {}
        self.rows: dict[str, QWidget] = {}
        self._owner: dict[str, type[BaseModel]] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.setVerticalSpacing(10)
        self.form_layout = layout
        labels, editors = labels or {}, editors or {}
        for name in names:
            self.add_field(model, name, labels.get(name), editors.get(name))

    def add_field(self, model: type[BaseModel], name: str, label: str | None = None,
                  editor: QWidget | None = None) -> QWidget:
        field = model.model_fields[name]
        editor = editor or editor_for(field)
        editor.setObjectName(f"{model.__name__}.{name}")
        editor.setToolTip(field.description or "")
        self.editors[name] = editor
        self._owner[name] = model
        label = label or name.replace("_", " ").capitalize()
        row: QWidget = editor
        if self.describe and field.description and name not in self.quiet:
            row = QWidget()
            row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor, 0, Qt.AlignmentFlag.AlignLeft if _compact(editor) else Qt.AlignmentFlag(0))
            column.addWidget(muted_label(field.description))
        self.form_layout.addRow(label, row)
        self.rows[name] = row
        return editor

    def add_heading(self, text: str) -> None:
        heading = QLabel(text)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setContentsMargins(0, 10, 0, 0)
        self.form_layout.addRow(heading)

    def set_model(self, section: BaseModel) -> None:
        for name, editor in self.editors.items():
            if self._owner[name] is type(section):
                editor.set_value(getattr(section, name))  # type: ignore[attr-defined]

    def values(self, model: type[BaseModel] | None = None) -> dict[str, Any]:
        """The values of `model`'s rows (default: the form's own section)."""
        model = model or self.model
        return {name: editor.value() for name, editor in self.editors.items()  # type: ignore[attr-defined]
                if self._owner[name] is model}

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.form_layout.setRowVisible(self.rows[name], visible)


def _compact(editor: QWidget) -> bool:
    """Spin boxes, combo boxes and time pickers look wrong stretched across the dialog."""
    return isinstance(editor, (QSpinBox, QDoubleSpinBox, QComboBox, TimeEditor, QCheckBox))


class LinesEditor(QWidget):
    """A list of short strings, one per line (Telegram destinations)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        from PySide6.QtWidgets import QPlainTextEdit

        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setTabChangesFocus(True)  # one chat per line: Tab moves on instead of typing a tab
        self.edit.setMaximumHeight(80)
        layout.addWidget(self.edit)

    def value(self) -> list[str]:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("\n".join(value))

"""Insights tab: who writes the insights (an OpenAI-compatible endpoint, or plain rules), and the prompt.

The prompt templates can be edited here; Preview renders them against the latest report and shows the
exact messages and payload that would be sent; Test asks the endpoint; Reset goes back to the default
(the owner's copy is kept as a .bak file).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...insights.llm import PROVIDER_PRESETS
from ...insights.prompts import TEMPLATE_NAMES, default_template, load_template
from ...paths import AppPaths
from ...secrets import Secret
from ...settings import InsightsSettings, Settings
from .. import jobs
from ..plain_words import plain_error
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, FieldForm
from ..window_fit import fit_window
from ..worker import run_in_background

PROVIDERS = [("none", "None: plain rules, nothing leaves this PC"), ("openai", "OpenAI"),
             ("ollama", "Ollama (on this PC)"), ("lmstudio", "LM Studio (on this PC)"),
             ("custom", "Other OpenAI-compatible server")]
TEMPLATE_LABELS = {"system": "System message (the instructions)", "user": "User message (the day's numbers)"}


def _mono(editor: QPlainTextEdit) -> QPlainTextEdit:
    editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return editor


class PromptPreview(QDialog):
    """The exact system and user messages and the JSON payload, as they would be sent."""

    def __init__(self, rendered, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Prompt preview")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"About <b>{rendered.tokens_estimate:,}</b> tokens. Only these numbers are sent: "
                                "no names, phone numbers or files."))
        tabs = QTabWidget()
        self.texts: dict[str, QPlainTextEdit] = {}
        for title, text in (("System", rendered.system), ("User", rendered.user),
                            ("Payload (JSON)", json.dumps(rendered.payload, ensure_ascii=False, indent=2))):
            view = _mono(QPlainTextEdit(text))
            view.setReadOnly(True)
            self.texts[title] = view
            tabs.addTab(view, title)
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, "prompt-preview", QSize(760, 560))


class InsightsTab(QWidget):
    title = "Insights"
    sections = ("insights",)
    preview_shown = Signal(object)  # the PromptPreview dialog
    test_done = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None, *, paths: AppPaths | None = None,
                 history_path: Path | None = None,
                 current_settings: Callable[[], Settings | None] = lambda: None):
        super().__init__(parent)
        self.paths = paths
        self.history_path = history_path
        self.current_settings = current_settings
        self.preview: PromptPreview | None = None
        layout = QVBoxLayout(self)
        self.form = FieldForm(
            InsightsSettings, ["provider", "base_url", "model", "timeout_s", "temperature", "max_retries",
                               "monthly_token_cap"],
            labels={"base_url": "Base URL", "timeout_s": "Timeout (s)", "max_retries": "Retries",
                    "monthly_token_cap": "Monthly token cap"},
            editors={"provider": ChoiceEditor(PROVIDERS)}, describe=False,
        )
        self.api_key = SecretField(Secret.LLM_API_KEY, "sk-… (not needed for Ollama or LM Studio)")
        self.form.form_layout.insertRow(3, "API key", self.api_key)
        model_box = QGroupBox("AI model")
        QVBoxLayout(model_box).addWidget(self.form)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        model_box.layout().addLayout(test_row)
        layout.addWidget(model_box)

        prompt_box = QGroupBox("Prompt")
        prompt_layout = QVBoxLayout(prompt_box)
        row = QHBoxLayout()
        self.template_choice = QComboBox()
        for name in TEMPLATE_NAMES:
            self.template_choice.addItem(TEMPLATE_LABELS.get(name, name), name)
        self.template_state = QLabel()
        self.template_state.setStyleSheet("color: palette(placeholder-text);")
        row.addWidget(self.template_choice)
        row.addWidget(self.template_state, 1)
        prompt_layout.addLayout(row)
        self.template_edit = _mono(QPlainTextEdit())
        self.template_edit.setMinimumHeight(160)
        self.template_edit.setTabChangesFocus(True)  # Tab leaves the editor; the templates need no tab characters
        self.template_edit.setObjectName("template_edit")
        prompt_layout.addWidget(self.template_edit, 1)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("Preview…")
        self.reset_button = QPushButton("Reset to default")
        self.prompt_message = QLabel()
        self.prompt_message.setWordWrap(True)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.prompt_message, 1)
        prompt_layout.addLayout(buttons)
        layout.addWidget(prompt_box, 1)

        self.templates: dict[str, str] = {}
        self._shown: str | None = None
        self.form.editors["provider"].currentIndexChanged.connect(self._provider_changed)
        self.template_choice.currentIndexChanged.connect(self._template_chosen)
        self.template_edit.textChanged.connect(self._template_edited)
        self.preview_button.clicked.connect(self.show_preview)
        self.reset_button.clicked.connect(self.reset_template)
        self.test_button.clicked.connect(self.test_endpoint)

    # -- model ----------------------------------------------------------------------------------------

    def _provider_changed(self) -> None:
        provider = self.form.editors["provider"].value()
        on = provider != "none"
        for name in ("base_url", "model", "timeout_s", "temperature", "max_retries", "monthly_token_cap"):
            self.form.editors[name].setEnabled(on)
        self.api_key.setEnabled(on)
        self.test_button.setEnabled(on)
        self.form.editors["base_url"].setPlaceholderText(PROVIDER_PRESETS.get(provider, "") or
                                                         "http://host:port/v1")

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.insights)
        self._provider_changed()
        if self.paths is not None:
            self.templates = {name: load_template(self.paths, name) for name in TEMPLATE_NAMES}
            self._shown = None
            self._template_chosen()

    def apply(self, data: dict[str, Any]) -> None:
        data["insights"].update(self.form.values())

    def secret_changes(self) -> dict[Secret, str | None]:
        change = self.api_key.change()
        return {} if change is KEEP else {Secret.LLM_API_KEY: change}

    def test_endpoint(self) -> None:
        settings = self.current_settings()
        if settings is None:
            return
        self.test_result.setText("Asking the endpoint…")
        self.test_button.setEnabled(False)

        def done(check) -> None:
            self.test_button.setEnabled(True)
            color = "#2E7D32" if check.ok else "#C62828"
            self.test_result.setText(f"<span style='color:{color}'>{'✓' if check.ok else '✗'}</span> "
                                     + "<br>".join(escape(plain_error(line)) for line in check.lines))
            self.test_done.emit(check.ok, "\n".join(check.lines))

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText(f"<span style='color:#C62828'>✗</span> {escape(plain_error(exc))}")
            self.test_done.emit(False, str(exc))

        run_in_background("endpoint test", jobs.endpoint_test, settings, parent=self, on_success=done,
                          on_failure=failed)

    # -- templates ------------------------------------------------------------------------------------

    def _template_chosen(self) -> None:
        name = self.template_choice.currentData()
        self._shown = None
        self.template_edit.setPlainText(self.templates.get(name, ""))
        self._shown = name
        self._template_edited()

    def _template_edited(self) -> None:
        if self._shown is None:
            return
        self.templates[self._shown] = self.template_edit.toPlainText()
        is_default = self.templates[self._shown] == default_template(self._shown)
        self.template_state.setText("the default" if is_default else "edited by you")
        self.reset_button.setEnabled(not is_default)

    def reset_template(self) -> None:
        self.template_edit.setPlainText(default_template(self.template_choice.currentData()))
        self.prompt_message.setText("Back to the default; your version is kept as a .bak file when you press OK.")

    def changed_templates(self) -> dict[str, str]:
        """Templates that differ from what is on disk now: the dialog saves (or resets) these on OK."""
        if self.paths is None:
            return {}
        return {name: text for name, text in self.templates.items() if text != load_template(self.paths, name)}

    def show_preview(self) -> None:
        settings = self.current_settings()
        if settings is None or self.paths is None or self.history_path is None:
            return
        self.prompt_message.setText("Rendering the latest report…")  # a broken template fails there, off this thread

        def show(rendered) -> None:
            self.prompt_message.setText("")
            self.preview = PromptPreview(rendered, self)
            self.preview.show()
            self.preview_shown.emit(self.preview)

        run_in_background("prompt preview", jobs.prompt_preview, settings, self.paths, self.history_path,
                          dict(self.templates), parent=self, on_success=show,
                          on_failure=lambda exc: self.prompt_message.setText(
                              f"<span style='color:#C62828'>{escape(plain_error(exc))}</span>"))

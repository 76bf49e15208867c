"""Insights tab: who writes the insights (an OpenAI-compatible endpoint, or plain rules)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from ...secrets import Secret
from ...settings import InsightsSettings, Settings
from ..secret_field import KEEP, SecretField
from ..settings_form import ChoiceEditor, FieldForm

PROVIDERS = [("none", "None: plain rules, nothing leaves this PC"), ("openai", "OpenAI"),
             ("ollama", "Ollama (on this PC)"), ("lmstudio", "LM Studio (on this PC)"),
             ("custom", "Other OpenAI-compatible server")]


class InsightsTab(QWidget):
    title = "Insights"
    sections = ("insights",)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.form = FieldForm(
            InsightsSettings, ["provider", "base_url", "model", "timeout_s", "temperature", "max_retries",
                               "monthly_token_cap"],
            labels={"base_url": "Base URL", "timeout_s": "Timeout (s)", "max_retries": "Retries",
                    "monthly_token_cap": "Monthly token cap"},
            editors={"provider": ChoiceEditor(PROVIDERS)}, describe=False,
        )
        self.api_key = SecretField(Secret.LLM_API_KEY, "sk-… (not needed for Ollama or LM Studio)")
        self.form.form_layout.insertRow(3, "API key", self.api_key)
        group = QGroupBox("AI model")
        QVBoxLayout(group).addWidget(self.form)
        self.layout_.addWidget(group)
        self.layout_.addStretch(1)
        self.form.editors["provider"].currentIndexChanged.connect(self._provider_changed)

    def _provider_changed(self) -> None:
        on = self.form.editors["provider"].value() != "none"
        for name in ("base_url", "model", "timeout_s", "temperature", "max_retries", "monthly_token_cap"):
            self.form.editors[name].setEnabled(on)
        self.api_key.setEnabled(on)

    def load(self, settings: Settings) -> None:
        self.form.set_model(settings.insights)
        self._provider_changed()

    def apply(self, data: dict[str, Any]) -> None:
        data["insights"].update(self.form.values())

    def secret_changes(self) -> dict[Secret, str | None]:
        change = self.api_key.change()
        return {} if change is KEEP else {Secret.LLM_API_KEY: change}


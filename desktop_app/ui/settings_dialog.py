"""The settings dialog: one tab per area, validated by the one declaration in settings.py.

OK validates everything, writes settings.toml (atomically, the old file kept as .bak) and hands
changed secrets to the keyring on a worker thread; Cancel discards. A secret never reaches the file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ..paths import AppPaths
from ..secrets import Secret
from ..settings import Settings, SettingsError, save_settings
from . import jobs
from .icons import app_icon
from .mnemonics import assign_mnemonics, marked_letter
from .page_tabs import PageTabs
from .settings_tabs.alerts import AlertsTab
from .settings_tabs.business import BusinessTab
from .settings_tabs.channels import ChannelsTab
from .settings_tabs.insights import InsightsTab
from .settings_tabs.schedule import ScheduleTab
from .settings_tabs.sources import SourcesTab
from .window_fit import fit_window
from .worker import run_in_background

log = logging.getLogger("business_orchestrator.ui.settings")


def error_lines(exc: ValidationError) -> list[tuple[str, str]]:
    """(dotted key, message) per problem, e.g. ('business.timezone', "'Mars' is not a time zone...")."""
    return [(".".join(str(part) for part in error["loc"]), error["msg"].removeprefix("Value error, "))
            for error in exc.errors()]


class SettingsDialog(QDialog):
    saved = Signal(object)  # the Settings now in settings.toml
    secrets_saved = Signal(list)  # problems (empty = all written)
    prompt_checked = Signal(list)  # problems with edited prompt templates (empty = fine), after OK

    def __init__(self, settings: Settings, paths: AppPaths, parent: QWidget | None = None, *,
                 telegram_client_factory=None, history_path: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Business Orchestrator — Settings")
        self.setWindowIcon(app_icon())
        self.settings = settings
        self.paths = paths
        self.saved_settings: Settings | None = None
        layout = QVBoxLayout(self)
        self.tabs = PageTabs()  # every page scrolls: the dialog fits a 1280×720 screen
        self.business, self.sources = BusinessTab(), SourcesTab()
        self.insights = InsightsTab(paths=paths, history_path=history_path or paths.history_db,
                                    current_settings=self.validated)
        self.schedule = ScheduleTab()
        self.channels = ChannelsTab(history_db=paths.history_db, client_factory=telegram_client_factory,
                                    current_settings=self.validated, paths=paths)
        self.telegram = self.channels.telegram  # Telegram lives in the Channels tab
        self.alerts = AlertsTab()
        self.pages = [self.business, self.sources, self.insights, self.channels, self.schedule, self.alerts]
        for page in self.pages:
            self.tabs.addTab(page, page.title)
            page.load(settings)
        layout.addWidget(self.tabs, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet("background: #FFEBEE; color: #B71C1C; border-radius: 6px; padding: 8px;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.open_file_button = self.buttons.addButton("Open the settings &file", QDialogButtonBox.ButtonRole.HelpRole)
        self.open_file_button.setToolTip(str(paths.settings_file))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.open_file_button.clicked.connect(self._open_file)
        self.setMinimumSize(520, 400)
        fit_window(self, "settings", QSize(820, 700))
        self._keyboard()
        self._load_secret_status()

    def _keyboard(self) -> None:
        """Alt+letters: the tabs and the bottom buttons first, then each page's own buttons and fields."""
        base = assign_mnemonics(self.buttons, {marked_letter(self.tabs.tabText(i)) for i in range(self.tabs.count())})
        for page in self.pages:
            assign_mnemonics(page, base)

    def show_tab(self, name: str) -> None:
        """Bring the page titled `name` (case-insensitive: "sources", "telegram"…) to the front."""
        for page in self.pages:
            if page.title.lower() == name.lower():
                self.tabs.setCurrentWidget(page)
                return
        if name.lower() in self.channels.pages:  # "telegram", "email"…: their page in the Channels tab
            self.tabs.setCurrentWidget(self.channels)
            self.channels.show_key(name.lower())

    def _secret_fields(self) -> dict:
        return {**self.insights_fields(), **self.channels.secrets,
                Secret.HISTORY_DB_PASSWORD: self.business.history_password}

    def insights_fields(self) -> dict:
        return {Secret.LLM_API_KEY: self.insights.api_key}

    def _load_secret_status(self) -> None:
        fields = self._secret_fields()

        def show(states: dict) -> None:
            for secret, state in states.items():
                fields[secret].set_status(state)

        run_in_background("keyring status", jobs.secret_status, list(fields), parent=self, on_success=show)

    # -- OK -------------------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        """Every tab's values over the current settings, as plain data for validation."""
        data = self.settings.model_dump(mode="python")
        for page in self.pages:
            page.apply(data)
        return data

    def validated(self) -> Settings | None:
        try:
            return Settings.model_validate(self.collect())
        except ValidationError as exc:
            problems = error_lines(exc)
            self.error.setText("Please fix: " + "; ".join(f"{self._where(key)}: {message}"
                                                          for key, message in problems))
            self.error.show()
            page = self._page_for(problems[0][0])
            self.tabs.setCurrentWidget(page)
            if hasattr(page, "show_key"):
                page.show_key(problems[0][0])  # e.g. the Channels tab opens the channel with the problem
            return None

    def _where(self, key: str) -> str:
        """ "business.timezone" -> "Time zone (Business tab)": the field as the owner sees it."""
        section, _, name = key.partition(".")
        field = Settings.model_fields.get(section)
        model = getattr(field.annotation, "__name__", "") if field is not None else ""
        page = self._page_for(key)
        editor = self.findChild(QWidget, f"{model}.{name.split('.')[0]}") if model and name else None
        label = None
        if editor is not None:
            form = editor.parentWidget()
            while form is not None and not hasattr(form, "form_layout"):
                form = form.parentWidget()
            row = form.rows.get(name.split(".")[0]) if form is not None else None
            found = form.form_layout.labelForField(row) if row is not None else None
            label = found.text().replace("&", "") if found is not None else None
        index, _, rest = name.partition(".")
        if index.isdigit():  # "sources.0.path" -> "Source 1, path"
            name = f"{section.rstrip('s')} {int(index) + 1}, {rest.replace('_', ' ')}" if rest else \
                f"{section.rstrip('s')} {int(index) + 1}"
        words = label or name.replace("_", " ").replace(".", " ").capitalize() or section.capitalize()
        return f"{words} ({page.title} tab)"

    def _page_for(self, key: str) -> QWidget:
        best, length = self.pages[0], -1
        for page in self.pages:
            for prefix in page.sections:
                if (key == prefix or key.startswith(prefix + ".")) and len(prefix) > length:
                    best, length = page, len(prefix)
        return best

    def accept(self) -> None:
        settings = self.validated()
        if settings is None:
            return
        edited = self.insights.changed_templates()
        if not edited:
            self._save(settings)
            return
        # Rendering a template can take up to its time budget: never on the GUI thread.
        self.buttons.setEnabled(False)

        def checked(problems: list[str]) -> None:
            self.buttons.setEnabled(True)
            self.prompt_checked.emit(problems)
            if problems:
                self.error.setText("Please fix the prompt: " + "; ".join(problems))
                self.error.show()
                self.tabs.setCurrentWidget(self.insights)
            else:
                self._save(settings)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            checked([f"the prompt could not be checked ({exc})"])

        run_in_background("prompt check", jobs.template_problems, edited, parent=self, on_success=checked,
                          on_failure=failed)

    def _save(self, settings: Settings) -> None:
        try:
            save_settings(settings, self.paths.settings_file)
            self._save_templates()
        except (OSError, SettingsError) as exc:
            self.error.setText(f"settings.toml could not be written: {exc}")
            self.error.show()
            return
        changes = {**self.insights.secret_changes(), **self.channels.secret_changes(),
                   **self.business.secret_changes()}
        if changes:
            run_in_background("save secrets", jobs.save_secrets, changes,
                              on_success=self.secrets_saved.emit)
        if settings.schedule.start_at_login != self.settings.schedule.start_at_login:
            run_in_background("start at login", jobs.apply_start_at_login, settings.schedule.start_at_login)
        log.info("settings saved to %s", self.paths.settings_file)
        self.saved_settings = settings
        self.saved.emit(settings)
        super().accept()

    def _save_templates(self) -> None:
        from ..insights.prompts import default_template, reset_template, save_template

        for name, text in self.insights.changed_templates().items():
            if text == default_template(name):
                reset_template(self.paths, name)  # the owner's copy is kept as .bak
            else:
                save_template(self.paths, name, text)

    def _open_file(self) -> None:
        from PySide6.QtCore import QUrl

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.settings_file)))

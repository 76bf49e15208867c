"""Every folder the app uses, in one place.

Platform folders come from platformdirs; `BUSINESS_ORCHESTRATOR_HOME` puts all of them
under one folder instead (tests, portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from platformdirs import PlatformDirs

APP_NAME = "BusinessOrchestrator"
HOME_ENV = "BUSINESS_ORCHESTRATOR_HOME"


class AppPaths(NamedTuple):
    """A NamedTuple, not a dataclass: this is on the tray's start-up path and `dataclasses` costs ~4 ms there."""

    config: Path
    data: Path
    logs: Path
    cache: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.toml"

    @property
    def prompts(self) -> Path:
        """The owner's edited prompt templates; they override the bundled defaults."""
        return self.config / "prompts"

    @property
    def history_db(self) -> Path:
        return self.data / "history.sqlite3"

    @property
    def summary_log(self) -> Path:
        return self.data / "business_summary_log.csv"

    @property
    def demo_workspace(self) -> Path:
        return self.data / "demo"

    def ensure(self) -> AppPaths:
        for folder in (self.config, self.data, self.logs, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Resolve the folders now (the environment variable is read on every call, for tests)."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(config=root / "config", data=root / "data", logs=root / "logs", cache=root / "cache")
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        config=Path(dirs.user_config_dir),
        data=Path(dirs.user_data_dir),
        logs=Path(dirs.user_log_dir),
        cache=Path(dirs.user_cache_dir),
    )

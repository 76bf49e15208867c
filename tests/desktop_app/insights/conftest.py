"""Fixtures for the AI insights: a real OpenAI-compatible server on 127.0.0.1 and fresh seed files."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SourceSpec
from desktop_app.paths import AppPaths, app_paths
from desktop_app.pipeline import run_report
from desktop_app.report import Report
from desktop_app.settings import InsightsSettings, Settings
from tests.llm_server import LLMServer
from tests.samples import write_seed_files

DAY = dt.date(2026, 11, 24)  # a Tuesday
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own BO_LLM_API_KEY must never change (or leak into) a test."""
    monkeypatch.delenv("BO_LLM_API_KEY", raising=False)


@pytest.fixture
def llm_server() -> Iterator[LLMServer]:
    with LLMServer() as server:
        yield server


def ai_settings(server: LLMServer, **insights) -> Settings:
    values = {"provider": "custom", "base_url": server.base_url, "model": "test-model", "timeout_s": 5.0,
              "max_retries": 1} | insights
    return Settings(insights=InsightsSettings(**values))


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


def touch(path: Path, day: dt.date = DAY) -> Path:
    stamp = dt.datetime.combine(day, dt.time(18), IST).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def seed_files(tmp_path: Path) -> dict[str, Path]:
    """The seed script's three undated files, fresh for DAY."""
    files = write_seed_files(tmp_path)
    for path in files.values():
        touch(path)
    return files


def specs(files: dict[str, Path]) -> list[SourceSpec]:
    return [SourceSpec(name=path.name, domain=domain, path=str(path)) for domain, path in files.items()]


def run(settings: Settings, files: dict[str, Path], **kwargs) -> Report:
    return run_report(settings, app_paths().ensure(), DAY, specs=specs(files), **kwargs)

"""Fixtures for the AI insights: a real OpenAI-compatible server on 127.0.0.1 and fresh seed files."""

from __future__ import annotations

import datetime as dt
import json
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
    """The seed script's three undated files, fresh for DAY: sales ₹5,500.50 from 3 orders, 3 leads, 3 of 4."""
    sales = tmp_path / "sales_today.csv"
    sales.write_text("order_id,amount\n1,1200\n2,3500.50\n3,800\n", encoding="utf-8")
    leads = tmp_path / "leads_today.json"
    leads.write_text(json.dumps([{"name": "Ravi", "source": "IndiaMART"}, {"name": "Sita", "source": "Website"},
                                 {"name": "Kiran", "source": "IndiaMART"}]), encoding="utf-8")
    attendance = tmp_path / "attendance_today.csv"
    attendance.write_text("employee,present\nAsha,yes\nBina,no\nChetan,yes\nDev,yes\n", encoding="utf-8")
    for path in (sales, leads, attendance):
        touch(path)
    return {"sales": sales, "leads": leads, "attendance": attendance}


def specs(files: dict[str, Path]) -> list[SourceSpec]:
    return [SourceSpec(name=path.name, domain=domain, path=str(path)) for domain, path in files.items()]


def run(settings: Settings, files: dict[str, Path], **kwargs) -> Report:
    return run_report(settings, app_paths().ensure(), DAY, specs=specs(files), **kwargs)

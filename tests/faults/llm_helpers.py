"""Shared by the LLM and template fault suites: the seed day's report and settings for a test server."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.base import SourceSpec
from desktop_app.insights.engine import InsightResult, write_insights
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.report import Report
from desktop_app.settings import InsightsSettings, Settings
from tests.llm_server import LLMServer
from tests.samples import write_seed_files

DAY = dt.date(2026, 11, 24)  # a Tuesday
IST = ZoneInfo("Asia/Kolkata")
# The seed day: sales ₹5,500.50 (payload 5501) from 3 orders, average ₹1,834; 3 leads (IndiaMART 2,
# Website 1); attendance 3 of 4 = 75.0%.
GOOD = [
    "Sales were ₹5,501 from 3 orders, an average order of ₹1,834.",
    "IndiaMART brought 2 of the 3 new leads (66.7%).",
    "Attendance was 75% with 1 of 4 staff absent.",
]


def settings_for(server: LLMServer, **insights) -> Settings:
    values = {"provider": "custom", "base_url": server.base_url, "model": "test-model", "timeout_s": 5.0,
              "max_retries": 1} | insights
    return Settings(insights=InsightsSettings(**values))


def seed_report(folder: Path) -> Report:
    """The seed day's KPIs with rules insights, nothing saved: the starting point for `write_insights`."""
    files = write_seed_files(folder)
    stamp = dt.datetime.combine(DAY, dt.time(18), IST).timestamp()
    for path in files.values():
        os.utime(path, (stamp, stamp))
    specs = [SourceSpec(name=path.name, domain=domain, path=str(path)) for domain, path in files.items()]
    return run_report(Settings(), app_paths().ensure(), DAY, specs=specs, offline=True, save=False)


def timed_insights(report: Report, settings: Settings, **kwargs) -> tuple[InsightResult, float]:
    started = time.monotonic()
    result = write_insights(report, settings=settings, paths=app_paths().ensure(), history={}, **kwargs)
    return result, time.monotonic() - started

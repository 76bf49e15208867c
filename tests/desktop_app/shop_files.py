"""Crafted export files for the issue-14 tests: a small shop's sales, leads and attendance."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop_app.settings import Settings, SourceSettings, TelegramSettings

IST = ZoneInfo("Asia/Kolkata")
Sale = tuple  # (bill, day, amount, item, channel[, status])


def touch(path: Path, day: dt.date, hour: int = 21) -> Path:
    stamp = dt.datetime.combine(day, dt.time(hour), IST).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def write_sales(path: Path, rows: list[Sale], *, mtime: dt.date) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Invoice No", "Invoice Date", "Amount", "Item", "Channel", "Status"])
        for bill, day, amount, item, channel, *status in rows:
            out.writerow([bill, f"{day:%Y-%m-%d} 12:00", amount, item, channel, status[0] if status else "Paid"])
    return touch(path, mtime)


def write_leads(path: Path, rows: list[tuple[dt.datetime, str]], *, mtime: dt.date) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Lead Date", "Lead Source"])
        for stamp, source in rows:
            out.writerow([f"{stamp:%Y-%m-%d %H:%M}", source])
    return touch(path, mtime)


def write_attendance(path: Path, days: list[dt.date], staff: int, *, mtime: dt.date, absent: int = 1) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Date", "Employee", "Status"])
        for day in days:
            for person in range(staff):
                out.writerow([f"{day:%Y-%m-%d}", f"E{person}", "A" if person < absent else "P"])
    return touch(path, mtime)


def settings_for(*sources: tuple[str, str, Path] | tuple[str, str, Path, str], **sections) -> Settings:
    """Settings with these (name, domain, path[, branch]) sources and any sections given."""
    listed = [SourceSettings(name=name, domain=domain, path=str(path), branch=rest[0] if rest else "")
              for name, domain, path, *rest in sources]
    return Settings(sources=listed, **sections)


def telegram(*destinations: str) -> TelegramSettings:
    return TelegramSettings(enabled=True, destinations=list(destinations) or ["me"])


def app_home(monkeypatch, folder: Path):
    """A fresh app home in `folder` for this test (the environment variable the app reads)."""
    from desktop_app.paths import app_paths

    monkeypatch.setenv("BUSINESS_ORCHESTRATOR_HOME", str(folder))
    return app_paths().ensure()


def generated_settings(data) -> Settings:
    """The sources of bench.generate's exports: orders, leads and attendance."""
    return settings_for(("Orders", "sales", data.orders), ("Leads", "leads", data.leads),
                        ("Staff", "attendance", data.attendance))


def report_and_history(settings: Settings, paths, day: dt.date) -> tuple[dict, dict]:
    """A saved report (its moment of writing left out) and every day history then holds, as dicts."""
    from desktop_app.history import HistoryStore
    from desktop_app.pipeline import run_report

    report = run_report(settings, paths, day, offline=True).to_dict()
    report.pop("generated_at", None)
    bodies = HistoryStore(paths.history_db).bodies(day - dt.timedelta(days=400), day)
    for body in bodies.values():
        body.pop("generated_at", None)
    return report, bodies

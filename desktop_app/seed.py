"""import-seed: adopt a folder from the original script (data/*_today files, .env, CSV log)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from .history import HistoryStore, report_from_log_row
from .settings import Settings, SourceSettings

SEED_FILES = (
    ("sales", "sales_today.csv", "Seed sales (sales_today.csv)"),
    ("leads", "leads_today.json", "Seed leads (leads_today.json)"),
    ("attendance", "attendance_today.csv", "Seed attendance (attendance_today.csv)"),
)
TELEGRAM_KEYS = ("API_ID", "API_HASH", "SESSION_NAME", "DEST_CHAT")


@dataclass
class SeedImport:
    settings: Settings
    added_sources: list[str] = field(default_factory=list)
    history_rows: int = 0
    skipped_history_rows: int = 0
    notes: list[str] = field(default_factory=list)


def _find(folder: Path, name: str) -> Path | None:
    for candidate in (folder / "data" / name, folder / name):
        if candidate.is_file():
            return candidate.resolve()
    return None


def import_seed(folder: Path, settings: Settings, store: HistoryStore) -> SeedImport:
    """Turn a seed folder into sources and settings, and its CSV log into history.

    Existing sources and reports win: nothing the user already has is replaced.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"seed folder not found: {folder}")
    result = SeedImport(settings=settings.model_copy(deep=True))
    known = {Path(source.path).expanduser().resolve() for source in result.settings.sources}
    for domain, name, label in SEED_FILES:
        path = _find(folder, name)
        if path is None:
            result.notes.append(f"{name}: not found in {folder} or {folder / 'data'}")
        elif path in known:
            result.notes.append(f"{name}: already a source")
        else:
            result.settings.sources.append(SourceSettings(name=label, domain=domain, path=str(path)))
            result.added_sources.append(label)

    env_file = folder / ".env"
    env = {key: value for key, value in dotenv_values(env_file).items() if value} if env_file.is_file() else {}
    interval = env.get("UPDATE_INTERVAL")
    if interval:
        try:
            minutes = int(float(interval))
            result.settings.schedule.mode, result.settings.schedule.interval_minutes = "interval", max(minutes, 1)
            result.notes.append(f"UPDATE_INTERVAL={interval}: schedule set to every {minutes} minutes")
        except ValueError:
            result.notes.append(f"UPDATE_INTERVAL={interval!r} is not a number: schedule left as it was")
    telegram = [key for key in TELEGRAM_KEYS if key in env]
    if telegram:
        result.notes.append(f"{', '.join(telegram)}: not imported yet (Telegram delivery is not set up in this "
                            "version); they stay in the seed's .env")

    log_file = _find(folder, "business_summary_log.csv")
    if log_file:
        latest: dict[str, dict[str, str]] = {}
        with log_file.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                latest[row.get("date", "")] = row  # the seed appended a row per run: the last one wins
        for row in latest.values():
            try:
                report = report_from_log_row(row, settings.business.currency, settings.business.name)
            except (KeyError, ValueError) as exc:
                result.notes.append(f"{log_file.name}: row for {row.get('date')!r} skipped ({exc})")
                continue
            if store.has(report.date):
                result.skipped_history_rows += 1
                continue
            store.save(report)
            result.history_rows += 1
    return result

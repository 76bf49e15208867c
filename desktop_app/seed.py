"""import-seed: adopt a folder from the original script (data/*_today files, .env, CSV log)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from .history import HistoryStore, report_from_log_row
from .secrets import Secret, SecretStoreUnavailable, get_secret, set_secret
from .settings import Settings, SourceSettings, TelegramSettings

SEED_FILES = (
    ("sales", "sales_today.csv", "Seed sales (sales_today.csv)"),
    ("leads", "leads_today.json", "Seed leads (leads_today.json)"),
    ("attendance", "attendance_today.csv", "Seed attendance (attendance_today.csv)"),
)
TELEGRAM_KEYS = ("API_ID", "API_HASH", "SESSION_NAME", "DEST_CHAT", "BOT_TOKEN")
_BARE_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


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
        result.notes.append(_import_interval(interval, result.settings))
    if any(key in env for key in TELEGRAM_KEYS):
        result.notes += _import_telegram(folder, env, result.settings)

    log_file = _find(folder, "business_summary_log.csv")
    if log_file:
        _import_log(log_file, settings, store, result)
    return result


def _import_interval(value: str, settings: Settings) -> str:
    """The seed's UPDATE_INTERVAL is in seconds (its README: `UPDATE_INTERVAL=1800  # every 30 min`)."""
    try:
        seconds = float(value)
    except ValueError:
        return f"UPDATE_INTERVAL={value!r} is not a number of seconds: schedule left as it was"
    if not math.isfinite(seconds) or seconds <= 0:
        return f"UPDATE_INTERVAL={value!r} is not a positive number of seconds: schedule left as it was"
    minutes = max(1, math.ceil(seconds / 60))
    settings.schedule.mode, settings.schedule.interval_minutes = "interval", minutes
    rounded = "" if seconds == minutes * 60 else ", rounded up to whole minutes (the shortest is 1)"
    return f"UPDATE_INTERVAL={value} seconds: schedule set to every {minutes} minute(s){rounded}"


def _import_log(log_file: Path, settings: Settings, store: HistoryStore, result: SeedImport) -> None:
    """Past days from the seed's CSV log; headers are matched by meaning (`Date,Total Sales,...` works too)."""
    try:
        with log_file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            mapping = log_columns(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        result.notes.append(f"{log_file.name}: could not be read ({exc.__class__.__name__}: {str(exc)[:120]}); "
                            "no history imported")
        return
    if "date" not in mapping.values():
        shown = ", ".join(repr(name[:40]) for name in (reader.fieldnames or [])[:12]) or "none"
        result.notes.append(f"{log_file.name}: no date column (headers: {shown}); no history imported. Name the "
                            "column with the report dates 'date' and run import-seed again")
        return
    unknown = [name for name in reader.fieldnames or [] if name not in mapping]
    if unknown:
        result.notes.append(f"{log_file.name}: column(s) not used: {', '.join(repr(n[:40]) for n in unknown[:8])}")
    latest: dict[dt.date, dict[str, str]] = {}
    for number, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {mapping[name]: (value or "").strip() for name, value in raw.items() if name in mapping}
        try:
            day = log_date(row.get("date", ""))
            row = clean_log_row(row, day)
        except ValueError as exc:
            result.notes.append(f"{log_file.name}, line {number}: skipped ({exc})")
            continue
        latest[day] = row  # the seed appended a row per run: the last one wins
    for row in latest.values():
        report = report_from_log_row(row, settings.business.currency, settings.business.name)
        if store.has(report.date):
            result.skipped_history_rows += 1
            continue
        store.save(report)
        result.history_rows += 1


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9%]+", "_", name.strip().lower()).strip("_")


_LOG_ALIASES = {
    "date": ("date", "day", "report_date", "business_date"),
    "total_sales": ("total_sales", "sales", "sales_total", "total", "revenue", "turnover", "total_sales_inr",
                    "total_sales_rs", "total_sales_₹"),
    "orders": ("orders", "order_count", "orders_count", "no_of_orders", "total_orders", "num_orders"),
    "avg_order": ("avg_order", "average_order", "avg_order_value", "average_order_value", "aov"),
    "leads_count": ("leads_count", "leads", "new_leads", "total_leads", "lead_count"),
    "attendance_rate": ("attendance_rate", "attendance", "attendance_%", "attendance_pct", "attendance_percent"),
    "absents": ("absents", "absent", "absentees", "absent_count"),
    "time": ("time", "generated_at", "timestamp", "run_time", "created_at"),
}
_ALIAS_TO_COLUMN = {alias: column for column, aliases in _LOG_ALIASES.items() for alias in aliases}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
_NUMBER_JUNK = re.compile(r"[₹,\s%]|^(rs\.?|inr)", re.IGNORECASE)


def log_columns(headers: list[str]) -> dict[str, str]:
    """Header in the file -> our column name; the first header with a meaning wins."""
    mapping: dict[str, str] = {}
    for header in headers:
        column = _ALIAS_TO_COLUMN.get(_key(header or ""))
        if column and column not in mapping.values():
            mapping[header] = column
    return mapping


def log_date(text: str) -> dt.date:
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date {text[:40]!r} is not like 2026-11-24 or 24/11/2026")


def clean_log_row(row: dict[str, str], day: dt.date) -> dict[str, str]:
    """Numbers as plain text ('₹1,500.00' -> '1500.00'); a cell that is not a number is an error, not a blank."""
    clean = dict(row, date=day.isoformat())
    for column in ("total_sales", "orders", "avg_order", "leads_count", "attendance_rate", "absents"):
        value = _NUMBER_JUNK.sub("", row.get(column, ""))
        if value:
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{column} {row[column][:40]!r} is not a number") from None
            if not math.isfinite(number):
                raise ValueError(f"{column} {row[column][:40]!r} is not a number")
        clean[column] = value
    return clean


def session_file_to_string(path: Path) -> str:
    """A Telethon SQLite `.session` file as a StringSession string ('' when it holds no login).

    Telethon may upgrade a session file it opens, so it reads a temporary copy: the seed's
    file stays exactly as it was. The copy (it holds the login key) is deleted at once.
    """
    from telethon.sessions import SQLiteSession, StringSession

    with tempfile.TemporaryDirectory(prefix="bo-session-") as folder:
        copy = Path(folder) / "seed.session"
        shutil.copyfile(path, copy)
        session = SQLiteSession(str(copy.with_suffix("")))
        try:
            return StringSession.save(session)
        finally:
            session.close()


def _destination(value: str) -> str:
    value = value.strip()
    return f"@{value}" if _BARE_USERNAME.match(value) and value.lower() != "me" else value


def _session_path(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.session", folder / "data" / f"{name}.session"):
        if candidate.is_file():
            return candidate
    return None


def _import_telegram(folder: Path, env: dict[str, str], settings: Settings) -> list[str]:
    """API_ID/API_HASH/BOT_TOKEN and the session go to the keyring, DEST_CHAT to settings; nothing is replaced."""
    notes: list[str] = []
    secrets: dict[Secret, str] = {}
    if env.get("API_ID"):
        secrets[Secret.TELEGRAM_API_ID] = env["API_ID"].strip()
    if env.get("API_HASH"):
        secrets[Secret.TELEGRAM_API_HASH] = env["API_HASH"].strip()
    if env.get("BOT_TOKEN"):
        secrets[Secret.TELEGRAM_BOT_TOKEN] = env["BOT_TOKEN"].strip()
    if env.get("SESSION_NAME"):
        path = _session_path(folder, env["SESSION_NAME"])
        if path is None:
            notes.append(f"SESSION_NAME={env['SESSION_NAME']}: no {env['SESSION_NAME']}.session file in {folder}; "
                         "sign in with `business-orchestrator telegram login`")
        else:
            try:
                session = session_file_to_string(path)
            except (sqlite3.Error, OSError, ValueError) as exc:  # a damaged or foreign file: import the rest
                notes.append(f"{path.name}: not a Telethon session that can be read ({exc.__class__.__name__}: "
                             f"{exc}); sign in with `business-orchestrator telegram login`")
            else:
                if session:
                    secrets[Secret.TELEGRAM_SESSION] = session
                else:
                    notes.append(f"{path.name}: holds no login; sign in with `business-orchestrator telegram login`")
    stored = []
    try:
        for secret, value in secrets.items():
            if get_secret(secret):
                notes.append(f"{secret.value}: already set; the seed's value was not used")
                continue
            set_secret(secret, value)
            stored.append(secret)
    except SecretStoreUnavailable as exc:
        notes.append(f"Telegram credentials not imported: {exc}")
    if stored:
        names = ", ".join(secret.value for secret in stored)
        notes.append(f"{names}: moved into the OS keyring (you may now delete them from the seed's .env)")

    telegram = settings.telegram
    dest = env.get("DEST_CHAT")
    if dest:
        chat = _destination(dest)
        try:
            TelegramSettings(destinations=[chat])
        except ValueError:
            notes.append(f"DEST_CHAT={dest!r} is not a chat id, @username or me: set [telegram] destinations")
        else:
            if chat not in telegram.destinations:
                telegram.destinations = [*telegram.destinations, chat]
                notes.append(f"DEST_CHAT={dest}: reports will be sent to {chat}")
    if Secret.TELEGRAM_SESSION in stored or Secret.TELEGRAM_BOT_TOKEN in stored:
        telegram.account = "bot" if env.get("BOT_TOKEN") else "user"
    if telegram.destinations and (Secret.TELEGRAM_SESSION in stored or Secret.TELEGRAM_BOT_TOKEN in stored):
        telegram.enabled = True
        notes.append("Telegram delivery switched on; check it with `business-orchestrator telegram status`")
    return notes

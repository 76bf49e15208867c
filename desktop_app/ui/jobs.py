"""The tray app's background work, as plain functions: no Qt, called on a worker thread.

Everything heavy (pandas through the connectors, the LLM client, Telegram) is imported inside
these functions, so the tray icon appears before any of it is loaded.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..history import HistoryStore
from ..paths import AppPaths
from ..report import Report

if TYPE_CHECKING:
    from ..settings import Settings
    from .worker import TaskContext

log = logging.getLogger("business_orchestrator.ui")
TREND_DAYS = 30
CALENDAR_DAYS = 400  # report days marked in the calendar, either side of the day shown


@dataclass
class Workspace:
    """What the app reports on: the owner's sources, or the built-in demo shop when there are none."""

    settings: Settings
    paths: AppPaths
    demo: bool

    @property
    def history_path(self):
        return self.paths.demo_workspace / "history.sqlite3" if self.demo else self.paths.history_db

    def store(self) -> HistoryStore:
        return HistoryStore(self.history_path)


@dataclass
class Startup:
    """What the app needs once, right after the tray icon is up."""

    settings: Settings
    last_run: dt.datetime | None
    settings_error: str | None = None


@dataclass
class DayView:
    """One date as the summary window shows it: its report (if any) and the 30 days up to it."""

    day: dt.date
    report: Report | None
    trend: list[Report] = field(default_factory=list)
    closed: frozenset[dt.date] = frozenset()  # closed days in the trend window: no line to zero there
    report_days: frozenset[dt.date] = frozenset()  # days with a report around `day`: bold in the calendar
    today: dt.date | None = None  # the business's today, when known: nothing after it can be shown
    deliveries: list = field(default_factory=list)  # desktop_app.outbox.Delivery rows of this day, every channel


def load_startup(ctx: TaskContext, paths: AppPaths) -> Startup:
    """Read settings.toml (this pulls in pydantic and the connectors) and the last run from history."""
    from ..settings import Settings, SettingsError, load_settings

    paths.ensure()
    try:
        settings, error = load_settings(paths.settings_file), None
    except SettingsError as exc:
        log.error("settings: %s", exc)
        settings, error = Settings(), str(exc)
    store = HistoryStore(paths.history_db)
    last_run = store.last_generated_at()
    if settings.report.write_csv_log:
        store.flush_csv_log(paths.summary_log)  # rows a crash kept from the CSV log
    return Startup(settings, last_run, error)


def today(settings: Settings) -> dt.date:
    return settings.business.today()


def load_day(ctx: TaskContext, workspace: Workspace, day: dt.date | None) -> DayView:
    """The report for `day` (default: the newest one) and its trend, read from history."""
    store = workspace.store()
    day = day or store.latest_date() or today(workspace.settings)
    window = [day - dt.timedelta(days=offset) for offset in range(TREND_DAYS)]
    closed = frozenset(d for d in window if not workspace.settings.business.is_open(d))
    around = dt.timedelta(days=CALENDAR_DAYS)
    marked = frozenset(store.report_dates(day - around, day + around))
    from ..outbox import Outbox

    return DayView(day, store.get(day), store.recent(TREND_DAYS, until=day), closed, marked,
                   today(workspace.settings), deliveries=Outbox(store.path).for_day(day))


def has_report(workspace: Workspace, day: dt.date | None) -> bool:
    """Is there a report for `day` (default: today) in the workspace's history? (Quick: no JSON is read.)"""
    day = day or today(workspace.settings)
    return workspace.history_path.exists() and workspace.store().has(day)


@dataclass
class Generated:
    """A finished run: the day to show and, when it was sent, what the sender did."""

    view: DayView
    delivery: object | None = None  # desktop_app.delivery.DrainResult


def make_report(ctx: TaskContext, workspace: Workspace, day: dt.date, *, send: bool = False,
                hold_until: dt.datetime | None = None) -> tuple[Report, Settings, bool]:
    """Run the one pipeline (demo data prepared first when the workspace is the demo). Returns the report,
    the settings it was made with, and whether it is to be sent now (asked for, Telegram set up, not held)."""
    from ..pipeline import run_report

    settings, store = workspace.settings, None
    if workspace.demo:
        from ..demo import backfill_history, prepare_demo

        ctx.progress("Preparing the demo shop…")
        settings, store = prepare_demo(workspace.paths, settings, day)
        backfill_history(settings, store, day)
    from ..channels.registry import delivery_targets

    scheduled = send  # a scheduled run checks the alert rules, with or without a channel to send to
    send = send and not workspace.demo and bool(delivery_targets(settings))
    report = run_report(settings, workspace.paths, day, demo=workspace.demo, store=store,
                        progress=ctx.progress, cancel=ctx.cancel, send=send, hold_until=hold_until,
                        alerts=scheduled)
    return report, settings, send and hold_until is None


def generate(ctx: TaskContext, workspace: Workspace, day: dt.date | None, *, send: bool = False,
             hold_until: dt.datetime | None = None, client_factory=None) -> Generated:
    """`make_report` in this process, reload the day, and send the report when asked (held back for approval
    until `hold_until` when that is given). The tray runs the same steps in a child process instead
    (`desktop_app.ui.generation_process`); this in-process form is for tests and tools."""
    day = day or today(workspace.settings)
    report, settings, send_now = make_report(ctx, workspace, day, send=send, hold_until=hold_until)
    return present(ctx, workspace, day, report, settings, send_now=send_now, client_factory=client_factory)


def present(ctx: TaskContext, workspace: Workspace, day: dt.date, report: Report, settings: Settings, *,
            send_now: bool, client_factory=None, delivery=None) -> Generated:
    """After a report is made (here or in the report process): the day for the summary, and the send if due."""
    view = load_day(ctx, workspace, day)
    view.report = report
    if send_now:
        ctx.progress("Sending…")
        delivery = deliver(ctx, settings, workspace.paths, client_factory)
    return Generated(view, delivery)


# -- Telegram delivery (the outbox lives in the owner's history database, never the demo's) ---------------


@dataclass
class OutboxState:
    pending: int
    failed: int
    held: list  # desktop_app.outbox.Delivery rows waiting for the owner's Send / Edit / Skip
    next_attempt_at: dt.datetime | None
    last_error: str | None = None
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)  # channel -> (sentence, kind) to fix


def outbox_state(ctx: TaskContext, paths: AppPaths) -> OutboxState:
    from ..outbox import Outbox

    outbox = Outbox(paths.history_db)
    recent = outbox.deliveries(50)
    failed = [d for d in recent if d.status == "failed"]
    return OutboxState(outbox.pending_count(), outbox.failed_count(), [d for d in recent if d.status == "held"],
                       outbox.next_attempt_at(), failed[0].last_error if failed else None, outbox.owner_problems())


def wake_outbox(ctx: TaskContext, paths: AppPaths) -> int:
    """After the settings were saved: reports waiting for a set-up are looked at again now."""
    from ..outbox import Outbox

    return Outbox(paths.history_db).wake()


def deliver(ctx: TaskContext, settings: Settings, paths: AppPaths, client_factory=None):
    """Send whatever is due in the outbox (the one sender: desktop_app.delivery)."""
    from ..delivery import send_pending
    from ..storage.push import push_for_settings

    result = send_pending(settings, paths, client_factory=client_factory)
    push_for_settings(settings, paths)  # a branch's report rows to the shared history (nothing when none is set)
    return result


def send_report(ctx: TaskContext, settings: Settings, paths: AppPaths, day: dt.date, client_factory=None):
    """'Send' for a report already in history: queue it to every channel's destinations, then send."""
    from ..channels.registry import delivery_targets
    from ..outbox import Outbox

    store = HistoryStore(paths.history_db)
    report = store.get(day)
    if report is None:
        raise LookupError(f"there is no report for {day} to send")
    with store.transaction() as conn:
        Outbox.enqueue_in(conn, report, store.revisions(day), delivery_targets(settings))
    return deliver(ctx, settings, paths, client_factory)


def release_held(ctx: TaskContext, settings: Settings, paths: AppPaths, ids: list[int], client_factory=None):
    """The owner approved held reports (or pressed Send pending): release them and send now."""
    from ..outbox import Outbox

    outbox = Outbox(paths.history_db)
    for delivery_id in ids:
        outbox.release(delivery_id)
    return deliver(ctx, settings, paths, client_factory)


def skip_held(ctx: TaskContext, paths: AppPaths, ids: list[int]) -> None:
    from ..outbox import Outbox

    outbox = Outbox(paths.history_db)
    for delivery_id in ids:
        outbox.skip(delivery_id)


def edit_held(ctx: TaskContext, paths: AppPaths, ids: list[int], text: str) -> None:
    from ..outbox import Outbox

    outbox = Outbox(paths.history_db)
    for delivery_id in ids:
        outbox.replace_text(delivery_id, text)


def secret_status(ctx: TaskContext, secrets: list) -> dict:
    """For each secret: 'stored', 'missing', 'env:VAR', or why the keyring cannot be used.

    Runs on a worker: a locked keyring can block until the user unlocks it.
    """
    import os

    from ..secrets import ENV_FALLBACK, SecretStoreUnavailable, get_secret

    states = {}
    for secret in secrets:
        env = ENV_FALLBACK.get(secret)
        if env and os.environ.get(env):
            states[secret] = f"env:{env}"
            continue
        try:
            states[secret] = "stored" if get_secret(secret) else "missing"
        except SecretStoreUnavailable as exc:
            states[secret] = str(exc)
    return states


def save_secrets(ctx: TaskContext, changes: dict) -> list[str]:
    """Write (or delete, for None) each changed secret; returns the problems, if any, for the user."""
    from ..secrets import SecretStoreUnavailable, delete_secret, set_secret

    problems = []
    for secret, value in changes.items():
        try:
            if value is None:
                delete_secret(secret)
            else:
                set_secret(secret, value)
        except SecretStoreUnavailable as exc:
            problems.append(str(exc))
    return problems


PREVIEW_ROWS = 8


@dataclass
class SourcePreview:
    """The settings dialog's live preview, already turned into text so the GUI thread never formats frames."""

    connector: str
    raw_columns: list[str]
    raw_rows: list[list[str]]
    parsed_columns: list[str]
    parsed_rows: list[list[str]]
    notes: list[str]
    connector_key: str = ""


def format_choices(domain: str) -> list[tuple[str, str]]:
    """(key, label) of every connector that can read `domain`: the Format combo box."""
    from connectors import connectors

    return [(key, f"{c.label} ({key})") for key, c in connectors().items() if c.domain in (None, domain)]


def preview_source(ctx: TaskContext, spec) -> SourcePreview:
    """First rows as the file has them and as they were read; raises SourceReadError with the reason."""
    from connectors import CONTACT_COLUMNS, SourceReadError, preview, recognise

    from .plain_words import BINARY_HINT, binary_file, looks_binary

    try:
        raw, read = preview(spec, rows=PREVIEW_ROWS)
    except SourceReadError as exc:
        if looks_binary(str(exc)) or binary_file(spec.path):  # never a damaged file's bytes as its "columns"
            raise SourceReadError(spec.name, BINARY_HINT) from exc
        raise
    if looks_binary(" ".join(str(c) for c in raw.columns)):
        raise SourceReadError(spec.name, BINARY_HINT)
    connector = recognise(spec)
    label = connector.label
    frame = read.frame.drop(columns=[c for c in read.frame.columns if c in CONTACT_COLUMNS], errors="ignore")
    shown = [c for c in frame.columns if c != "_row"]

    def cell(value) -> str:
        import pandas as pd

        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            return "—"  # a missing date (NaT) has strftime too, but it raises: check for "missing" first
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d %H:%M") if getattr(value, "hour", 0) or getattr(value, "minute", 0) \
                else value.strftime("%Y-%m-%d")
        text = str(value)
        return "—" if text in ("NaT", "nan", "<NA>") else text

    return SourcePreview(
        connector=label,
        raw_columns=[str(c) for c in raw.columns],
        raw_rows=[[str(v) for v in row] for row in raw.head(PREVIEW_ROWS).itertuples(index=False)],
        parsed_columns=shown,
        parsed_rows=[[cell(v) for v in row] for row in frame[shown].head(PREVIEW_ROWS).itertuples(index=False)],
        notes=list(read.notes) + [str(issue) for issue in read.issues[:5]] + list(read.warnings),
        connector_key=connector.key,
    )


def test_source(ctx: TaskContext, spec) -> str:
    """Read the whole file like a report would; one line saying what was found."""
    from connectors import DATE_COLUMN, read_source

    result = read_source(spec)
    rows = len(result.frame)
    parts = [f"{rows:,} rows read with {result.connector}"]
    if result.has_dates:
        dates = result.frame[DATE_COLUMN[spec.domain]].dropna()
        if not dates.empty:
            parts.append(f"dates {dates.min():%d %b %Y} → {dates.max():%d %b %Y}")
    else:
        parts.append("no dates: counts as today's file when changed today")
    if result.issues:
        parts.append(f"{len(result.issues)} unreadable cell(s), first: {result.issues[0]}")
    return "; ".join(parts)


def apply_start_at_login(ctx: TaskContext, enabled: bool) -> str:
    from ..autostart import set_start_at_login

    where = set_start_at_login(enabled)
    log.info("start at login %s: %s", "on" if enabled else "off", where)
    return where


# -- Telegram sign-in and checks for the settings dialog (each blocks on the network: worker only) ---------


def _typed_or_stored(secret, typed: str | None) -> str:
    from ..secrets import get_secret

    value = typed or get_secret(secret)
    if not value:
        raise ValueError(f"enter the {secret.value.replace('telegram_', '').replace('_', ' ')} first")
    return value


def telegram_sign_in_bot(ctx: TaskContext, api_id: str | None, api_hash: str | None, bot_token: str | None,
                         history_db, client_factory=None) -> str:
    from ..channels.telegram_auth import login_bot
    from ..secrets import Secret

    result = login_bot(int(_typed_or_stored(Secret.TELEGRAM_API_ID, api_id)),
                       _typed_or_stored(Secret.TELEGRAM_API_HASH, api_hash),
                       _typed_or_stored(Secret.TELEGRAM_BOT_TOKEN, bot_token),
                       client_factory=client_factory, history_db=history_db)
    return f"Signed in as {result.name}"


def telegram_start_user(ctx: TaskContext, api_id: str | None, api_hash: str | None, phone: str, history_db,
                        client_factory=None):
    from ..channels.telegram_auth import start_user_login
    from ..secrets import Secret

    return start_user_login(int(_typed_or_stored(Secret.TELEGRAM_API_ID, api_id)),
                            _typed_or_stored(Secret.TELEGRAM_API_HASH, api_hash), phone,
                            client_factory=client_factory, history_db=history_db)


def telegram_finish_user(ctx: TaskContext, login, code: str, password: str | None) -> str:
    from ..channels.telegram_auth import finish_user_login

    return f"Signed in as {finish_user_login(login, code, password).name}"


def telegram_test(ctx: TaskContext, settings: Settings, client_factory=None) -> tuple[bool, str]:
    from ..channels.telegram_auth import send_test_message

    return send_test_message(settings, client_factory=client_factory)


def telegram_check(ctx: TaskContext, settings: Settings, client_factory=None) -> tuple[bool, str]:
    from ..channels.telegram_auth import telegram_status

    return telegram_status(settings, client_factory=client_factory)


# -- AI insights: prompt preview and endpoint test (the Insights tab) -------------------------------------


def prompt_preview(ctx: TaskContext, settings: Settings, paths: AppPaths, history_path, templates: dict[str, str]):
    """The exact messages and payload the LLM would get for the latest report, with the templates as edited
    (not saved yet: they are rendered from a scratch folder, the owner's files stay untouched)."""
    import tempfile
    from pathlib import Path

    from ..insights.prompts import owner_path, render_prompt

    store = HistoryStore(history_path)
    latest = store.latest_date()
    if latest is None:
        raise LookupError("there is no report yet to preview the prompt with: press Generate now first")
    report = store.get(latest)
    history = store.bodies(latest - dt.timedelta(days=21), latest - dt.timedelta(days=1))
    with tempfile.TemporaryDirectory(prefix="bo-prompt-") as scratch:
        scratch_paths = AppPaths(config=Path(scratch), data=paths.data, logs=paths.logs, cache=paths.cache)
        for name, text in templates.items():
            target = owner_path(scratch_paths, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return render_prompt(settings, scratch_paths, report, history)


def template_problems(ctx: TaskContext, templates: dict[str, str]) -> list[str]:
    """Why edited prompt templates would not render (each check is bounded in time and size)."""
    from ..insights.prompts import check_template

    return [problem for name, text in templates.items() if (problem := check_template(name, text))]


def endpoint_test(ctx: TaskContext, settings: Settings):
    from ..insights.llm import check_endpoint

    return check_endpoint(settings)

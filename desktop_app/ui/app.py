"""The tray app: wires the tray, the summary window, the settings dialog and the scheduler together.

Start-up order matters for speed: the tray icon (or, with no system tray, the summary window)
appears first; settings, history and everything heavy are loaded on a worker thread afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from ..paths import AppPaths
from .bot_process import BotSupervisor
from .tray import Tray
from .worker import Task, TaskContext, run_in_background, wait_for_all

if TYPE_CHECKING:
    from ..report import Report
    from ..scheduler import ReportScheduler, Run
    from ..settings import Settings
    from . import jobs
    from .jobs import DayView, Startup, Workspace
    from .summary import SummaryWindow

log = logging.getLogger("business_orchestrator.ui")
FAILURES_BEFORE_DIALOG = 3
DEMO_BANNER = ("<b>You are looking at a demo shop.</b> Next step: add your own sales, leads or attendance "
               "export (a CSV or Excel file from your billing software, Tally or CRM) in "
               "<a href='settings:sources'>Settings → Sources</a>. Reports about your business, and the "
               "daily schedule, start as soon as one file is added.")
DEMO_ACTION = "&Add your own data…"


def is_partial(report) -> bool:
    from .day_coverage import is_partial as partial  # babel: kept off the tray's start-up path

    return partial(report)


def _jobs():
    """The background functions. Imported on first use, after the icon is up (they bring in the history
    store and the report model)."""
    from . import jobs

    return jobs


def _any_channel(settings) -> bool:
    from ..channels.registry import any_enabled

    return any_enabled(settings)


def _any_target(settings) -> bool:
    from ..channels.registry import delivery_targets

    return bool(delivery_targets(settings))


def _label(name: str) -> str:
    from ..channels.base import label

    return label(name)


class TrayApp(QObject):
    """The running app. Signals exist so tests (and the smoke run) can wait on what happened."""

    ready = Signal()
    report_ready = Signal(object)  # DayView of a freshly generated report
    generation_failed = Signal(str)
    generation_cancelled = Signal()
    view_loaded = Signal(object)  # DayView shown after browsing
    settings_applied = Signal()
    bot_state = Signal(str)  # the Telegram bot's process: running, waiting, "stopped: <why>", off
    bot_paired = Signal(int)  # a chat sent the pairing code to the bot (settings.toml has it already)

    outbox_refreshed = Signal(object)  # OutboxState
    delivered = Signal(object)  # DrainResult of a send

    def __init__(self, paths: AppPaths, *, demo: bool = False, use_tray: bool | None = None,
                 telegram_client_factory=None, welcome: bool = False):
        super().__init__()
        self.welcome = welcome  # the real app: while there are no sources, open on the demo report, made
        self.paths = paths
        self.client_factory = telegram_client_factory  # tests pass a stand-in for Telethon's client
        self.force_demo = demo
        self.use_tray = Tray.available() if use_tray is None else use_tray
        self.tray: Tray | None = Tray(self) if self.use_tray else None
        self._summary: SummaryWindow | None = None  # built on first use: see `summary`
        self.settings: Settings | None = None
        self.workspace: Workspace | None = None
        self.scheduler: ReportScheduler | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.alert_timer = QTimer(self)  # intraday alert rules, every [alerts] check_minutes
        self.alert_timer.timeout.connect(self.check_alerts)
        self.alert_task: Task | None = None
        # the Telegram question bot's child process, while [bot] enabled; its state reaches the tooltip
        self.bot = BotSupervisor(paths, on_state=self.bot_state.emit, on_paired=self.bot_paired.emit)
        self.task: Task | None = None
        self.waiting_runs: deque[Run | None] = deque()
        self.last_report: Report | None = None
        self.failures = 0
        self.settings_dialog = None
        self.settings_recovery = None  # the "settings could not be read" dialog, while it is open
        self.sending: Task | None = None
        self.outbox: jobs.OutboxState | None = None
        self.delivery_problem: str | None = None
        self.day_asked = 0  # counts show_day calls: only the latest one's view may reach the window
        self._wire()

    # -- start-up -------------------------------------------------------------------------------------

    @property
    def summary(self) -> SummaryWindow:
        """The summary window, built the first time anything needs it.

        With a tray that is after the icon is up and the settings are loaded: the window's module
        (Babel, the KPI cards, the chart) is the largest part of start-up otherwise.
        """
        if self._summary is None:
            from .summary import SummaryWindow

            s = self._summary = SummaryWindow()
            s.hide_on_close = self.use_tray
            s.generate_requested.connect(self.generate_shown_day)
            s.link_requested.connect(self.follow_link)
            s.banner_action_requested.connect(self.add_own_data)
            s.cancel_requested.connect(self.cancel)
            s.settings_requested.connect(self.open_settings)
            s.day_requested.connect(self.show_day)
            s.send_requested.connect(self.send_shown_report)
            s.approve_requested.connect(self.approve_held)
            s.edit_requested.connect(self.edit_held)
            s.skip_requested.connect(self.skip_held)
        return self._summary

    def _wire(self) -> None:
        self.bot_state.connect(self._bot_state_changed)  # a bound method: queued to the GUI thread
        self.bot_paired.connect(self._bot_paired)
        if self.tray is not None:
            a = self.tray.actions
            a["generate"].triggered.connect(self.generate_now)
            a["show"].triggered.connect(self.show_summary)
            a["send_pending"].triggered.connect(self.send_pending)
            a["pause"].triggered.connect(self.toggle_pause)
            a["settings"].triggered.connect(self.open_settings)
            a["open_data"].triggered.connect(self.open_data_folder)
            a["quit"].triggered.connect(self.quit)
            self.tray.activated_summary.connect(self.show_summary)

    def start(self) -> None:
        """Show something at once, then load the rest in the background once the event loop runs
        (so the icon is drawn before a worker competes with it for the interpreter)."""
        self.show_now()
        QTimer.singleShot(0, self.load_in_background)

    def show_now(self) -> None:
        """The start-up path: only Qt and small modules, so the icon appears at once."""
        if self.tray is not None:
            self.tray.show()
        else:
            self.summary.bring_forward()  # no system tray: the window is the app

    def load_in_background(self) -> None:
        run_in_background("start-up", _load_startup, self.paths, parent=self,
                          on_success=self._started, on_failure=self._startup_failed)

    def _started(self, startup: Startup) -> None:
        from ..scheduler import TICK_SECONDS, ReportScheduler

        self._apply_settings(startup.settings)
        if startup.settings_error:
            self._settings_unreadable(startup.settings_error)
        self.scheduler = ReportScheduler(startup.settings.schedule, startup.settings.business.timezone,
                                         self._queue_run, last_run=startup.last_run)
        if not self.workspace.demo:
            self.scheduler.catch_up()
        self.timer.start(TICK_SECONDS * 1000)
        self._update_tooltip()
        self.show_day(None)
        self.refresh_outbox()
        if self.welcome and self.workspace.demo:
            self._welcome()
        self.ready.emit()

    def _welcome(self) -> None:
        """No sources yet: open the window on a freshly made demo report, with the Add your own data step."""
        self.summary.bring_forward()
        if not _jobs().has_report(self.workspace, None):
            self.generate_now()

    def _settings_unreadable(self, error: str) -> None:
        """A settings file that does not read: a plain message in the window and a dialog with the ways out."""
        from .settings_recovery import BrokenSettingsDialog, plain_problem, restore_backup

        path = self.paths.settings_file
        self.summary.show_error(plain_problem(error, path) + " The app is using its default settings until "
                                "the file is fixed.")
        self.summary.bring_forward()
        dialog = BrokenSettingsDialog(path, error, parent=self.summary)
        self.settings_recovery = dialog

        def chosen() -> None:
            if dialog.choice == "restore":
                try:
                    settings = restore_backup(path)
                except Exception as exc:
                    self.summary.show_error(f"The earlier copy could not be restored: {exc}")
                    return
                self.summary.show_error(None)
                self._settings_saved(settings)

        dialog.finished.connect(chosen)
        dialog.open()

    def _startup_failed(self, exc: BaseException) -> None:
        log.error("start-up failed", exc_info=exc)
        self.summary.show_error(f"Start-up failed: {exc}")
        self.summary.bring_forward()

    def _apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        from .jobs import Workspace

        demo = self.force_demo or not (settings.sources or settings.business.head_office)  # head office: branches
        self.workspace = Workspace(settings, self.paths, demo)
        self.summary.set_banner(DEMO_BANNER if demo else None, DEMO_ACTION if demo else None)
        self._update_send_button()
        if self.scheduler is not None:
            self.scheduler.configure(settings.schedule, settings.business.timezone)
        if settings.alerts.rules and not demo:
            self.alert_timer.start(settings.alerts.check_minutes * 60 * 1000)
        else:
            self.alert_timer.stop()
        self.bot.configure(settings, settings.bot.enabled and not self.force_demo)
        self._update_tooltip()

    def check_alerts(self) -> None:
        """Intraday alert rules, off the GUI thread (and in a child process: pandas stays out of the tray)."""
        if self.workspace is None or self.workspace.demo or (self.alert_task is not None and self.alert_task.running):
            return
        from .alert_process import check_alerts_in_child

        self.alert_task = run_in_background("alerts", check_alerts_in_child, self.workspace.settings, self.paths,
                                            parent=self, on_success=self._alerts_checked)

    def _alerts_checked(self, fired: list[str]) -> None:
        if not fired:
            return
        if self.tray is not None:
            self.tray.notify("Alert", "\n".join(fired))
        self.refresh_outbox()  # sends the queued alert messages when Telegram is set up

    # -- the schedule ---------------------------------------------------------------------------------

    def tick(self) -> None:
        if self.scheduler is not None:
            self.scheduler.tick()
            self._update_tooltip()
        self.refresh_outbox()

    def _queue_run(self, run: Run) -> None:
        """Called from inside a schedule job: only queue, never work here."""
        if self.workspace is not None and self.workspace.demo:
            log.info("scheduled report for %s skipped: no sources are set up (demo)", run.day)
            return
        QTimer.singleShot(0, lambda: self._start_generation(run))

    def toggle_pause(self) -> None:
        if self.scheduler is None:
            return
        if self.scheduler.paused:
            self.scheduler.resume()
        else:
            self.scheduler.pause()
        if self.tray is not None:
            self.tray.set_paused(self.scheduler.paused)
        self._update_tooltip()

    # -- generating -----------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def generate_now(self) -> None:
        """Tray: Generate now (today's report)."""
        self._start_generation(None)

    def generate_shown_day(self) -> None:
        """The window's Generate button and F5: the report for the day on screen."""
        day = self.summary.day
        today = _jobs().today(self.workspace.settings) if self.workspace is not None else None
        self._start_generation(None, day=None if day is None or (today and day >= today) else day)

    def _start_generation(self, run: Run | None, *, day: dt.date | None = None) -> None:
        if self.workspace is None:
            return  # still starting: the button becomes useful in a moment
        if self.busy:
            if run is not None:
                self.waiting_runs.append(run)
            return
        day = run.day if run else day
        settings = self.workspace.settings
        send = run is not None  # a report the owner asked for is reviewed first, then sent with the button
        hold_until = None
        if send and settings.schedule.send == "preview":
            hold_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.schedule.preview_minutes)
        self.summary.set_busy(True)
        if self.tray is not None:
            self.tray.set_state("working")
            self.tray.set_tooltip("Business Orchestrator: making the report…")
        self.task = run_in_background("generate", self._generate_job(send, hold_until), self.workspace, day,
                                      parent=self, on_success=lambda done: self._generated(done, run),
                                      on_failure=lambda exc: self._generation_error(exc, run))
        self.task.progress.connect(self.summary.add_step)

    def _generate_job(self, send: bool, hold_until: dt.datetime | None):
        factory = self.client_factory

        def job(ctx, workspace, day):  # in a child process: pandas never loads into the tray
            from .generation_process import generate_in_child

            return generate_in_child(ctx, workspace, day, send=send, hold_until=hold_until, client_factory=factory)

        return job

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.show_cancelling()

    def _generated(self, done: jobs.Generated, run: Run | None) -> None:
        view = done.view
        self.failures = 0
        self.last_report = view.report
        self.summary.set_busy(False)
        self.summary.show_view(view)
        if self.tray is not None:
            self.tray.set_state("normal")
            if run is not None or not self.summary.isVisible():
                report = view.report
                status = "partial: some sources need a look" if is_partial(report) else "complete"
                self.tray.notify("Report ready", f"{report.business}, {report.date:%a %d %b}: {status}")
        self._update_tooltip()
        self._update_send_button()
        self.report_ready.emit(view)
        if done.delivery is not None:
            self._delivered(done.delivery)
        else:
            self.refresh_outbox()
        self._next_waiting()

    def _generation_error(self, exc: BaseException, run: Run | None) -> None:
        from ..cancel import Cancelled

        cancelled = isinstance(exc, Cancelled)
        self.summary.set_busy(False)
        if self.tray is not None:
            self.tray.set_state("normal")
        if cancelled:
            self.summary.show_error("Cancelled: no report was saved.")
            self.generation_cancelled.emit()
        else:
            self.failures += 1
            details = getattr(exc, "details", "")  # GenerationFailed: the child's traceback, as text
            if details:
                log.error("report generation failed:\n%s", details.rstrip())
            else:
                log.error("report generation failed", exc_info=exc)
            from .plain_words import plain_error

            message = f"The report could not be made: {plain_error(exc)}"
            self.summary.show_error(message + f"\nThe details for a helper are in {self.paths.logs / 'app.log'}")
            if self.tray is not None:
                self.tray.notify("Report failed", message, error=True)
            if self.failures >= FAILURES_BEFORE_DIALOG:
                self._failure_dialog(message)
            self.generation_failed.emit(message)
        self._update_tooltip()
        self._next_waiting()

    def _next_waiting(self) -> None:
        if self.waiting_runs:
            self._start_generation(self.waiting_runs.popleft())

    def _failure_dialog(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Reports keep failing",
                          f"The last {self.failures} reports could not be made.", parent=self.summary)
        box.setInformativeText(message)
        box.setDetailedText(f"Log file: {self.paths.logs / 'app.log'}")
        box.open()

    # -- browsing -------------------------------------------------------------------------------------

    def show_day(self, day: dt.date | None) -> None:
        """Load the day off the GUI thread. Loads finish in any order (the start-up's view of today can
        come after the past day the owner has clicked to), so a view asked for before the latest is dropped."""
        if self.workspace is None:
            return
        self.day_asked += 1
        asked = self.day_asked
        run_in_background("load day", _jobs().load_day, self.workspace, day, parent=self,
                          on_success=lambda view: self._loaded(view) if asked == self.day_asked else None)

    def _loaded(self, view: DayView) -> None:
        if view.report is not None and self.last_report is None and view.day == view.report.date:
            self.last_report = view.report
            self._update_tooltip()
        self.summary.show_view(view)
        self._update_send_button()
        self.view_loaded.emit(view)

    # -- the other menu actions -----------------------------------------------------------------------

    def show_summary(self) -> None:
        self.summary.bring_forward()

    def another_launch(self) -> None:
        log.info("another launch asked for the window")
        self.show_summary()

    # -- Telegram ----------------------------------------------------------------------------------------

    def refresh_outbox(self) -> None:
        """Read the outbox off the GUI thread; send what has come due (retries, approvals that timed out)."""
        run_in_background("outbox state", _jobs().outbox_state, self.paths, parent=self,
                          on_success=self._outbox_state)

    def _outbox_state(self, state: jobs.OutboxState) -> None:
        self.outbox = state
        if self.tray is not None:
            self.tray.set_pending(state.pending)
        held = state.held
        if held:
            until = min((d.hold_until for d in held if d.hold_until), default=None)
            when = f"; it goes out by itself at {until.astimezone():%H:%M}" if until and until.year < 9999 else ""
            chats = ", ".join(sorted({d.destination for d in held}))
            self.summary.set_pending(f"<b>Ready to send</b>: the report for {held[0].report_date:%a %d %b} "
                                     f"to {chats}{when}.")
        else:
            self.summary.set_pending(None)
        if state.problems:  # what only the owner can fix stays on the tray until it is fixed
            from ..channels.registry import problem_note

            self.delivery_problem = " · ".join(problem_note(c, *p) for c, p in state.problems.items())
        elif state.failed and not self.delivery_problem:
            self.delivery_problem = state.last_error or "a report could not be delivered"
        self._show_delivery_state()
        due = state.next_attempt_at
        if due is not None and due <= dt.datetime.now(dt.UTC) and self.settings is not None \
                and _any_channel(self.settings):
            self.send_pending_now(release_held=False)
        self.outbox_refreshed.emit(state)

    def send_pending(self) -> None:
        """Tray: Send pending (n): approve anything held and send everything due now."""
        self.send_pending_now(release_held=True)

    def send_pending_now(self, *, release_held: bool) -> None:
        if self.settings is None or (self.sending is not None and self.sending.running):
            return
        ids = [d.id for d in self.outbox.held] if release_held and self.outbox else []
        self._start_sending(_jobs().release_held, self.settings, self.paths, ids, self.client_factory)

    def approve_held(self) -> None:
        self.send_pending_now(release_held=True)

    def skip_held(self) -> None:
        ids = [d.id for d in self.outbox.held] if self.outbox else []
        run_in_background("skip", _jobs().skip_held, self.paths, ids, parent=self,
                          on_success=lambda _none: self.refresh_outbox())

    def edit_held(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        if not self.outbox or not self.outbox.held:
            return
        text = self.last_report.text if self.last_report is not None else ""
        edited, ok = QInputDialog.getMultiLineText(self.summary, "Edit before sending",
                                                   "The message as it will be sent:", text)
        if ok and edited.strip():
            ids = [d.id for d in self.outbox.held]
            run_in_background("edit", _jobs().edit_held, self.paths, ids, edited, parent=self,
                              on_success=lambda _none: self.refresh_outbox())

    def send_shown_report(self) -> None:
        """Summary: Send report, for the report on screen (every channel that is on)."""
        report = self.summary.report
        if report is None or self.settings is None or report.demo:
            return
        self.summary.add_step("Sending…")
        self._start_sending(_jobs().send_report, self.settings, self.paths, report.date, self.client_factory)

    def _start_sending(self, fn, *args) -> None:
        if self.tray is not None:
            self.tray.set_state("working")
        self.sending = run_in_background("send", fn, *args, parent=self, on_success=self._delivered,
                                         on_failure=self._delivery_error)

    def _delivered(self, result) -> None:
        if result.sent and self.tray is not None:
            where = ", ".join(_label(name) for name, part in result.channels.items() if part.sent) or "Telegram"
            self.tray.notify(f"Sent to {where}", f"{result.sent} message(s) delivered")
        if result.ok:
            self.delivery_problem = None
        else:
            self.delivery_problem = "; ".join(result.messages) or "a report could not be delivered"
            if self.tray is not None:
                self.tray.notify("Delivery failed", self.delivery_problem, error=True)
            failing = [_label(name) for name, part in result.channels.items() if not part.ok]
            self.summary.show_error(f"{', '.join(failing) or 'Delivery'}: {self.delivery_problem}")
        self._show_delivery_state()
        self.delivered.emit(result)
        self.refresh_outbox()
        if self.summary.report is not None and not self.summary.report.demo:
            self.show_day(self.summary.report.date)  # each channel's new state under the report

    def _delivery_error(self, exc: BaseException) -> None:
        log.error("sending failed", exc_info=exc)
        self.delivery_problem = f"{exc.__class__.__name__}: {exc}"
        if self.tray is not None:
            self.tray.notify("Delivery failed", self.delivery_problem, error=True)
        self.summary.show_error(f"Delivery: {self.delivery_problem}")
        self._show_delivery_state()

    def _show_delivery_state(self) -> None:
        if self.tray is None or self.busy or (self.sending is not None and self.sending.running):
            return
        self.tray.set_state("failed" if self.delivery_problem else "normal")
        self._update_tooltip()

    def _update_send_button(self) -> None:
        report = self.summary.report
        if self.settings is None or not _any_target(self.settings):
            self.summary.set_send_available(False, "No channel is set up: open Settings… → Channels")
        elif report is None or report.demo or (self.workspace is not None and self.workspace.demo):
            self.summary.set_send_available(False, "Demo reports are never sent")
        else:
            self.summary.set_send_available(True)

    def open_data_folder(self) -> bool:
        folder = self.paths.data
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def follow_link(self, link: str) -> None:
        """Links in the window's texts: "settings:sources" opens Settings on that tab."""
        if link.startswith("settings"):
            self.open_settings(link.partition(":")[2] or None)

    def add_own_data(self) -> None:
        """The first-run step: Settings on the Sources tab, with the Add a source editor open."""
        dialog = self.open_settings("sources")
        if dialog is not None:
            dialog.sources.add_source()

    def open_settings(self, tab: str | None = None):
        if self.settings is None:
            return None
        from .settings_dialog import SettingsDialog

        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            if tab:
                self.settings_dialog.show_tab(tab)
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return self.settings_dialog
        dialog = SettingsDialog(self.settings, self.paths, telegram_client_factory=self.client_factory,
                                history_path=self.workspace.history_path if self.workspace else None)
        dialog.saved.connect(self._settings_saved)
        self.settings_dialog = dialog
        if tab:
            dialog.show_tab(tab)
        dialog.show()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        self._apply_settings(settings)
        self.show_day(None)
        run_in_background("wake outbox", _jobs().wake_outbox, self.paths, parent=self,
                          on_success=lambda _count: self.refresh_outbox())
        self.settings_applied.emit()

    def shutdown(self) -> None:
        """Stop the schedule, cancel running work and wait for it, hide the icon."""
        self.timer.stop()
        self.bot.stop()
        if self.task is not None:
            self.task.cancel()
        wait_for_all(10_000)
        if self.tray is not None:
            self.tray.hide()

    def quit(self) -> None:
        self.shutdown()
        QApplication.quit()

    # -- the tooltip ----------------------------------------------------------------------------------

    def _bot_paired(self, chat_id: int) -> None:
        """Keep the new chat in the tray's settings and in an open settings dialog, so their next save keeps it."""
        if self.settings is not None and chat_id not in self.settings.bot.allowed_chats:
            self.settings.bot.allowed_chats.append(chat_id)
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.telegram.bot.add_chat(chat_id)

    def _bot_state_changed(self, state: str) -> None:
        if state.startswith("stopped: "):
            log.warning("the Telegram bot is off: %s", state.removeprefix("stopped: "))
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        if self.tray is None or self.busy:
            return
        lines = ["Business Orchestrator"]
        report = self.last_report
        if report is not None:
            status = "partial" if is_partial(report) else "complete"
            lines.append(f"Last report: {report.generated_at.astimezone():%a %d %b %H:%M}, {status}")
        else:
            lines.append("No report yet")
        if self.delivery_problem:
            lines.append(f"Delivery failed: {self.delivery_problem[:80]}")
        if self.bot.state.startswith("stopped: "):
            lines.append(f"Telegram bot off: {self.bot.state.removeprefix('stopped: ')[:80]}")
        elif self.bot.state == "waiting":
            lines.append("Telegram bot: restarting after a problem (see the log)")
        if self.workspace is not None and self.workspace.demo:
            lines.append("Demo data: add your sources in Settings")
        elif self.scheduler is not None:
            if self.scheduler.paused:
                lines.append("Schedule paused")
            else:
                upcoming = self.scheduler.next_run()
                lines.append(f"Next: {upcoming:%a %H:%M}" if upcoming else "Schedule off")
        self.tray.set_tooltip("\n".join(lines))


def _load_startup(ctx: TaskContext, paths: AppPaths) -> Startup:
    """On the worker: import the jobs (history, sqlite3) there, not on the GUI thread, and start rotating
    the log file (run_gui starts with a plain one, see setup_logging)."""
    from ..logs import start_rotating
    from . import jobs

    start_rotating()
    return jobs.load_startup(ctx, paths)


def _excepthook(exc_type, exc, tb) -> None:
    log.error("unhandled exception", exc_info=(exc_type, exc, tb))
    sys.__excepthook__(exc_type, exc, tb)


def mark_ready(path: Path) -> None:
    """Write the current time to `path`: the start-up benchmark's "tray ready" moment (see bench/bare_tray.py)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(f"{time.time():.6f}\n", encoding="ascii")
    partial.replace(path)  # whoever polls for `path` never reads half a number


def run_gui(*, demo: bool = False, smoke: bool = False, ready_file: Path | None = None,
            use_tray: bool | None = None) -> int:
    """The tray app's main loop. `smoke`: show tray and window, make one demo report, quit (0 = it worked).

    `ready_file`: once the icon (or, with no tray, the window) is shown and the event loop has run once,
    write the time there; `use_tray=True` shows the icon even where Qt reports no system tray.
    """
    from ..logs import setup_logging
    from ..paths import app_paths
    from .gc_guard import MainThreadGarbageCollector
    from .single_instance import SingleInstance, ask_running_instance, server_name

    paths = app_paths().ensure()
    setup_logging(paths.logs, rotate=False)  # rotating from the start-up job on (_load_startup)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Business Orchestrator")
    app.setOrganizationName("BusinessOrchestrator")
    app.setDesktopFileName("business-orchestrator")
    name = server_name(str(paths.config))
    if not smoke and ask_running_instance(name):
        log.info("another instance is running; asked it to show its window")
        return 0
    instance = SingleInstance(name)
    if not smoke and instance.listen():
        log.info("single instance: listening as %s", name)
    collector = MainThreadGarbageCollector(app)
    tray_app = TrayApp(paths, demo=demo or smoke, use_tray=use_tray, welcome=not smoke)
    app.setQuitOnLastWindowClosed(not tray_app.use_tray)
    instance.show_requested.connect(tray_app.another_launch)
    sys.excepthook = _excepthook
    outcome = {"code": 0}
    if smoke:
        def finish(code: int) -> None:
            outcome["code"] = code
            tray_app.quit()

        tray_app.ready.connect(tray_app.generate_now)
        tray_app.report_ready.connect(lambda view: finish(0))
        tray_app.generation_failed.connect(lambda message: (print(message, file=sys.stderr), finish(1)))
        tray_app.summary.bring_forward()
    tray_app.start()
    if ready_file is not None:
        QTimer.singleShot(0, lambda: mark_ready(ready_file))  # runs once the event loop has started
    from .fonts import load_bundled_fonts

    # Hindi and Gujarati never show as boxes. 13 ms: after the icon is up, before any report text is shown
    # (that arrives from the start-up worker, queued after this).
    QTimer.singleShot(0, load_bundled_fonts)
    code = app.exec()
    instance.close()
    collector.stop()
    return outcome["code"] if smoke else code

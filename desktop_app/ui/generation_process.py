"""The tray's report generation in a short-lived child process (no Qt here: the child imports this module).

Why: a report needs pandas, numpy and (for AI insights) openai, and CPython cannot unload an imported
extension module, so generating on a worker thread of the tray kept 60+ MB of libraries and their native
memory in the tray for good, growing with every run (docs/benchmarks.md, "Tray memory"). The worker thread
now starts a "spawn" child (the same on Windows, macOS, Linux and in the PyInstaller build, where
`desktop_app/__main__.py` calls `multiprocessing.freeze_support()`), and waits for it:

- the child sends ("progress", step) and its log records over a pipe; the worker re-emits the steps and
  hands the records to the tray's loggers, so app.log gets them from one writer;
- Cancel sets a multiprocessing Event the pipeline checks at its checkpoints, as before; a child that has
  not stopped `CANCEL_GRACE_SECONDS` later is terminated;
- the result (the Report and, when sent, the DrainResult) or the error (class name, message, traceback)
  comes back pickled; a child that dies without answering becomes a `GenerationFailed`, never a hang.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..cancel import Cancelled

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .jobs import Generated, Workspace
    from .worker import TaskContext

log = logging.getLogger("business_orchestrator.ui.generation")
POLL_SECONDS = 0.1
CANCEL_GRACE_SECONDS = 5.0  # a pipeline checkpoint is never further apart than this on the demo or a big shop
EXIT_WAIT_SECONDS = 10.0  # after the answer: the child only has to flush its pipe and exit


class GenerationFailed(Exception):
    """The report process raised an error (`kind` is its class name) or ended without an answer."""

    def __init__(self, message: str, kind: str | None = None, details: str = ""):
        super().__init__(message)
        self.kind = kind
        self.details = details


class _ChildContext:
    """What `jobs.make_report` needs from a TaskContext, in the child: steps go back over the pipe."""

    def __init__(self, send, cancel):
        self._send = send
        self.cancel = cancel

    def progress(self, step: str) -> None:
        self._send(("progress", step))


class _PipeLogHandler(logging.Handler):
    """The child's log records, sent to the tray (its file handler is the only writer of app.log)."""

    def __init__(self, send):
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info:  # tracebacks are not picklable: send the text
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.msg, record.args, record.exc_info = record.getMessage(), None, None
            self._send(("log", record))
        except Exception:  # logging must never break the report
            self.handleError(record)


def forward_logs(conn: Connection, log_level: int) -> Callable[[object], None]:
    """A child process's sender over `conn`, with the app's log records going the same way.

    One lock: Telethon and worker threads log from threads of their own."""
    from ..logs import ROOT_LOGGER

    lock = threading.Lock()

    def send_message(message) -> None:
        with lock:
            conn.send(message)

    root = logging.getLogger(ROOT_LOGGER)
    root.addHandler(_PipeLogHandler(send_message))
    root.setLevel(log_level)
    return send_message


def child_main(conn: Connection, cancel, workspace: Workspace, day: dt.date, send: bool,
               hold_until: dt.datetime | None, deliver_here: bool, log_level: int) -> None:
    """The child process: make the report (and send it when asked), answer over `conn`, exit."""
    send_message = forward_logs(conn, log_level)
    try:
        from . import jobs

        ctx = _ChildContext(send_message, cancel)
        report, settings, send_now = jobs.make_report(ctx, workspace, day, send=send, hold_until=hold_until)
        delivery = None
        if send_now and deliver_here:
            ctx.progress("Sending…")
            delivery = jobs.deliver(ctx, settings, workspace.paths)
        send_message(("done", report, delivery, send_now and not deliver_here))
    except Cancelled:
        send_message(("cancelled",))
    except BaseException as exc:  # every failure goes back to the tray as text
        send_message(("error", exc.__class__.__name__, str(exc), traceback.format_exc()))
    finally:
        conn.close()


def generate_in_child(ctx: TaskContext, workspace: Workspace, day: dt.date | None, *, send: bool = False,
                      hold_until: dt.datetime | None = None, client_factory=None) -> Generated:
    """`jobs.generate`, with the pipeline (and the send) in a child process. Runs on a worker thread.

    A `client_factory` (tests' stand-in for Telethon's client) lives in this process, so with one the send
    happens here after the child has made the report.
    """
    import multiprocessing

    from . import jobs

    day = day or jobs.today(workspace.settings)
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe(duplex=False)
    cancel = spawn.Event()
    level = logging.getLogger("business_orchestrator").getEffectiveLevel()
    # Not a daemon: a daemon process may not start processes, and the child parses large files side by side
    # (parallel_read.py). This thread ends it either way: it waits for the answer, terminates it on Cancel.
    child = spawn.Process(target=child_main, name="business-orchestrator-report", daemon=False,
                          args=(theirs, cancel, workspace, day, send, hold_until, client_factory is None, level))
    child.start()
    theirs.close()  # ours then sees end-of-file when the child is gone
    try:
        answer = _wait(ctx, child, ours, cancel)
    finally:
        ours.close()
        child.join(EXIT_WAIT_SECONDS)
        if child.is_alive():
            log.warning("the report process did not exit after answering: terminating it")
            child.terminate()
            child.join(EXIT_WAIT_SECONDS)
        child.close()
    _, report, delivery, send_here = answer
    return jobs.present(ctx, workspace, day, report, workspace.settings, send_now=send_here,
                        client_factory=client_factory, delivery=delivery)


def _wait(ctx: TaskContext, child, conn: Connection, cancel) -> tuple:
    """Relay steps and log records until the child answers; raise its error, Cancelled, or its death."""
    grace_polls = None  # counted in polls, not clock time: benchmarks freeze the clock
    while True:
        if ctx.cancel.is_set() and grace_polls is None:
            cancel.set()
            grace_polls = int(CANCEL_GRACE_SECONDS / POLL_SECONDS)
        if conn.poll(POLL_SECONDS):
            try:
                message = conn.recv()
            except EOFError:
                child.join(EXIT_WAIT_SECONDS)
                raise GenerationFailed(_died(child.exitcode)) from None
            kind = message[0]
            if kind == "progress":
                ctx.progress(message[1])
            elif kind == "log":
                record = message[1]
                logging.getLogger(record.name).handle(record)
            elif kind == "done":
                return message
            elif kind == "cancelled":
                raise Cancelled("cancelled")
            else:
                _, name, text, details = message
                raise GenerationFailed(text, kind=name, details=details)
        elif grace_polls is not None:
            grace_polls -= 1
            if grace_polls <= 0:
                log.warning("the report process ignored Cancel for %.0f s: terminating it", CANCEL_GRACE_SECONDS)
                child.terminate()
                raise Cancelled("cancelled (the report process was stopped)")


def _died(exitcode: int | None) -> str:
    how = f"was killed by signal {-exitcode}" if exitcode is not None and exitcode < 0 else \
        f"exited with code {exitcode}" if exitcode is not None else "stopped answering"
    return f"the report process {how} before the report was made"

"""The one way the UI runs work in the background.

`run_in_background(fn, ...)` runs `fn(ctx, *args)` on a pool thread and returns a `Task` whose
signals (`progress`, `succeeded`, `failed`, `finished`) are always delivered on the GUI thread,
so slots connected to them may touch widgets. `ctx.progress(text)` reports a step and
`ctx.cancel` is a threading.Event the function checks at its checkpoints.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger("business_orchestrator.ui.worker")


@dataclass
class TaskContext:
    """What a background function gets: a way to report steps and the cancel flag to check."""

    report: Callable[[str], None]
    cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, step: str) -> None:
        self.report(step)


class Task(QObject):
    """A background call as seen from the GUI thread. Public signals are emitted on the GUI thread."""

    progress = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal()  # after succeeded or failed

    # Emitted from the pool thread; queued to this object's (GUI) thread by Qt.
    _progress_from_worker = Signal(str)
    _done_from_worker = Signal(bool, object)

    def __init__(self, name: str, owner: QObject | None = None):
        # Never a Qt child of `owner`: a dialog closed mid-task would delete the task under the worker's
        # feet. The task only listens for the owner's end and then delivers nothing.
        super().__init__()
        self.name = name
        self.orphaned = False
        if owner is not None:
            owner.destroyed.connect(self._orphan)
        self.context = TaskContext(report=self._progress_from_worker.emit)
        self.running = True
        self._progress_from_worker.connect(self._on_progress)
        self._done_from_worker.connect(self._on_done)

    def cancel(self) -> None:
        self.context.cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.context.cancel.is_set()

    @Slot()
    def _orphan(self) -> None:
        self.orphaned = True
        self.cancel()

    @Slot(str)
    def _on_progress(self, step: str) -> None:
        if not self.orphaned:
            self.progress.emit(step)

    @Slot(bool, object)
    def _on_done(self, ok: bool, value: object) -> None:
        self.running = False
        if self.orphaned:
            if not ok:
                log.info("background task %r ended after its window closed: %s", self.name, value)
        else:
            (self.succeeded if ok else self.failed).emit(value)
            self.finished.emit()
        _live_tasks.discard(self)
        self.deleteLater()  # one task per tick would otherwise pile up as children of the app


def _job(task: Task, fn: Callable[..., Any], args: tuple[Any, ...]) -> Callable[[], None]:
    """What the pool runs: `fn`, its result or error handed to the task's (GUI) thread by a signal.

    A plain callable, not a QRunnable subclass: PySide6 takes a reference to a Python QRunnable passed to
    `QThreadPool.start` and, with auto-delete off, never gives it back, so every task, its arguments and
    its callbacks stayed in memory for good (bench/tray_soak.py: +30 KB a scheduled run). PySide6 wraps a
    callable in a runnable of its own and drops its reference once the call has returned.
    """

    def run() -> None:
        try:
            result = fn(task.context, *args)
        except BaseException as exc:  # handed to the GUI thread, which logs and shows it
            if not isinstance(exc, Exception):
                log.error("background task %r stopped by %r", task.name, exc)
            _deliver(task, False, exc)
        else:
            _deliver(task, True, result)

    return run


def _deliver(task: Task, ok: bool, value: object) -> None:
    try:
        task._done_from_worker.emit(ok, value)
    except RuntimeError:  # the app quit and Qt deleted the task before this late task ended: nobody to tell
        log.info("background task %r ended after the app quit", task.name)


_pool: QThreadPool | None = None
_live_tasks: set[Task] = set()  # keeps Python wrappers alive until their result is delivered


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


def run_in_background(name: str, fn: Callable[..., Any], *args: Any, parent: QObject | None = None,
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None) -> Task:
    """Start `fn(ctx, *args)` on a worker thread. Must be called on the GUI thread.

    `parent` is the object the result is for: if it is deleted first, the result is dropped.
    """
    task = Task(name, parent)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    else:
        task.failed.connect(lambda exc: log.error("background task %r failed", name, exc_info=exc))
    _live_tasks.add(task)
    pool().start(_job(task, fn, args))
    return task


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """At quit: let running work finish (it checks the cancel flag) before the interpreter goes away."""
    for task in list(_live_tasks):
        task.cancel()
    return pool().waitForDone(timeout_ms)

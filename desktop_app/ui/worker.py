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

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

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
        self.runnable: QRunnable | None = None
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
        self.runnable = None
        if self.orphaned:
            if not ok:
                log.info("background task %r ended after its window closed: %s", self.name, value)
        else:
            (self.succeeded if ok else self.failed).emit(value)
            self.finished.emit()
        _live_tasks.discard(self)
        self.deleteLater()  # one task per tick would otherwise pile up as children of the app


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...]):
        super().__init__()
        # Python owns this object (the task keeps it until the result is delivered): with auto-delete,
        # Qt and Python's garbage collector could both end its life, and a collected runnable never runs.
        self.setAutoDelete(False)
        self._task, self._fn, self._args = task, fn, args

    def run(self) -> None:
        try:
            result = self._fn(self._task.context, *self._args)
        except BaseException as exc:  # handed to the GUI thread, which logs and shows it
            if not isinstance(exc, Exception):
                log.error("background task %r stopped by %r", self._task.name, exc)
            self._task._done_from_worker.emit(False, exc)
        else:
            self._task._done_from_worker.emit(True, result)


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
    task.runnable = _Runnable(task, fn, args)
    pool().start(task.runnable)
    return task


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """At quit: let running work finish (it checks the cancel flag) before the interpreter goes away."""
    for task in list(_live_tasks):
        task.cancel()
    return pool().waitForDone(timeout_ms)

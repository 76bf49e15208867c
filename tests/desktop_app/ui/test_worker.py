"""The one background helper: work off the GUI thread, results and errors delivered on it."""

from __future__ import annotations

import logging
import threading

from desktop_app.ui.worker import run_in_background


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    seen: list[tuple[str, bool]] = []
    worker_threads: list[threading.Thread] = []

    def work(ctx, a, b):
        worker_threads.append(threading.current_thread())
        ctx.progress("half way")
        return a + b

    task = run_in_background("add", work, 2, 3)
    task.progress.connect(lambda step: seen.append((step, threading.current_thread() is threading.main_thread())))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert worker_threads[0] is not threading.main_thread()
    assert seen == [("half way", True)]
    assert not task.running


def test_errors_arrive_as_the_exception(qtbot):
    def work(ctx):
        raise ValueError("bad row 7")

    task = run_in_background("fail", work, on_failure=lambda exc: None)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    assert str(blocker.args[0]) == "bad row 7"


def test_cancel_sets_the_flag_the_work_checks(qtbot):
    started = threading.Event()
    release = threading.Event()

    def work(ctx):
        started.set()
        release.wait(5)
        return ctx.cancel.is_set()

    task = run_in_background("cancellable", work)
    qtbot.waitUntil(started.is_set, timeout=5000)
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [True]


def test_finished_tasks_are_freed_with_their_arguments(qtbot):
    """A task, its arguments and callbacks must not outlive the delivered result: the tray starts several
    per scheduled report (bench/tray_soak.py found every one of them kept for good)."""
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent

    class Payload:
        pass

    payloads, tasks = [], []
    for _ in range(5):
        payload = Payload()
        payloads.append(weakref.ref(payload))
        task = run_in_background("noop", lambda ctx, p: None, payload, on_success=lambda value: None)
        tasks.append(weakref.ref(task))
        with qtbot.waitSignal(task.finished, timeout=5000):
            pass
        del payload, task
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()
    assert [ref() for ref in payloads] == [None] * 5
    assert [ref() for ref in tasks] == [None] * 5


def test_a_task_ending_after_the_app_deleted_it_is_dropped_quietly(qtbot, caplog):
    from shiboken6 import Shiboken

    from desktop_app.ui.worker import Task, _job

    task = Task("late")
    run = _job(task, lambda ctx: 42, ())
    Shiboken.delete(task)  # what quitting does to a task whose work is still on a pool thread
    with caplog.at_level(logging.INFO, logger="business_orchestrator.ui.worker"):
        run()  # raised "Signal source has been deleted" on the pool thread before
    assert "ended after the app quit" in caplog.text

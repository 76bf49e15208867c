"""The tray's intraday alert check, in a short-lived child process like the report itself (no Qt
here): reading the sources needs pandas, which must not stay loaded in the tray
(see generation_process.py)."""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ..paths import AppPaths
    from ..settings import Settings
    from .worker import TaskContext

log = logging.getLogger("business_orchestrator.ui.alerts")
WAIT_SECONDS = 300.0


def child_main(conn: Connection, settings: Settings, paths: AppPaths) -> None:
    try:
        from ..alerts import check_now

        conn.send(("done", check_now(settings, paths)))
    except BaseException as exc:  # the tray logs it; the next check tries again
        conn.send(("error", f"{exc.__class__.__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


def check_alerts_in_child(ctx: TaskContext, settings: Settings, paths: AppPaths) -> list[str]:
    """Runs on a worker thread; returns the alert messages that fired for the first time today."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe(duplex=False)
    child = spawn.Process(target=child_main, name="business-orchestrator-alerts", daemon=True,
                          args=(theirs, settings, paths))
    child.start()
    theirs.close()
    try:
        if not ours.poll(WAIT_SECONDS):
            raise TimeoutError(f"the alert check did not answer within {WAIT_SECONDS:.0f} s")
        answer = ours.recv()
    except EOFError:
        raise RuntimeError(f"the alert check process exited with code {child.exitcode}") from None
    finally:
        ours.close()
        child.join(10)
        if child.is_alive():
            child.terminate()
            child.join(10)
        child.close()
    if answer[0] == "error":
        log.error("alert check failed: %s\n%s", answer[1], answer[2])
        raise RuntimeError(answer[1])
    return answer[1]

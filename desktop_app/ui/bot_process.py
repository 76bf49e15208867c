"""The Telegram question bot while the tray runs: a supervised child process (no Qt here).

Why a child: answering a question reads history and the sales sources with pandas, which must not
load into the tray (see generation_process.py). Why supervised: the listener holds a connection for
hours; a crash, a lost network or a killed process must not end questions for the day. The
supervisor (a thread of the tray) starts the child, hands its log records to the tray's loggers,
and starts it again after a crash with a growing pause (`BACKOFF_SECONDS`, back to the first after
a child that ran `STABLE_SECONDS`). A problem only the owner can fix (not signed in, a user
account instead of a bot) stops it with that sentence, until the settings change. Quit stops it: the
child gets a stop event, then is terminated if it has not ended within `EXIT_WAIT_SECONDS`.

The child signs in with its own Telegram session (bot/listener.py), so the report process's sends
and the bot never share one authorisation key, and neither waits for the other.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ..paths import AppPaths
    from ..settings import Settings

log = logging.getLogger("business_orchestrator.ui.bot")
BACKOFF_SECONDS = (5.0, 15.0, 60.0, 300.0)
STABLE_SECONDS = 600.0  # a child that listened this long crashed for a new reason: start again from 5 s
EXIT_WAIT_SECONDS = 10.0
POLL_SECONDS = 0.2
Target = Callable[..., None]


def child_main(conn: Connection, stop, settings: Settings, paths: AppPaths, log_level: int) -> None:
    """The child: listen until `stop` is set; a failure goes back as ("fatal", sentence) or ("error", …)."""
    from .generation_process import forward_logs

    send = forward_logs(conn, log_level)
    try:
        from ..bot.commands import Bot
        from ..bot.listener import Listener
        from ..channels.telegram_auth import NotSignedIn
        from ..secrets import SecretStoreUnavailable

        listener = Listener(Bot(settings, paths, on_paired=lambda chat_id: send(("paired", chat_id))))
        running = listener.start()
        send(("started",))
        try:
            while not stop.wait(POLL_SECONDS):
                if running.done():
                    running.result()  # raises what ended it
                    raise RuntimeError("the listener ended by itself")
        except (NotSignedIn, SecretStoreUnavailable) as exc:  # only the owner can fix these: no restart
            send(("fatal", str(exc)))
            return
        listener.stop()
        running.result(timeout=EXIT_WAIT_SECONDS)
        send(("stopped",))
    except BaseException as exc:  # the supervisor logs it and starts a new child
        send(("error", exc.__class__.__name__, str(exc), traceback.format_exc()))
    finally:
        conn.close()


class BotSupervisor:
    """Runs `target` in a spawned child while the bot is on; see the module docstring."""

    def __init__(self, paths: AppPaths, *, target: Target = child_main,
                 backoff: tuple[float, ...] = BACKOFF_SECONDS, stable_seconds: float = STABLE_SECONDS,
                 on_state: Callable[[str], None] = lambda state: None,
                 on_paired: Callable[[int], None] = lambda chat_id: None):
        self.paths = paths
        self.on_paired = on_paired  # a chat paired in the child (already saved in settings.toml)
        self.on_state = on_state  # called (from the supervisor's thread) whenever `state` changes
        self.target = target
        self.backoff = backoff
        self.stable_seconds = stable_seconds
        self.settings: Settings | None = None
        self._state = "off"
        self.starts = 0
        self.waits: list[float] = []  # each pause before a restart, in order (the tests read them)
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None
        self._child = None
        self._child_stop = None
        self._wanted: Settings | None = None  # what the last `configure` asked for
        self._lock = threading.Lock()  # one start or stop at a time
        self._applied = threading.Event()
        self._applied.set()

    @property
    def state(self) -> str:
        """off, running, waiting (after a crash), or "stopped: <why>" (a problem only the owner can fix)."""
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        changed = value != self._state
        self._state = value
        if changed:
            self.on_state(value)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def configure(self, settings: Settings, on: bool) -> None:
        """Start, restart (the settings changed) or stop the bot to match `settings`.

        Called on the GUI thread: the old child is stopped (it may take a moment to disconnect) and the
        new one started on a helper thread, one change at a time, so two listeners never overlap."""
        wanted = settings if on else None
        if _same(wanted, self._wanted) and (wanted is None or self.running):
            return
        self._wanted = wanted
        applied = self._applied = threading.Event()
        threading.Thread(target=self._apply, args=(applied,), name="bot-configure", daemon=True).start()

    def _apply(self, applied: threading.Event) -> None:
        with self._lock:
            wanted = self._wanted
            if not (_same(wanted, self.settings) and (wanted is None or self.running)):
                self._stop()
                if wanted is not None:
                    self.start(wanted)
        applied.set()

    def wait_applied(self, timeout: float = 30.0) -> bool:
        """Until the last `configure` has been carried out (tests)."""
        return self._applied.wait(timeout)

    def start(self, settings: Settings) -> None:
        self.settings = settings
        self._quit = threading.Event()
        self.state = "running"
        self._thread = threading.Thread(target=self._supervise, args=(settings, self._quit),
                                        name="bot-supervisor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = EXIT_WAIT_SECONDS * 2) -> None:
        """Stop the child and the supervisor and wait for them (the tray's Quit)."""
        self._wanted = None
        self._quit.set()
        if self._child_stop is not None:
            self._child_stop.set()
        with self._lock:
            self._stop(timeout)

    def _stop(self, timeout: float = EXIT_WAIT_SECONDS * 2) -> None:
        self.settings = None
        self._quit.set()
        if self._child_stop is not None:
            self._child_stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if not self.state.startswith("stopped"):
            self.state = "off"

    def _supervise(self, settings: Settings, quit_: threading.Event) -> None:
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")
        failures = 0
        level = logging.getLogger("business_orchestrator").getEffectiveLevel()
        while not quit_.is_set():
            ours, theirs = spawn.Pipe(duplex=False)
            stop = spawn.Event()
            child = spawn.Process(target=self.target, name="business-orchestrator-bot", daemon=True,
                                  args=(theirs, stop, settings, self.paths, level))
            self._child, self._child_stop = child, stop
            if quit_.is_set():
                break
            started = time.monotonic()
            child.start()
            self.starts += 1
            theirs.close()
            self.state = "running"
            outcome = self._relay(ours, child, stop, quit_)
            ours.close()
            _end(child, stop)
            self._child = self._child_stop = None
            if quit_.is_set():
                break
            if outcome[0] == "fatal":
                self.state = f"stopped: {outcome[1]}"
                log.warning("the Telegram bot stopped: %s", outcome[1])
                return
            if time.monotonic() - started >= self.stable_seconds:
                failures = 0
            wait = self.backoff[min(failures, len(self.backoff) - 1)]
            failures += 1
            self.waits.append(wait)
            self.state = "waiting"
            log.warning("the Telegram bot process ended (%s); starting it again in %.0f s", outcome[1], wait)
            if quit_.wait(wait):
                break
        self.state = "off"

    def _relay(self, conn: Connection, child, stop, quit_: threading.Event) -> tuple[str, str]:
        """The child's log records to the tray's loggers, until it ends: ("fatal"|"ended", why)."""
        quit_polls = None  # counted in polls: a child that ignores the stop event is terminated by `_end`
        while True:
            if quit_.is_set():
                stop.set()
                quit_polls = int(EXIT_WAIT_SECONDS / POLL_SECONDS) if quit_polls is None else quit_polls - 1
                if quit_polls <= 0:
                    return "ended", "did not stop when asked"
            if conn.poll(POLL_SECONDS):
                try:
                    message = conn.recv()
                except EOFError:
                    child.join(EXIT_WAIT_SECONDS)
                    return "ended", f"exit code {child.exitcode}"
                kind = message[0]
                if kind == "log":
                    record = message[1]
                    logging.getLogger(record.name).handle(record)
                elif kind == "paired":  # the tray adds it to its settings (the object this child was started with)
                    self.on_paired(message[1])
                elif kind == "fatal":
                    return "fatal", message[1]
                elif kind == "error":
                    log.error("the Telegram bot failed: %s: %s\n%s", message[1], message[2], message[3])
                    return "ended", f"{message[1]}: {message[2]}"
                elif kind == "stopped":
                    return "ended", "stopped"
            elif not child.is_alive():
                return "ended", f"exit code {child.exitcode}"


def _same(one: Settings | None, other: Settings | None) -> bool:
    if one is None or other is None:
        return one is other
    return one.model_dump() == other.model_dump()


def _end(child, stop) -> None:
    stop.set()
    child.join(EXIT_WAIT_SECONDS)
    if child.is_alive():
        log.warning("the Telegram bot process did not stop: terminating it")
        child.terminate()
        child.join(EXIT_WAIT_SECONDS)
    child.close()

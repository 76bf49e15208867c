"""The tray's Telegram bot child process: restarted after a crash with a growing pause, stopped on Quit,
left stopped with the owner's sentence when only the owner can fix it, and kept out of the tray's pandas."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from desktop_app.settings import Settings
from desktop_app.ui.bot_process import BotSupervisor

MARKS = "BO_TEST_BOT_MARKS"


def _mark(paths, text: str) -> None:
    with open(Path(paths.data) / "bot-child.log", "a", encoding="utf-8") as handle:
        handle.write(f"{text} {os.getpid()}\n")


def crashing_child(conn, stop, settings, paths, log_level) -> None:
    """Starts, then dies as a crash would (no answer on the pipe)."""
    _mark(paths, "started")
    os._exit(3)


def patient_child(conn, stop, settings, paths, log_level) -> None:
    """Listens until asked to stop, as the real child does."""
    _mark(paths, "started")
    conn.send(("started",))
    stop.wait(60)
    _mark(paths, "stopped")
    conn.send(("stopped",))
    conn.close()


def signed_out_child(conn, stop, settings, paths, log_level) -> None:
    _mark(paths, "started")
    conn.send(("fatal", "Telegram is not set up: run `business-orchestrator telegram login`."))
    conn.close()


def marks(paths) -> list[str]:
    file = Path(paths.data) / "bot-child.log"
    return file.read_text(encoding="utf-8").splitlines() if file.exists() else []


def wait_until(check, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def on() -> Settings:
    settings = Settings()
    settings.bot.enabled = True
    return settings


def test_a_crashed_bot_is_started_again_with_a_growing_pause(paths, on):
    supervisor = BotSupervisor(paths, target=crashing_child, backoff=(0.1, 0.3, 0.6))
    supervisor.configure(on, True)
    try:
        wait_until(lambda: len(marks(paths)) >= 4)
    finally:
        supervisor.stop()
    assert supervisor.waits[:3] == [0.1, 0.3, 0.6] and set(supervisor.waits[3:]) <= {0.6}
    pids = {line.split()[1] for line in marks(paths)}
    assert len(pids) == len(marks(paths))  # a new process each time
    assert supervisor.state == "off" and not supervisor.running


def test_quit_stops_the_child_and_a_settings_change_restarts_it_once(paths, on):
    supervisor = BotSupervisor(paths, target=patient_child)
    supervisor.configure(on, True)
    assert supervisor.wait_applied()
    wait_until(lambda: len(marks(paths)) == 1)
    supervisor.configure(on, True)  # the same settings: nothing happens
    assert supervisor.wait_applied()
    changed = on.model_copy(deep=True)
    changed.bot.per_minute = 3
    supervisor.configure(changed, True)
    assert supervisor.wait_applied()
    wait_until(lambda: len(marks(paths)) == 3)
    first, stopped, second = marks(paths)
    assert first.split()[0] == "started" and stopped == f"stopped {first.split()[1]}"
    assert second.startswith("started") and second != first  # the old one ended before the new one began
    supervisor.stop()
    assert marks(paths)[-1] == f"stopped {second.split()[1]}"
    assert not supervisor.running and supervisor.starts == 2 and supervisor.waits == []


def test_turning_the_bot_off_stops_it(paths, on):
    supervisor = BotSupervisor(paths, target=patient_child)
    supervisor.configure(on, True)
    wait_until(lambda: len(marks(paths)) == 1)
    supervisor.configure(on, False)
    assert supervisor.wait_applied()
    assert marks(paths)[-1].startswith("stopped") and not supervisor.running


def test_a_problem_only_the_owner_can_fix_stops_the_bot_with_the_sentence(paths, on):
    supervisor = BotSupervisor(paths, target=signed_out_child, backoff=(0.05,))
    supervisor.configure(on, True)
    wait_until(lambda: supervisor.state.startswith("stopped"))
    time.sleep(0.3)  # no restart follows
    assert len(marks(paths)) == 1 and supervisor.waits == []
    assert supervisor.state == "stopped: Telegram is not set up: run `business-orchestrator telegram login`."
    supervisor.stop()


def test_the_real_child_says_why_it_cannot_listen(paths, on):
    """The real child process: no Telegram sign-in in this process's keyring, so the owner's sentence comes back."""
    supervisor = BotSupervisor(paths)
    supervisor.configure(on, True)
    wait_until(lambda: supervisor.state.startswith("stopped"), 120)
    assert "Telegram is not set up" in supervisor.state
    supervisor.stop()


def test_the_tray_starts_the_bot_when_it_is_on_and_stops_it_on_quit(make_app, paths, on, monkeypatch):
    from desktop_app.settings import save_settings

    save_settings(on, paths.settings_file)
    monkeypatch.setattr(BotSupervisor, "__init__", _patient_init)
    app = make_app(demo=False)
    assert app.bot.wait_applied()
    wait_until(lambda: len(marks(paths)) == 1)
    assert app.bot.running
    app.shutdown()
    assert marks(paths)[-1].startswith("stopped") and not app.bot.running


_original_init = BotSupervisor.__init__


def _patient_init(self, paths, **kwargs):
    _original_init(self, paths, target=patient_child, **kwargs)


def test_the_tray_tooltip_says_why_the_bot_is_off(make_app, paths, on, qtbot):
    """The real child process: not signed in to Telegram here, so the owner's sentence reaches the tooltip."""
    from desktop_app.settings import save_settings

    save_settings(on, paths.settings_file)
    app = make_app(demo=False)
    qtbot.waitUntil(lambda: "Telegram bot off" in app.tray.icon.toolTip(), timeout=120_000)
    assert "Telegram bot off: Telegram is not set up" in app.tray.icon.toolTip()


def pairing_child(conn, stop, settings, paths, log_level) -> None:
    """A chat pairs in the child (as bot/commands.py does: settings.toml first, then the message)."""
    from desktop_app.settings import load_settings, save_settings

    _mark(paths, "started")
    on_disk = load_settings(paths.settings_file)
    on_disk.bot.allowed_chats.append(777)
    save_settings(on_disk, paths.settings_file)
    conn.send(("paired", 777))
    stop.wait(60)
    _mark(paths, "stopped")
    conn.send(("stopped",))
    conn.close()


def test_a_chat_paired_in_the_bot_process_stays_in_the_tray_s_settings(make_app, paths, on, qtbot, monkeypatch):
    """Pairing happens in the child; the tray's settings and an open dialog learn it, so the next OK keeps the
    chat and the bot is not restarted for it."""
    from desktop_app.settings import load_settings, save_settings

    on.bot.allowed_chats = [111]
    save_settings(on, paths.settings_file)
    monkeypatch.setattr(BotSupervisor, "__init__", _pairing_init)
    app = make_app(demo=False)
    dialog = app.open_settings("telegram")
    qtbot.waitUntil(lambda: 777 in app.settings.bot.allowed_chats, timeout=60_000)
    editor = dialog.telegram.bot.form.editors["allowed_chats"]
    assert editor.value() == [111, 777]
    assert dialog.telegram.bot.status.text() == "✓ Paired: chat 777 now gets answers."
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.accept()
    assert load_settings(paths.settings_file).bot.allowed_chats == [111, 777]
    assert app.bot.wait_applied()
    assert app.bot.starts == 1 and len(marks(paths)) == 1  # the same bot process goes on


def _pairing_init(self, paths, **kwargs):
    _original_init(self, paths, target=pairing_child, **kwargs)

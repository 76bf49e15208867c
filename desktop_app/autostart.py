"""Start at login: the one switch the Schedule tab flips, written the way each OS expects.

Linux: an XDG autostart `.desktop` entry. Windows: a value under the current user's Run key.
macOS: a LaunchAgent plist. Only the Linux form is exercised by the tests on this machine.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import sys
from pathlib import Path

APP_ID = "business-orchestrator"
DISPLAY_NAME = "Business Orchestrator"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MAC_LABEL = "in.business-orchestrator.tray"


def launch_command() -> list[str]:
    """How to start the tray app as it is installed now: the frozen executable, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name("business-orchestrator" + (".exe" if sys.platform == "win32" else ""))
    if script.is_file():
        return [str(script), "gui"]
    return [sys.executable, "-m", "desktop_app", "gui"]


def linux_entry_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{APP_ID}.desktop"


def mac_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


def _desktop_exec(command: list[str]) -> str:
    """Quote per the Desktop Entry spec: arguments with reserved characters go in double quotes.

    The spec's string escaping applies on top of its quoting rule, so every backslash the quoting
    adds is written twice: a literal dollar sign in a quoted argument is backslash, backslash, dollar.
    """
    def quote(arg: str) -> str:
        if arg and not any(ch in arg for ch in ' \t\n"\'\\><~|&;$*?#()`'):
            return arg
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
        return f'"{escaped}"'

    return " ".join(quote(arg) for arg in command).replace("\\", "\\\\").replace("%", "%%")


def linux_entry(command: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        f"Name={DISPLAY_NAME}",
        "Comment=The evening business report, in your tray",
        f"Exec={_desktop_exec(command)}",
        "Icon=business-orchestrator",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def set_start_at_login(enabled: bool, command: list[str] | None = None, platform: str | None = None) -> str:
    """Create or remove the OS's start-at-login entry; returns where it lives (for the log and the UI)."""
    command = command or launch_command()
    platform = platform or sys.platform
    if platform.startswith("win"):
        return _windows(enabled, command)
    if platform == "darwin":
        return _mac(enabled, command)
    path = linux_entry_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(linux_entry(command), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return str(path)


def is_start_at_login(platform: str | None = None) -> bool:
    platform = platform or sys.platform
    if platform.startswith("win"):
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.QueryValueEx(key, DISPLAY_NAME)
        except OSError:
            return False
        return True
    if platform == "darwin":
        return mac_agent_path().exists()
    return linux_entry_path().exists()


def _windows(enabled: bool, command: list[str]) -> str:
    import subprocess
    import winreg

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
        if enabled:
            winreg.SetValueEx(key, DISPLAY_NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(command))
        else:
            with contextlib.suppress(FileNotFoundError):  # already absent: the state the caller asked for
                winreg.DeleteValue(key, DISPLAY_NAME)
    return f"HKEY_CURRENT_USER\\{WINDOWS_RUN_KEY}\\{DISPLAY_NAME}"


def _mac(enabled: bool, command: list[str]) -> str:
    path = mac_agent_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        agent = {"Label": MAC_LABEL, "ProgramArguments": command, "RunAtLoad": True, "ProcessType": "Interactive"}
        path.write_bytes(plistlib.dumps(agent))
    else:
        path.unlink(missing_ok=True)
    return str(path)


def describe(command: list[str]) -> str:
    """The command as a shell line, for the Schedule tab's hint."""
    return shlex.join(command)

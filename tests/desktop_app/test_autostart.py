"""Start at login: the Linux autostart entry (and the macOS plist, which is plain data)."""

from __future__ import annotations

import configparser
import plistlib
import shlex
from pathlib import Path

import pytest

from desktop_app import autostart


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "xdg"


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_linux_entry_is_written_and_removed(xdg: Path):
    command = ["/opt/Business Orchestrator/business-orchestrator", "gui"]
    where = autostart.set_start_at_login(True, command, platform="linux")
    path = xdg / "autostart" / "business-orchestrator.desktop"
    assert where == str(path)
    entry = read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Business Orchestrator"
    assert shlex.split(entry["Exec"]) == command  # quoted so the space survives
    assert autostart.is_start_at_login(platform="linux")
    autostart.set_start_at_login(False, command, platform="linux")
    assert not path.exists()
    assert not autostart.is_start_at_login(platform="linux")
    autostart.set_start_at_login(False, command, platform="linux")  # already off: fine


def test_linux_exec_escapes_reserved_characters(xdg: Path):
    autostart.set_start_at_login(True, ["/home/me/50% off$/bo"], platform="linux")
    exec_line = read_entry(xdg / "autostart" / "business-orchestrator.desktop")["Exec"]
    assert exec_line == '"/home/me/50%% off\\\\$/bo"'  # quoting adds \$, string escaping doubles the \


def test_default_command_starts_the_gui(xdg: Path):
    command = autostart.launch_command()
    assert command[-1] == "gui" or len(command) == 1
    autostart.set_start_at_login(True, platform="linux")
    assert "gui" in read_entry(xdg / "autostart" / "business-orchestrator.desktop")["Exec"]


def test_mac_launch_agent_plist(xdg: Path):
    autostart.set_start_at_login(True, ["/Applications/BO.app/Contents/MacOS/bo"], platform="darwin")
    agent = plistlib.loads(autostart.mac_agent_path().read_bytes())
    assert agent["ProgramArguments"] == ["/Applications/BO.app/Contents/MacOS/bo"]
    assert agent["RunAtLoad"] is True
    autostart.set_start_at_login(False, ["x"], platform="darwin")
    assert not autostart.mac_agent_path().exists()

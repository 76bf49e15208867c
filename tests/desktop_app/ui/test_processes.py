"""The app as separate processes: a fast start-up path, one instance, and the installer's smoke run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY_PACKAGES = ("pandas", "numpy", "openai", "telethon", "pydantic", "connectors")
HEAVY_MODULES = ("desktop_app.pipeline", "desktop_app.settings", "desktop_app.insights")

STARTUP_PROBE = f"""
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.paths import app_paths
from desktop_app.ui.app import TrayApp
tray_app = TrayApp(app_paths().ensure(), use_tray=True)
tray_app.show_now()
heavy = sorted(name for name in sys.modules
               if name.split(".")[0] in {HEAVY_PACKAGES!r} or name in {HEAVY_MODULES!r})
print(json.dumps({{"tray_visible": tray_app.tray.icon.isVisible(), "modules": heavy}}))
"""


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(BUSINESS_ORCHESTRATOR_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def test_the_tray_appears_before_pandas_openai_or_telethon_are_imported(app_home):
    result = subprocess.run([sys.executable, "-c", STARTUP_PROBE], capture_output=True, text=True, timeout=60,
                            env=child_env(app_home), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["tray_visible"]
    assert seen["modules"] == []


def test_smoke_run_makes_a_demo_report_and_exits_0(app_home):
    result = subprocess.run([sys.executable, "-m", "desktop_app", "gui", "--smoke"], capture_output=True, text=True,
                            timeout=180, env=child_env(app_home), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    log = (app_home / "logs" / "app.log").read_text(encoding="utf-8")
    assert "report for" in log and "complete" in log


def test_a_second_launch_brings_the_first_window_forward(qtbot, app_home):
    log = app_home / "logs" / "app.log"

    def logged(text: str) -> bool:
        return log.exists() and text in log.read_text(encoding="utf-8")

    first = subprocess.Popen([sys.executable, "-m", "desktop_app", "gui"], env=child_env(app_home), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: logged("single instance: listening"), timeout=60_000)
        second = subprocess.run([sys.executable, "-m", "desktop_app"], env=child_env(app_home), cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert logged("another instance is running")
        qtbot.waitUntil(lambda: logged("another launch asked for the window"), timeout=30_000)
        assert first.poll() is None  # the first one is still running
    finally:
        first.terminate()
        try:
            first.wait(timeout=30)
        except subprocess.TimeoutExpired:
            first.kill()
            pytest.fail("the first instance did not stop when asked")


GENERATE_PROBE = f"""
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.paths import app_paths
from desktop_app.logs import setup_logging
from desktop_app.ui.app import TrayApp
paths = app_paths().ensure()
setup_logging(paths.logs)
tray_app = TrayApp(paths, demo=True, use_tray=True)
outcome = {{}}
tray_app.ready.connect(tray_app.generate_now)
tray_app.report_ready.connect(lambda view: (outcome.update(day=str(view.report.date)), app.quit()))
tray_app.generation_failed.connect(lambda message: (outcome.update(error=message), app.quit()))
tray_app.start()
app.exec()
tray_app.shutdown()
heavy = sorted(name for name in sys.modules
               if name.split(".")[0] in {HEAVY_PACKAGES!r} or name in {HEAVY_MODULES!r})
print(json.dumps({{**outcome, "modules": heavy}}))
"""


def test_generate_now_leaves_pandas_numpy_and_openai_out_of_the_tray_process(app_home):
    result = subprocess.run([sys.executable, "-c", GENERATE_PROBE], capture_output=True, text=True, timeout=180,
                            env=child_env(app_home), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "error" not in seen and seen["day"]
    # pydantic and the settings come with reading settings.toml; the report itself was made in a child process
    assert [m for m in seen["modules"] if m.split(".")[0] in ("pandas", "numpy", "openai", "telethon")] == []
    assert "desktop_app.pipeline" not in seen["modules"] and "desktop_app.insights" not in seen["modules"]
    log = (app_home / "logs" / "app.log").read_text(encoding="utf-8")
    assert "report for" in log  # the child's log records reach the tray's log file

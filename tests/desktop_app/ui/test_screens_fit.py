"""Issue 16 item 1, the screen check: every window and dialog (desktop_app/ui/gallery.py) opened offscreen on
a 1366×768 screen at 100% and at 125% scaling (QT_SCALE_FACTOR, in a child process) and on 1280×720, with
room for a task bar: every button must be on the screen (or in a scroll area that is)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.ui.gallery import screen_env

REPO = Path(__file__).resolve().parents[3]
# the summary 6 times (one at 800×600, two a head office's: whole business and one branch), five settings tabs,
# the Telegram bot pairing, prompt preview, source editor, unreadable settings
EXPECTED_WINDOWS = 15


@pytest.mark.parametrize(("width", "height", "scale"), [(1366, 768, 1.0), (1366, 768, 1.25), (1280, 720, 1.0)],
                         ids=["1366x768", "1366x768-125pct", "1280x720"])
def test_every_button_is_on_the_screen(tmp_path, width, height, scale):
    env = screen_env(width, height, scale, tmp_path)
    env["BUSINESS_ORCHESTRATOR_HOME"] = str(tmp_path / "home")
    done = subprocess.run([sys.executable, "-m", "desktop_app.ui.gallery", "--check"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    right, bottom = result["screen"][2:]
    assert abs(right + 1 - width / scale) <= 1 and abs(bottom + 1 - height / scale) <= 1  # the screen asked for
    assert result["scale"] == scale
    assert result["windows"] >= EXPECTED_WINDOWS
    assert result["problems"] == []

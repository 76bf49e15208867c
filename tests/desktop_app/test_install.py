"""A plain `pip install .` (not editable) into a fresh venv works: console script, bundled files, demo."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_runs_the_demo(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", BUSINESS_ORCHESTRATOR_HOME=str(tmp_path / "home"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    subprocess.run([python, "-m", "pip", "install", "-q", str(REPO)], check=True, env=env, timeout=900)

    outside = tmp_path / "elsewhere"  # run away from the checkout so nothing is imported from it
    outside.mkdir()
    script = env_dir / "bin" / "business-orchestrator"
    version = subprocess.run([script, "--version"], capture_output=True, text=True, cwd=outside, env=env)
    assert version.returncode == 0 and version.stdout.startswith("business-orchestrator ")

    demo = subprocess.run([script, "generate", "--demo", "--no-send", "--json", "--date", "2026-11-24"],  # a Tuesday
                          capture_output=True, text=True,
                          cwd=outside, env=env, timeout=300)
    assert demo.returncode == 0, demo.stderr
    report = json.loads(demo.stdout)
    assert report["demo"] is True and report["sales"]["total"] > 0

    bundled = subprocess.run(
        [python, "-c", "from desktop_app.resources import bundle_dir; print(bundle_dir('prompts'));"
                       "print(bundle_dir('resources'))"],
        capture_output=True, text=True, cwd=outside, env=env, check=True,
    ).stdout.split()
    assert all(str(env_dir) in line for line in bundled), bundled
    module = subprocess.run([python, "-m", "desktop_app", "--version"], capture_output=True, text=True,
                            cwd=outside, env=env)
    assert module.returncode == 0

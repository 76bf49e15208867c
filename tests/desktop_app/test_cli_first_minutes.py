"""Issue 16 item 6: the command line's first five minutes after scripts/demo work as the README says."""

from __future__ import annotations

import re
from pathlib import Path

from desktop_app.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_history_right_after_the_demo_shows_the_demo_reports(capsys):
    assert main(["demo", "--offline", "--no-send"]) == 0
    capsys.readouterr()
    assert main(["history", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "No reports yet" not in out
    assert "demo shop" in out
    assert re.search(r"^\d{4}-\d\d-\d\d\s+₹", out, re.MULTILINE)


def test_history_json_stays_the_owners_own(capsys):
    """Scripts read `history --json`: the demo's reports are never mixed into it."""
    assert main(["demo", "--offline", "--no-send"]) == 0
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_doctor_says_how_to_add_a_source(capsys):
    main(["doctor"])
    out = capsys.readouterr().out
    assert "Settings → Sources → Add…" in out
    assert "generate --source sales=" in out
    assert "[[sources]]" in out and "settings.toml" in out


def test_readme_says_to_use_the_venv_after_the_demo():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("## ", 1)[0]
    assert ". .venv/bin/activate" in quick_start and ".venv/bin/business-orchestrator" in quick_start

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_app.resources import bundle_dir, resource_path

REPO = Path(__file__).resolve().parents[2]


def test_checkout_finds_the_top_level_folders():
    assert bundle_dir("prompts") == REPO / "prompts"
    assert resource_path("resources", "README.md").is_file()


def test_frozen_build_looks_beside_the_executable_first(tmp_path, monkeypatch):
    (tmp_path / "prompts").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert bundle_dir("prompts") == tmp_path / "prompts"
    with pytest.raises(FileNotFoundError, match=r"prompts/missing\.txt"):
        resource_path("prompts", "missing.txt")

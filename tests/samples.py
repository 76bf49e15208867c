"""The real export samples in ../shared/data (see its SOURCES.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def shared_data_dir() -> Path:
    """The samples folder beside the checkout (../shared/data), or $BO_SHARED_DATA."""
    override = os.environ.get("BO_SHARED_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_sample(name: str) -> Path:
    """A file from ../shared/data: skipped when absent, a failure when REQUIRE_SHARED_DATA=1 (CI)."""
    path = shared_data_dir() / name
    if not path.is_file():
        reason = f"shared sample {path} is absent (set BO_SHARED_DATA to its folder)"
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason + " and REQUIRE_SHARED_DATA=1")
        pytest.skip(reason)
    return path

"""Shared helpers for connector tests: the real export samples and small file writers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors import SourceSpec


def shared_data_dir() -> Path:
    """The samples folder beside the checkout (../shared/data), or $BO_SHARED_DATA."""
    override = os.environ.get("BO_SHARED_DATA")
    return Path(override) if override else Path(__file__).parents[2].parent / "shared" / "data"


def shared_data(name: str) -> Path:
    """Path of one real sample; skip when the folder is absent, fail instead when CI requires it."""
    path = shared_data_dir() / name
    if not path.is_file():
        reason = f"shared sample {path} is absent (set BO_SHARED_DATA to its folder)"
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write text exactly (newline translation under our control, for CRLF tests)."""
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def spec(path: Path, domain: str, name: str = "test source", **kw) -> SourceSpec:
    return SourceSpec(name=name, domain=domain, path=str(path), **kw)  # type: ignore[arg-type]

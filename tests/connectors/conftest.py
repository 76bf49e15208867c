"""Shared helpers for connector tests: the real export samples and small file writers."""

from __future__ import annotations

from pathlib import Path

from connectors import SourceSpec
from tests.samples import shared_sample

shared_data = shared_sample


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write text exactly (newline translation under our control, for CRLF tests)."""
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def spec(path: Path, domain: str, name: str = "test source", **kw) -> SourceSpec:
    return SourceSpec(name=name, domain=domain, path=str(path), **kw)  # type: ignore[arg-type]

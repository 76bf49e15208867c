"""Find bundled files (prompt templates, icons) the same way in a checkout, a wheel and a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

Bundle = Literal["prompts", "resources"]
_PACKAGE_DIR = Path(__file__).resolve().parent


def bundle_dir(bundle: Bundle) -> Path:
    """The folder holding `prompts/` or `resources/`.

    Frozen (PyInstaller): next to the executable's bundled data. Installed wheel: inside the
    package (`desktop_app/_bundled/`, see pyproject). Source checkout: the repository top level.
    """
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / bundle)
    candidates += [_PACKAGE_DIR / "_bundled" / bundle, _PACKAGE_DIR.parent / bundle]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{bundle}' not found (looked in {', '.join(map(str, candidates))})")


def resource_path(bundle: Bundle, name: str) -> Path:
    path = bundle_dir(bundle) / name
    if not path.exists():
        raise FileNotFoundError(f"bundled file not found: {bundle}/{name}")
    return path

"""The fonts the app ships for Indian scripts, registered with Qt at start-up.

Without a Devanagari or Gujarati font on the PC, Hindi and Gujarati (business names, lead sources,
AI insights in those languages) show as boxes. resources/fonts/ holds Noto Sans Devanagari and
Noto Sans Gujarati, regular weight only (SIL Open Font License, resources/fonts/OFL.txt); Qt's
font fallback picks them for those scripts once they are registered.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from ..resources import bundle_dir

log = logging.getLogger("business_orchestrator.ui")
_loaded: dict[str, list[str]] = {}


def load_bundled_fonts() -> dict[str, list[str]]:
    """Register every bundled .ttf once; returns {file name: font families}. Needs a QGuiApplication."""
    if _loaded:
        return _loaded
    folder = bundle_dir("resources") / "fonts"
    for path in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font %s could not be loaded", path.name)
            continue
        _loaded[path.name] = QFontDatabase.applicationFontFamilies(font_id)
    return _loaded

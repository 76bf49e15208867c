"""The app icon and its state variants ("working", "delivery failed"), loaded from bundled PNGs.

The PNGs are generated from the SVGs in resources/ by scripts/make_icons, so start-up needs no
SVG renderer and every size is drawn for its size.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from PySide6.QtGui import QIcon

from ..resources import bundle_dir

IconState = Literal["normal", "working", "failed"]
ICON_SIZES = (16, 32, 48, 64, 128, 256)
STATES: tuple[IconState, ...] = ("normal", "working", "failed")
OVERLAYS: dict[IconState, str | None] = {"normal": None, "working": "overlay-working.svg",
                                         "failed": "overlay-failed.svg"}


def png_name(state: IconState, size: int) -> str:
    return f"app-{size}.png" if state == "normal" else f"app-{state}-{size}.png"


@cache
def app_icon(state: IconState = "normal") -> QIcon:
    folder = bundle_dir("resources")
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(folder / png_name(state, size)))
    return icon

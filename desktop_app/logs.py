"""Logging: one named logger per subsystem under `business_orchestrator`, a rotating file in the log folder."""

from __future__ import annotations

import logging
from pathlib import Path

from .redact import RedactingFormatter

ROOT_LOGGER = "business_orchestrator"
MAX_BYTES = 1_000_000
BACKUPS = 5
KIND = "_app_log"  # set on the app's own file handler: "plain" or "rotating"


def setup_logging(log_dir: Path, level: int = logging.INFO, *, rotate: bool = True) -> Path:
    """Send the app's log records to `app.log` (1 MB x 5). Returns the file's path for error messages.

    `rotate=False` appends to the same file through a plain FileHandler, which spares the tray's start-up
    the import of logging.handlers (and socket, pickle, queue) while still logging from the first line;
    start_rotating(), later and from a background thread, swaps the rotating handler in.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "app.log"
    root = logging.getLogger(ROOT_LOGGER)
    ours = [h for h in root.handlers if getattr(h, KIND, None)]
    if not any(_fits(h, path, rotate) for h in ours):
        handler = _rotating(path) if rotate else logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        setattr(handler, KIND, "rotating" if rotate else "plain")
        root.addHandler(handler)  # the new one first: no record falls between the two
        for old in ours:
            root.removeHandler(old)
            old.close()
    root.setLevel(level)
    return path


def start_rotating() -> None:
    """Swap the plain handler of setup_logging(rotate=False) for the rotating one; nothing if there is none."""
    root = logging.getLogger(ROOT_LOGGER)
    for handler in root.handlers:
        if getattr(handler, KIND, None) == "plain":
            setup_logging(Path(handler.baseFilename).parent, root.level)
            return


def _rotating(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    return RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")


def _fits(handler: logging.Handler, path: Path, rotate: bool) -> bool:
    """`handler` already writes `path` the requested way (a rotating handler also serves rotate=False)."""
    if not isinstance(handler, logging.FileHandler) or Path(handler.baseFilename) != path:
        return False
    return not rotate or getattr(handler, KIND) == "rotating"

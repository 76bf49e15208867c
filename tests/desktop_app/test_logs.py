"""The app log: a plain file handler for the tray's first moments, then the rotating one, same file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import logs


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    logger = logging.getLogger(logs.ROOT_LOGGER)
    before = list(logger.handlers)
    yield logger
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()


def ours(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if getattr(h, logs.KIND, None)]


def test_plain_handler_becomes_rotating_and_keeps_every_record(root: logging.Logger, tmp_path: Path) -> None:
    path = logs.setup_logging(tmp_path, rotate=False)
    assert [hasattr(h, "doRollover") for h in ours(root)] == [False]
    logging.getLogger("business_orchestrator.test").info("before the swap")
    logs.start_rotating()
    (handler,) = ours(root)
    assert hasattr(handler, "doRollover") and Path(handler.baseFilename) == path
    logging.getLogger("business_orchestrator.test").info("after the swap")
    text = path.read_text(encoding="utf-8")
    assert "before the swap" in text and "after the swap" in text


def test_rotating_handler_rolls_the_file_over(root: logging.Logger, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 400)
    path = logs.setup_logging(tmp_path)
    for n in range(20):
        logging.getLogger("business_orchestrator.test").info("line %d of some length", n)
    assert (tmp_path / "app.log.1").exists() and path.stat().st_size <= 400


def test_start_rotating_leaves_an_already_rotating_setup_alone(root: logging.Logger, tmp_path: Path) -> None:
    logs.setup_logging(tmp_path)
    (handler,) = ours(root)
    logs.start_rotating()
    logs.setup_logging(tmp_path, rotate=False)  # a rotating handler serves a plain request too
    assert ours(root) == [handler]


def test_a_new_folder_replaces_the_old_handler(root: logging.Logger, tmp_path: Path) -> None:
    logs.setup_logging(tmp_path / "a")
    logs.setup_logging(tmp_path / "b")
    assert [Path(h.baseFilename).parent.name for h in ours(root)] == ["b"]

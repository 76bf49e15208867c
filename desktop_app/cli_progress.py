"""The CLI's spinner: the step now running and the seconds elapsed, on stderr, only when it is a terminal.

`generate` can wait half a minute or more for a local model on a CPU-only PC; the owner should see that
it is working ("⠹ Writing insights… (smollm2 is writing, 40 tokens, 12 s of 60 s)  0:12"). Scripts that
read stdout, and stderr redirected to a file or a pipe, get nothing extra. tqdm draws and clears the line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@contextmanager
def spinner(stream: TextIO | None = None) -> Iterator[Callable[[str], None] | None]:
    """A progress callback that shows each step on `stream` (stderr), or None when that is not a TTY."""
    stream = stream or sys.stderr
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield None
        return
    from tqdm import tqdm

    try:
        columns, lines = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        columns, lines = 0, 0
    # A terminal that reports no size (a fresh pseudo-terminal does) would get nothing from tqdm.
    bar = tqdm(total=None, file=stream, bar_format="{desc}  {elapsed}", leave=False, ncols=columns or 100,
               nrows=lines or 24)
    turn = 0

    def show(step: str) -> None:
        nonlocal turn
        turn += 1
        bar.set_description_str(f"{FRAMES[turn % len(FRAMES)]} {step}", refresh=True)

    try:
        yield show
    finally:
        bar.close()

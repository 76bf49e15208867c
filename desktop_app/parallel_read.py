"""Parse the files a report needs side by side, on the PC's spare cores, into the source cache.

A first report parses every export, and one of them (a year of Shopify orders) takes most of the time
while the others (leads, attendance) wait behind it on the same core. `warm_cache` hands every file
missing from the cache but the biggest to worker processes, one per spare core, which parse it exactly
as this process would (`SourceCache.read`) and write the cache entry; this process parses the biggest
meanwhile. The report then reads every source through the cache as before, so its answer cannot differ:
a worker that fails or finds the file unreadable writes nothing, and the file is read again here, where
its error is said as always.

Workers are spawned (as on Windows and in the frozen build, whose entry point calls freeze_support), so
each costs an interpreter and pandas (about 0.5 s of CPU on the spare core); it pays only when the
biggest file takes longer than that to parse, hence the size thresholds.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from connectors import SourceSpec

from .source_cache import SourceCache

log = logging.getLogger("business_orchestrator.read")
BIGGEST_MIN_BYTES = 16 << 20  # a smaller biggest file is parsed before a worker process has even started
OTHER_MIN_BYTES = 1 << 20  # when every other file is smaller, they parse faster than a worker process starts


def spare_cores() -> int:
    """Cores this process may use, minus its own."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        usable = os.cpu_count() or 1
    return usable - 1


def _size(spec: SourceSpec) -> int:
    try:
        return spec.file.stat().st_size
    except OSError:
        return 0


def _parse_into_cache(folder: Path, spec: SourceSpec) -> None:
    """A worker's job: what `SourceCache.read` does in the report's process, minus handing the frame back."""
    try:
        SourceCache(folder).read(spec)
    except Exception as exc:  # the report's own read says it properly
        log.debug("worker could not read %s: %s", spec.name, exc)


def warm_cache(cache: SourceCache, specs: list[SourceSpec]) -> list[str]:
    """Parse the files of `specs` missing from `cache` side by side; returns the sources workers took on.

    Does nothing (the report reads one file after the other, as before) on a single core, inside a daemon
    process (the tray's report child may not start processes), or when the files are too small to gain.
    """
    missing = sorted((spec for spec in specs if not spec.is_service and not cache.has(spec)), key=_size, reverse=True)
    others = missing[1:]  # the small files go to the workers too: they cost no extra process
    workers = min(spare_cores(), sum(_size(spec) >= OTHER_MIN_BYTES for spec in others))  # one per big file
    if workers < 1 or _size(missing[0]) < BIGGEST_MIN_BYTES:
        return []
    # Loaded only now: a report whose files are all in the cache does not pay for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    if multiprocessing.current_process().daemon:
        return []
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        futures = [pool.submit(_parse_into_cache, cache.folder, spec) for spec in others]
    except (OSError, RuntimeError) as exc:  # no process could be started: read them one after the other
        log.warning("reading the sources one after the other: %s", exc)
        return []
    with pool:
        cache.warm(missing[0])  # the biggest, here; kept in memory for the report's own read
        wait(futures)
    done = [spec.name for spec, future in zip(others, futures, strict=True) if future.exception() is None]
    if len(done) < len(others):  # a worker that could not start (BrokenProcessPool): read here, one by one
        log.warning("a worker process failed; reading the rest here: %s",
                    next(future.exception() for future in futures if future.exception() is not None))
    log.info("parsed side by side with %s: %s", missing[0].name, ", ".join(done) or "none")
    return done

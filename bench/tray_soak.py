"""The tray app at rest and after many scheduled runs: idle RSS and growth over N runs.

    python -m bench.tray_soak --runs 1000            # QT_QPA_PLATFORM=offscreen on a headless machine

In one process, exactly as `business-orchestrator gui` wires it (TrayApp, the GUI-thread garbage
collector, the worker pool, each report made in a short-lived child process by
`desktop_app.ui.generation_process.generate_in_child`, as the tray does):

1. The demo shop's exports become the owner's sources (settings.toml, schedule every minute), so the
   scheduler is live (the demo workspace itself never runs scheduled reports).
2. Start-up, one "Generate now", then the app sits idle for `--settle` seconds: idle RSS.
3. A fake clock (time-machine, frozen, moved by hand) advances one interval at a time and the app's own
   `tick()` (what its QTimer calls) lets `ReportScheduler` queue each run; the next step waits for the
   report to be ready. RSS is read after run 1 (everything warmed up) and after run N, each time after
   the same settle, and every `--every` runs in between.

Prints one JSON object. Current RSS is read from /proc/self/statm (Linux), else from psutil when installed.
The tray's RSS excludes the report processes; `child_peak_rss_mb` is the largest of them (the kernel's
rusage of waited-for children, Linux/macOS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

DAY = dt.date(2026, 11, 24)  # the demo day everywhere in bench/


def current_rss_mb() -> float:
    """Resident memory now (not the peak)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import psutil  # not a dependency: only where /proc is missing

        return psutil.Process().memory_info().rss / 2**20


def prepare(paths, zone: str) -> None:
    """The demo files as the owner's own sources, a schedule every minute, nothing sent anywhere."""
    from desktop_app.demo import prepare_demo
    from desktop_app.settings import ScheduleSettings, Settings, save_settings

    demo, _store = prepare_demo(paths, Settings(), DAY)
    settings = demo.model_copy(update={"schedule": ScheduleSettings(mode="interval", interval_minutes=1)})
    assert settings.business.timezone == zone and not settings.telegram.enabled
    assert settings.insights.provider == "none"  # rules only: nothing leaves the machine
    save_settings(settings, paths.settings_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Idle RSS of the tray app and its growth over scheduled runs")
    parser.add_argument("--runs", type=int, default=1000, help="scheduled runs (default 1000)")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds of idle event loop before each RSS read")
    parser.add_argument("--every", type=int, default=100, help="also record RSS every N runs")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one report")
    parser.add_argument("--tracemalloc", type=int, metavar="N", default=0,
                        help="print (to stderr) the N allocation sites that grew most between run 1 and the last run")
    args = parser.parse_args(argv)

    import time_machine
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.logs import setup_logging
    from desktop_app.paths import app_paths
    from desktop_app.ui.app import TrayApp
    from desktop_app.ui.gc_guard import MainThreadGarbageCollector

    zone = "Asia/Kolkata"
    paths = app_paths().ensure()
    start = dt.datetime.combine(DAY, dt.time(0, 0, 30), tzinfo=ZoneInfo(zone))
    traveller = time_machine.travel(start, tick=False)
    clock = traveller.start()
    prepare(paths, zone)
    setup_logging(paths.logs)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collector = MainThreadGarbageCollector(app)
    tray_app = TrayApp(paths, use_tray=True)

    def wait_for(*signals, seconds: float) -> tuple:
        """Run the event loop until one of `signals` fires (its arguments) or the time runs out."""
        loop, got = QEventLoop(), []
        for signal in signals:
            signal.connect(lambda *a, s=signal: (got.append((s, a)), loop.quit()))
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        for signal in signals:
            signal.disconnect()
        return got[0] if got else (None, ())

    def settle() -> float:
        wait_for(seconds=args.settle)
        return current_rss_mb()

    def generated(trigger, what: str) -> float:
        """Seconds until the report triggered by `trigger()` is ready (or exit on failure / timeout)."""
        began = time.perf_counter()
        QTimer.singleShot(0, trigger)
        signal, values = wait_for(tray_app.report_ready, tray_app.generation_failed, seconds=args.timeout)
        if signal is not tray_app.report_ready:
            raise SystemExit(f"{what}: no report ({values[0] if values else 'timed out'})")
        return time.perf_counter() - began

    tray_app.start()
    wait_for(tray_app.ready, seconds=args.timeout)
    assert tray_app.workspace is not None and not tray_app.workspace.demo, "the sources were not picked up"
    first_seconds = generated(tray_app.generate_now, "Generate now")
    idle = settle()
    samples: dict[int, float] = {}
    snapshots: list = []
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(25)
    run_seconds = []
    for run in range(1, args.runs + 1):
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        run_seconds.append(generated(tray_app.tick, f"scheduled run {run}"))
        if run in (1, args.runs):
            samples[run] = settle()
            if args.tracemalloc:
                snapshots.append(_snapshot())
        elif run % args.every == 0:
            samples[run] = current_rss_mb()
    tray_app.shutdown()
    collector.stop()
    traveller.stop()
    gc.collect()
    first, last = samples[1], samples[args.runs]
    if len(snapshots) == 2:
        for stat in snapshots[1].compare_to(snapshots[0], "traceback")[:args.tracemalloc]:
            print(f"{stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+} blocks", file=sys.stderr)
            print("\n".join(stat.traceback.format(limit=12)), file=sys.stderr)
    print(json.dumps({
        "runs": args.runs, "idle_rss_mb": idle, "rss_run_1_mb": first, f"rss_run_{args.runs}_mb": last,
        "rss_last_mb": last, "growth": (last - first) / first, "samples_mb": samples,
        "first_generation_seconds": first_seconds, "median_run_seconds": sorted(run_seconds)[len(run_seconds) // 2],
        "reports_in_history": _history_rows(paths.history_db), "child_peak_rss_mb": _child_peak_rss_mb(),
    }))
    return 0


def _snapshot():
    import tracemalloc

    gc.collect()
    return tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])


def _child_peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def _history_rows(path: Path) -> int:
    """Reports (revisions) the runs made for DAY; the past days the first run computes from the sources
    (history from day one, issue 14) are not runs."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("select count(*) from reports where date = ?", (DAY.isoformat(),)).fetchone()[0]


if __name__ == "__main__":
    raise SystemExit(main())

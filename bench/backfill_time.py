"""CPU seconds of the first report's history backfill alone (`sync_history`), best of N (issue 17).

    PYTHONPATH=CHECKOUT python -m bench.backfill_time [--data DIR] [--date 2025-12-31] [--repeat 3]

Reads the large exports once (as the first report does: rows from the backfill's first day on),
then, N times, backfills into a fresh history with every per-read table dropped (so each round
pays what the first report pays). CPU seconds (user + system, os.times) are printed: the machine
is shared, wall time is not trusted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from connectors.base import SourceSpec
from desktop_app.history import HistoryStore
from desktop_app.history_sync import sync_history
from desktop_app.pipeline import read_sources, rows_since
from desktop_app.settings import Settings


def cpu() -> float:
    times = os.times()
    return times.user + times.system


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-full"))
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings()
    specs = [SourceSpec(name=name, domain=domain, path=str(args.data / name)) for domain, name in
             (("sales", "orders_export.csv"), ("leads", "leads.csv"), ("attendance", "attendance.csv"))]
    data = read_sources(settings, specs, args.date, since=rows_since(args.date, settings.report.backfill_days))
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bo-backfill-") as tmp:
        for number in range(args.repeat):
            for item in data.domains.values():
                if item is not None:
                    item.derived.clear()
            store = HistoryStore(Path(tmp) / f"history{number}.sqlite3")
            start = cpu()
            added, _ = sync_history(settings, data, args.date, store)
            rounds.append(cpu() - start)
            print(f"round {number + 1}: {added} days, {rounds[-1]:.3f} CPU s", flush=True)
    print(f"sync_history best of {args.repeat}: {min(rounds):.3f} CPU s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

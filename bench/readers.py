"""The CSV readers the app could use, on the benchmark's orders export: time, peak RSS, installed size.

    python -m bench.readers --data DIR [--repeats 3] [--json F]

The issue asks to choose the reader "with both in view" (the first-run target and the 200 MB installer)
and to measure rather than guess. Each reader runs in a child process of its own (start-up and imports
included, as in bench/run.py) and reads the nine columns the Shopify connector reads, as strings, into a
pandas frame: nothing else, so the times are a floor for an app built on that reader. "pandas-c-all"
reads all 79 columns. DuckDB's whole report (bench/run.py's yardstick) is timed in the same run. A reader whose
library is not installed in this Python is reported as such (pyarrow and polars are not dependencies;
run this script with another venv's Python to measure them).

"Adds" is the size of the files the reader's distributions install beyond pandas (their wheels, unpacked):
what it would add to the one-folder build before PyInstaller trims anything.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import statistics
import sys
from pathlib import Path

from .generate import Dataset
from .run import PYTHON, duckdb_cmd, measure

SHOPIFY_COLUMNS = ("Name", "Financial Status", "Total", "Refunded Amount", "Cancelled at", "Created at",
                   "Source", "Lineitem name", "Currency")  # connectors/presets.py: ShopifyConnector.COLUMNS

PANDAS = "import pandas as pd\n"
READERS: dict[str, tuple[tuple[str, ...], str]] = {  # name: (what it adds to pandas and numpy, child code)
    "pandas-c-all": ((), PANDAS + "frame = pd.read_csv(FILE, dtype='str', keep_default_na=False, engine='c')"),
    "pandas-c-usecols": ((), PANDAS + "frame = pd.read_csv(FILE, dtype='str', keep_default_na=False, engine='c',\n"
                                      "                    usecols=list(COLUMNS))"),
    "pandas-pyarrow-usecols": (("pyarrow",), PANDAS + "frame = pd.read_csv(FILE, dtype='str', keep_default_na=False,\n"
                                                      "                    engine='pyarrow', usecols=list(COLUMNS))"),
    "duckdb-to-pandas": (("duckdb",), "import duckdb\n"
                                      "cols = ', '.join('\"' + c + '\"' for c in COLUMNS)\n"
                                      "query = f\"select {cols} from read_csv('{FILE}', all_varchar=true)\"\n"
                                      "frame = duckdb.sql(query).df()"),
    "polars-to-pandas": (("polars", "polars-runtime-32", "pyarrow"),  # to_pandas() needs pyarrow
                         "import polars as pl\n"
                         "frame = pl.read_csv(FILE, columns=list(COLUMNS), infer_schema=False).to_pandas()"),
}


def installed_mb(distributions: tuple[str, ...]) -> float | None:
    """Megabytes of the files these distributions installed, or None when one is not installed."""
    total = 0
    for name in distributions:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            return None
        for file in dist.files or ():
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def child_code(reader: str, orders: Path) -> str:
    _, body = READERS[reader]
    return (f"FILE = {str(orders)!r}\nCOLUMNS = {SHOPIFY_COLUMNS!r}\n{body}\n"
            "assert len(frame) > 0 and len(frame.columns) >= len(COLUMNS)\nprint(len(frame))")


def bench_yardstick(data: Dataset, repeats: int) -> dict | None:
    """DuckDB's whole report (bench/duckdb_report.py), timed in the same run; None without duckdb."""
    if installed_mb(("duckdb",)) is None:
        return None
    cmd = duckdb_cmd(data)
    runs = [measure(cmd) for _ in range(repeats)]
    if any(run.returncode != 0 for run in runs):
        raise SystemExit("the DuckDB report failed")
    return {"seconds": statistics.median(run.seconds for run in runs),
            "peak_rss_mb": statistics.median(run.peak_rss_mb for run in runs)}


def bench_readers(orders: Path, repeats: int) -> dict:
    results: dict[str, dict] = {}
    for reader, (extra, _) in READERS.items():
        size = installed_mb(("pandas", *extra))
        if size is None:
            results[reader] = {"available": False, "note": f"{' or '.join(extra)} not installed in {PYTHON}"}
            continue
        runs = [measure([PYTHON, "-c", child_code(reader, orders)]) for _ in range(repeats)]
        failed = [run for run in runs if run.returncode != 0]
        if failed:
            raise SystemExit(f"{reader} failed with exit code {failed[0].returncode}")
        results[reader] = {
            "available": True, "adds_mb": round(size - (installed_mb(("pandas",)) or 0.0), 1),
            "rows": int(runs[0].stdout.split()[-1]),
            "seconds": statistics.median(run.seconds for run in runs),
            "peak_rss_mb": statistics.median(run.peak_rss_mb for run in runs),
            "repeats": [{"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb} for run in runs],
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the CSV readers on the benchmark's orders export")
    parser.add_argument("--data", type=Path, required=True, help="folder made by `python -m bench.generate`")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)
    data = Dataset(args.data / "orders_export.csv", args.data / "leads.csv", args.data / "attendance.csv")
    orders = data.orders
    if not all(path.is_file() for path in (data.orders, data.leads, data.attendance)):
        raise SystemExit(f"the exports are not all in {args.data}: run `python -m bench.generate {args.data}` first")
    yardstick = bench_yardstick(data, args.repeats)
    results = bench_readers(orders, args.repeats)
    print(f"{orders} ({orders.stat().st_size / 1e6:.0f} MB), {sys.version.split()[0]}, median of {args.repeats}")
    if yardstick is not None:
        print(f"{'DuckDB, the whole report':>24}: {yardstick['seconds']:.2f} s, peak {yardstick['peak_rss_mb']:.0f} MB "
              f"(so 2x is {2 * yardstick['seconds']:.2f} s for the app's whole first run)")
    for reader, row in results.items():
        if row["available"]:
            print(f"{reader:>24}: {row['seconds']:.2f} s, peak {row['peak_rss_mb']:.0f} MB, "
                  f"{row['rows']} rows; adds {row['adds_mb']:.0f} MB installed to pandas and numpy")
        else:
            print(f"{reader:>24}: not measured ({row['note']})")
    if args.json:
        args.json.write_text(json.dumps({"orders": str(orders), "python": PYTHON, "duckdb_report": yardstick,
                                         "readers": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

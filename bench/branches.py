"""The head office's consolidated report on 50 branches x 365 days of history, on PostgreSQL and on SQLite.

    python -m bench.branches [--branches 50] [--days 365] [--repeats 5] [--json F]

Builds each branch's saved reports (fixed seed; bodies as the branch PCs push them: Report.to_dict() JSON with
its rendered text and HTML), writes them to a shared history on a throwaway PostgreSQL server (initdb/pg_ctl on
127.0.0.1 in a temporary folder, as the tests do: tests/pg_server.py; as the `postgres` user when run as root)
and to one SQLite file holding all branches, then times the head office's report for the last day on each:
`consolidated_for` (the shared history's read of 15 days x every branch, JSON -> Report, the sums) and then
`finish_report` (rules insights and the rendered text), as `run_consolidated` does before saving.

Yardstick, in the same run and on the same store: the bare read of the same rows (the SQL the store runs, bodies
parsed with json.loads, nothing else): the ratio says what the consolidated report costs above fetching its data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.consolidated_run import LOOKBACK_DAYS, consolidated_for
from desktop_app.pipeline import finish_report
from desktop_app.render import render_html, render_text
from desktop_app.report import AttendanceKpis, LeadsKpis, Report, SalesKpis
from desktop_app.storage.shared import BranchRow, SharedHistory

LAST_DAY = dt.date(2026, 11, 24)
SEED = 20261124
BATCH = 2000


def branch_rows(branches: int, days: int, seed: int = SEED) -> list[BranchRow]:
    """`branches` x `days` report rows with paise amounts, 3 lead sources, attendance, text and HTML."""
    rng = random.Random(seed)
    rows = []
    for index in range(branches):
        name = f"Branch {index + 1:02}"
        for back in range(days):
            day = LAST_DAY - dt.timedelta(days=back)
            orders = rng.randint(5, 80)
            total = rng.randint(500_000, 40_000_000) / 100
            leads = {"IndiaMART": rng.randint(0, 12), "Website": rng.randint(0, 6), "Walk-in": rng.randint(0, 4)}
            staff = rng.randint(6, 20)
            present = rng.randint(staff - 4, staff)
            report = Report(
                date=day, currency="INR", business="Shree Ganesh Traders", locale="en_IN",
                sales=SalesKpis(total=total, orders=orders, avg_order=round(total / orders, 2)),
                leads=LeadsKpis(count=sum(leads.values()), by_source=leads),
                attendance=AttendanceKpis(headcount=staff, present=present, absent=staff - present,
                                          rate_pct=round(present / staff * 100, 1)),
                insights=[f"Sales were ₹{total:,.0f} from {orders} orders."],
                generated_at=dt.datetime.combine(day, dt.time(19, 5), dt.UTC))
            report.text, report.html = render_text(report), render_html(report)
            rows.append(BranchRow(branch=name, date=day, revision=1, pc=f"{name} PC",
                                  generated_at=report.generated_at.isoformat(), engine="rules", demo=False,
                                  body=json.dumps(report.to_dict(), ensure_ascii=False)))
    return rows


def load(shared: SharedHistory, rows: list[BranchRow]) -> float:
    start = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        shared.put(rows[offset:offset + BATCH])
    return time.perf_counter() - start


def bare_read(shared: SharedHistory, day: dt.date) -> int:
    """The yardstick: the same rows' bodies, parsed, nothing more."""
    import sqlalchemy as sa

    table = shared.table
    first = day - dt.timedelta(days=LOOKBACK_DAYS)
    query = sa.select(table.c.body).where(table.c.date.between(first, day))
    with shared.engine.connect() as conn:
        return sum(len(json.loads(body)) for (body,) in conn.execute(query))


def consolidated(shared: SharedHistory, day: dt.date) -> Report:
    report = consolidated_for(shared, day)
    finish_report(report, offline=True)
    return report


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure(shared: SharedHistory, rows: list[BranchRow], repeats: int, branches: int) -> dict[str, object]:
    loaded = load(shared, rows)
    consolidated(shared, LAST_DAY)  # warm: imports, connection pool, first query plan
    bare_read(shared, LAST_DAY)
    report_times, bare_times, ratios = [], [], []
    for _ in range(repeats):  # interleaved, so a busy moment hits both
        report_times += timed(lambda: consolidated(shared, LAST_DAY), 1)
        bare_times += timed(lambda: bare_read(shared, LAST_DAY), 1)
        ratios.append(report_times[-1] / bare_times[-1])
    report = consolidated(shared, LAST_DAY)
    expected = sum(json.loads(row.body)["sales"]["total"] for row in rows if row.date == LAST_DAY)
    assert abs(report.sales.total - expected) < 0.005 and len(report.consolidated.branches) == branches
    return {"load_s": round(loaded, 2), "report_s": round(statistics.median(report_times), 4),
            "report_s_range": [round(min(report_times), 4), round(max(report_times), 4)],
            "bare_read_s": round(statistics.median(bare_times), 4), "ratio": round(statistics.median(ratios), 2),
            "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
            "rows_read": branches * (LOOKBACK_DAYS + 1), "total": report.sales.total}


def machine() -> dict[str, str]:
    import sqlalchemy

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    import os

    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(),
            "sqlalchemy": sqlalchemy.__version__, "system": f"{platform.system()} {platform.release()}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also save the results here")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only (no PostgreSQL server here)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    rows = branch_rows(args.branches, args.days)
    results: dict[str, object] = {"branches": args.branches, "days": args.days, "rows": len(rows),
                                  "body_bytes_avg": round(statistics.mean(len(row.body) for row in rows)),
                                  "build_s": round(time.perf_counter() - start, 1), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="bo-bench-branches-") as folder:
        sqlite = SharedHistory.open(f"sqlite:///{Path(folder) / 'all-branches.sqlite3'}")
        try:
            results["sqlite"] = measure(sqlite, rows, args.repeats, args.branches)
        finally:
            sqlite.dispose()
    if not args.no_postgresql:
        from tests.pg_server import ADMIN_PASSWORD, PgServer

        server = PgServer.start(tls=False)
        try:
            name = server.new_database()
            shared = SharedHistory.open(server.url(name), password=ADMIN_PASSWORD, tls="disable")
            try:
                results["postgresql"] = measure(shared, rows, args.repeats, args.branches)
                with shared.engine.connect() as conn:
                    results["postgresql_version"] = conn.exec_driver_sql("SHOW server_version").scalar()
            finally:
                shared.dispose()
        finally:
            server.stop()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

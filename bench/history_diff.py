"""Every history row a checkout's code writes, to diff two checkouts' backfills (issue 17).

    python -m bench.history_diff CHECKOUT OUT.json [--data DIR] [--no-large] [--shared DIR]
    python -m bench.history_diff --compare BEFORE.json AFTER.json

Runs the same cases as bench.report_diff (`generate --json`, history saved, offline; the large
exports first run and repeat in one app home) with CHECKOUT's code, then dumps every row of the
app home's history (all revisions: the 60 backfilled days and the report day), the moment of
writing left out. `--compare` prints the cases and days whose rows differ and exits 1 if any does.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from bench.report_diff import cases, diff_main, prepare_case

NOT_COMPARED = {"generated_at"}  # the moment of writing: a repeat run's report day differs by the clock


def dump(db: Path) -> dict[str, list[dict]]:
    """Per date, its rows in revision order (body parsed, the moment of writing left out)."""
    rows: dict[str, list[dict]] = {}
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        for row in conn.execute("SELECT * FROM reports ORDER BY date, revision"):
            item = {key: value for key, value in dict(row).items() if key not in NOT_COMPARED | {"id", "body"}}
            item["body"] = {key: value for key, value in json.loads(row["body"]).items() if key not in NOT_COMPARED}
            rows.setdefault(row["date"], []).append(item)
    return rows


def run(checkout: Path, out: Path, data: Path | None, shared: Path) -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="bo-hist-") as tmp:
        for name, day, sources, saved, runs in cases(data, shared):
            home, args, env = prepare_case(Path(tmp), checkout, sources, saved)
            exits = [subprocess.run([sys.executable, "-m", "desktop_app", "generate", "--date", day, *args,
                                     "--no-send", "--offline", "--json"], cwd=checkout, env=env,
                                    capture_output=True, text=True).returncode for _ in range(runs)]
            db = home / "data/history.sqlite3"
            if not db.is_file():
                db = next(home.rglob("history.sqlite3"), db)
            results[name] = {"exits": exits, "rows": dump(db) if db.is_file() else None}
            count = sum(len(v) for v in (results[name]["rows"] or {}).values())
            print(name, exits, f"{count} rows", flush=True)
    text = json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False)
    out.write_text(re.sub(r"/(?:tmp|var/folders)/[^\"]*?bo-hist-[a-z0-9_]+/", "/TMP/", text), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (before, after))
    differing = 0
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name) or {}, new.get(name) or {}
        if a == b:
            continue
        differing += 1
        rows_a, rows_b = a.get("rows") or {}, b.get("rows") or {}
        days = sorted(day for day in set(rows_a) | set(rows_b) if rows_a.get(day) != rows_b.get(day))
        print(f"differs: {name} exits {a.get('exits')} vs {b.get('exits')}; days: {', '.join(days[:10])}"
              + (" …" if len(days) > 10 else ""))
    total = len(set(old) | set(new))
    rows = sum(len(v) for case in new.values() for v in (case.get("rows") or {}).values())
    print(f"{total - differing} of {total} cases equal ({rows} history rows)")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    return diff_main(__doc__, run, compare, argv)


if __name__ == "__main__":
    raise SystemExit(main())

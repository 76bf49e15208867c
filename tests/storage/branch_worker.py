"""One branch PC for the three-branch scenario (test_three_branches.py), in its own process and home.

Each simulated day: the day's bills are appended to the branch's export, the report is made and saved exactly as
`generate --offline --no-send` does (run_report), then the PC pushes what it owes (push_for_settings), as the CLI
does after `generate`. On its offline days the database address is one nobody listens on.

    python tests/storage/branch_worker.py SPEC.json      (password in BO_HISTORY_DB_PASSWORD)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    os.environ["BUSINESS_ORCHESTRATOR_HOME"] = spec["home"]
    from desktop_app.paths import app_paths
    from desktop_app.pipeline import run_report
    from desktop_app.settings import load_settings
    from desktop_app.storage.push import push_for_settings

    paths = app_paths().ensure()
    sales = Path(spec["home"]) / "sales.csv"
    sales.write_text("Date,Invoice No,Amount\n", encoding="utf-8")
    started = time.monotonic()
    with Path(spec["log"]).open("a", encoding="utf-8") as log:
        run_days(spec, paths, sales, log, run_report, load_settings, push_for_settings)
        log.write(json.dumps({"seconds": round(time.monotonic() - started, 2)}) + "\n")
    return 0


def run_days(spec, paths, sales, log, run_report, load_settings, push_for_settings) -> None:
    for offset, bills in enumerate(spec["bills"]):
        day = dt.date.fromisoformat(spec["first"]) + dt.timedelta(days=offset)
        with sales.open("a", encoding="utf-8") as handle:
            for number, amount in bills:
                handle.write(f"{day.isoformat()},{number},{amount}\n")
        offline = offset in spec["offline_days"]
        url = spec["down_url"] if offline else spec["url"]
        paths.settings_file.write_text(
            f'[business]\nname = "Shree Traders"\nbranch = "{spec["branch"]}"\nopen_weekdays = '
            '["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n\n'
            f'[history]\nurl = "{url}"\npc_name = "{spec["pc"]}"\ntimeout_seconds = 5\n\n'
            f'[[sources]]\nname = "Bills"\ndomain = "sales"\npath = "{sales.as_posix()}"\n', encoding="utf-8")
        settings = load_settings(paths.settings_file)
        report = run_report(settings, paths, day, offline=True, send=False)
        result = push_for_settings(settings, paths)
        log.write(json.dumps({"day": day.isoformat(), "total": report.sales.total if report.sales else None,
                              "pushed": result.pushed, "waiting": result.waiting, "error": result.error}) + "\n")
        log.flush()


if __name__ == "__main__":
    sys.exit(main())

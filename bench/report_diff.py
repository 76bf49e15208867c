"""The report JSON of one checkout's code on every input we have, to diff two checkouts (issue 17).

    python -m bench.report_diff CHECKOUT OUT.json [--data DIR] [--no-large]
    python -m bench.report_diff --compare BEFORE.json AFTER.json

Runs `generate --json` (history saved, offline) with CHECKOUT's code on: the large generated exports in
DIR (first run and repeat in one app home), each real sample in shared/data, and every corpus case
with a committed file (tests/corpus/manifest.toml, its modification time set as the corpus test
sets it). Inputs always come from this checkout. `--compare` prints the cases whose JSON differs
(the moment of writing and temporary paths left out) and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
IST = ZoneInfo("Asia/Kolkata")
SAMPLES = (("shopify_orders_export_dev_store_eur.csv", "sales", "2025-05-20"),
           ("woocommerce_orders_sample_webtoffee.csv", "sales", "2019-02-12"),
           ("zkteco_attlog_2days.dat", "attendance", "2017-06-20"),
           ("salesforce_leads_export_sample_org.csv", "leads", "2016-05-04"))


def cases(data: Path | None, shared: Path) -> list[tuple[str, str, list[str], str | None, int]]:
    """(name, report date, domain=path sources, saved at or None, runs)."""
    found = []
    if data is not None:
        found.append(("large", "2025-12-31", [f"sales={data / 'orders_export.csv'}", f"leads={data / 'leads.csv'}",
                                              f"attendance={data / 'attendance.csv'}"], None, 2))
    for name, domain, day in SAMPLES:
        if (shared / name).is_file():
            found.append((f"shared:{name}", day, [f"{domain}={shared / name}"], None, 1))
    manifest = tomllib.loads((ROOT / "tests/corpus/manifest.toml").read_text(encoding="utf-8"))
    for case in manifest["case"]:
        if "file" in case and not case.get("make"):
            found.append((f"corpus:{case['id']}", case["date"],
                          [f"{case['domain']}={ROOT / 'tests/corpus/files' / case['file']}"],
                          case.get("saved") or f"{case['date']} 20:00", 1))
    return found


def prepare_case(tmp: Path, checkout: Path, sources: list[str], saved: str | None
                 ) -> tuple[Path, list[str], dict[str, str]]:
    """A fresh app home, the --source arguments (copies dated `saved` when given, as the corpus test dates them)
    and the environment that runs `checkout`'s code: what report_diff and history_diff run each case with."""
    home, inputs = tmp / "home", tmp / "in"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(inputs, ignore_errors=True)
    args = []
    for source in sources:
        domain, path = source.split("=", 1)
        if saved:  # a copy, so its modification time can be set
            inputs.mkdir(exist_ok=True)
            copy = inputs / Path(path).name
            shutil.copy(path, copy)
            stamp = dt.datetime.fromisoformat(saved).replace(tzinfo=IST).timestamp()
            os.utime(copy, (stamp, stamp))
            path = str(copy)
        args += ["--source", f"{domain}={path}"]
    env = dict(os.environ, BUSINESS_ORCHESTRATOR_HOME=str(home), PYTHONPATH=str(checkout),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", PYTHONDONTWRITEBYTECODE="1")
    return home, args, env


def run(checkout: Path, out: Path, data: Path | None, shared: Path) -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="bo-diff-") as tmp:
        for name, day, sources, saved, runs in cases(data, shared):
            _home, args, env = prepare_case(Path(tmp), checkout, sources, saved)
            answers = []
            for _ in range(runs):
                done = subprocess.run([sys.executable, "-m", "desktop_app", "generate", "--date", day, *args,
                                       "--no-send", "--offline", "--json"], cwd=checkout, env=env,
                                      capture_output=True, text=True)
                try:
                    body = json.loads(done.stdout)
                    body.pop("generated_at", None)
                except json.JSONDecodeError:
                    body = {"stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}
                answers.append({"exit": done.returncode, "body": body})
            results[name] = answers
            print(name, [a["exit"] for a in answers], flush=True)
    text = json.dumps(results, indent=1, sort_keys=True, default=str)
    out.write_text(re.sub(r"/(?:tmp|var/folders)/[^\"]*?bo-diff-[a-z0-9_]+/", "/TMP/", text), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (before, after))
    differing = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
    for name in differing:
        print(f"differs: {name}")
    print(f"{len(set(old) & set(new)) - len([n for n in differing if n in old and n in new])} of "
          f"{len(set(old) | set(new))} cases equal")
    return 1 if differing else 0


def diff_main(doc: str, run_checkout, compare_files, argv: list[str] | None = None) -> int:
    """The command line of report_diff and history_diff: run a checkout's cases, or --compare two outputs."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("paths", nargs=2, type=Path, help="CHECKOUT OUT.json, or BEFORE.json AFTER.json with --compare")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-full"), help="the generated large exports")
    parser.add_argument("--no-large", action="store_true")
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("BO_SHARED_DATA") or ROOT.parent / "shared/data"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare_files(*args.paths)
    run_checkout(args.paths[0].resolve(), args.paths[1], None if args.no_large else args.data, args.shared)
    return 0


def main(argv: list[str] | None = None) -> int:
    return diff_main(__doc__, run, compare, argv)


if __name__ == "__main__":
    raise SystemExit(main())

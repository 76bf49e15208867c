"""Issue 7's benchmark suite: every measurement is a whole process, compared within one run.

    python -m bench.run                 # full sizes (generates ~240 MB of exports once), median of 3
    python -m bench.run --quick         # tiny files, one repeat: a smoke run in seconds
    python -m bench.run --json out.json # also write the numbers
    python -m bench.run --only large startup   # some of them

Benchmarks: `generate --demo` end to end; the report on a large cumulative export, first run (empty
cache) and repeat (files unchanged), each against DuckDB computing the same aggregates from the same
CSVs in its own process; peak RSS of each (from the kernel's rusage of the child); the prompt size of
the demo day (bench/payload_tokens.py); tray start-up against a bare PySide6 tray (bench/bare_tray.py);
idle RSS of the tray app and its growth over 1,000 scheduled runs (bench/tray_soak.py). Times are
wall-clock seconds; ratios are taken within one repeat, then the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .generate import Dataset, Sizes

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SALES_KEYS = ("total", "orders", "prev_total", "prev_orders", "week_ago_total")
BENCHMARKS = ("demo", "large", "prompt", "startup", "tray")  # in the order they run


@dataclass
class Run:
    """One child process: wall time, peak resident memory, exit code, what it printed."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str = field(repr=False, default="")
    cpu_seconds: float = 0.0  # user + system, all threads: steadier than wall time on a busy machine


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion; peak RSS comes from wait4's rusage for exactly this child."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, text, usage.ru_utime + usage.ru_stime)


PYCACHE = Path(tempfile.gettempdir()) / "bo-bench-pycache"


def app_env(home: Path) -> dict[str, str]:
    """A child's environment: its own app home, offscreen Qt, no keyring, and compiled bytecode kept
    (in a folder of its own) as an installed app has it, even where PYTHONDONTWRITEBYTECODE is set."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"PYTHONPYCACHEPREFIX": str(PYCACHE), "BUSINESS_ORCHESTRATOR_HOME": str(home),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "QT_QPA_PLATFORM": "offscreen",
                "PYTHONPATH": str(ROOT)})
    return env


def generate_cmd(data: Dataset) -> list[str]:
    return [PYTHON, "-m", "desktop_app", "generate", "--date", data.report_day.isoformat(),
            "--source", f"sales={data.orders}", "--source", f"leads={data.leads}",
            "--source", f"attendance={data.attendance}", "--no-send", "--offline", "--json"]


def duckdb_cmd(data: Dataset) -> list[str]:
    prev = _in_child("from desktop_app.settings import BusinessSettings\n"
                     f"print(BusinessSettings().previous_open_day(__import__('datetime').date.fromisoformat("
                     f"'{data.report_day.isoformat()}')))")
    return [PYTHON, "-m", "bench.duckdb_report", "--date", data.report_day.isoformat(), "--prev", prev,
            "--orders", str(data.orders), "--leads", str(data.leads), "--attendance", str(data.attendance)]


def _in_child(code: str) -> str:
    """Ask a child process: this runner imports only the standard library, so the children it forks
    start small (a forked child's peak RSS counts the pages it shared with its parent)."""
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.strip()


def compare(report: dict, duck: dict) -> list[str]:
    """Differences between the app's report and DuckDB's answer (empty when they agree to the paisa)."""
    problems = []
    sales = report.get("sales") or {}
    for key in SALES_KEYS:
        mine = sales.get(key)
        theirs = duck["sales"][key]
        mine = f"{mine:.2f}" if isinstance(theirs, str) and mine is not None else mine
        if mine != theirs:
            problems.append(f"sales.{key}: app {mine} vs duckdb {theirs}")
    leads = report.get("leads") or {}
    if leads.get("count") != duck["leads"]["count"] or dict(sorted((leads.get("by_source") or {}).items())) != \
            duck["leads"]["by_source"]:
        problems.append(f"leads: app {leads.get('count')} {leads.get('by_source')} vs duckdb {duck['leads']}")
    attendance = report.get("attendance") or {}
    for key in ("present", "headcount"):
        if attendance.get(key) != duck["attendance"][key]:
            problems.append(f"attendance.{key}: app {attendance.get(key)} vs duckdb {duck['attendance'][key]}")
    return problems


def bench_large(data: Dataset, repeats: int, work: Path) -> dict:
    """First report (empty cache) and repeat (warm cache) against DuckDB, interleaved per repeat."""
    rows = []
    mismatches: list[str] = []
    for path in (data.orders, data.leads, data.attendance):  # the same warm page cache for everyone
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    for index in range(repeats):
        home = work / f"home-large-{index}"
        shutil.rmtree(home, ignore_errors=True)
        duck = measure(duckdb_cmd(data))
        first = measure(generate_cmd(data), app_env(home))
        repeat = measure(generate_cmd(data), app_env(home))
        for name, run in (("duckdb", duck), ("first", first), ("repeat", repeat)):
            if run.returncode != 0:
                raise SystemExit(f"{name} run failed with exit code {run.returncode}:\n{run.stdout[-2000:]}")
        answer = json.loads(duck.stdout)
        mismatches += compare(json.loads(first.stdout), answer) + compare(json.loads(repeat.stdout), answer)
        rows.append({"duckdb": asdict(duck) | {"stdout": None}, "first": asdict(first) | {"stdout": None},
                     "repeat": asdict(repeat) | {"stdout": None},
                     "first_ratio": first.seconds / duck.seconds, "repeat_ratio": repeat.seconds / duck.seconds,
                     "first_cpu_ratio": first.cpu_seconds / max(duck.cpu_seconds, 1e-9),
                     "first_rss_ratio": first.peak_rss_mb / duck.peak_rss_mb,
                     "repeat_rss_ratio": repeat.peak_rss_mb / duck.peak_rss_mb})
        shutil.rmtree(home, ignore_errors=True)
    return {"repeats": rows, "median": _medians(rows), "totals_match": not mismatches,
            "mismatches": sorted(set(mismatches)), "duckdb_answer": answer}


def bench_demo(repeats: int, work: Path) -> dict:
    runs = []
    for index in range(repeats):
        home = work / f"home-demo-{index}"
        shutil.rmtree(home, ignore_errors=True)
        run = measure([PYTHON, "-m", "desktop_app", "generate", "--demo", "--no-send", "--offline", "--json"],
                      app_env(home))
        if run.returncode not in (0, 3):
            raise SystemExit(f"demo run failed with exit code {run.returncode}")
        runs.append({"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb})
        shutil.rmtree(home, ignore_errors=True)
    return {"repeats": runs, "median": _medians(runs)}


def bench_prompt(work: Path) -> dict:
    """Characters and tokens of the demo day's LLM prompt (bench/payload_tokens.py)."""
    run = measure([PYTHON, "-m", "bench.payload_tokens", "--json"], app_env(work / "home-prompt"))
    if run.returncode != 0:
        raise SystemExit(f"payload_tokens failed with exit code {run.returncode}")
    return json.loads(run.stdout)


def gui_available() -> bool:
    """The tray app exists on this branch (without Qt installed the children would fail loudly instead)."""
    return (ROOT / "desktop_app" / "ui" / "app.py").is_file()


def time_to_ready(cmd: list[str], env: dict[str, str], ready: Path, timeout: float = 60.0) -> float:
    """Seconds from starting `cmd` to the moment it wrote to `ready` (its "tray ready" time, see
    bench/bare_tray.py); a child still running then (the app) is terminated."""
    ready.unlink(missing_ok=True)
    start = time.time()
    child = subprocess.Popen([*cmd, "--ready-file", str(ready)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    try:
        while not ready.exists():
            if child.poll() is not None and not ready.exists():
                raise SystemExit(f"{cmd} exited with {child.returncode} before it was ready")
            if time.time() - start > timeout:
                raise SystemExit(f"{cmd} was not ready after {timeout} s")
            time.sleep(0.002)
        return float(ready.read_text()) - start
    finally:
        if child.poll() is None:
            child.terminate()
        child.wait(timeout=30)


def bench_startup(repeats: int, work: Path) -> dict:
    """Process start to tray ready (offscreen): `gui --force-tray` against a bare PySide6 tray, alternating.

    One unmeasured start of each first, so both read warm files and compiled bytecode. Every app start
    gets a fresh home, as on a first launch after installing.
    """
    if not gui_available():
        return {"available": False, "note": "the tray app is not on this branch"}
    bare_cmd = [PYTHON, "-m", "bench.bare_tray"]
    app_cmd = [PYTHON, "-m", "desktop_app", "gui", "--force-tray"]
    ready = work / "ready"
    rows = []
    for index in range(-1, repeats):
        env = app_env(work / f"home-gui-{index}")
        bare = time_to_ready(bare_cmd, env, ready)
        app = time_to_ready(app_cmd, env, ready)
        if index >= 0:
            rows.append({"bare_seconds": bare, "app_seconds": app, "ratio": app / bare})
    return {"available": True, "commands": {"bare": " ".join(bare_cmd), "app": " ".join(app_cmd)},
            "repeats": rows, "median": _medians(rows)}


def bench_tray(repeats: int, work: Path, quick: bool) -> dict:
    """Idle RSS of the tray app and its growth over 1,000 scheduled runs (bench/tray_soak.py)."""
    if not gui_available():
        return {"available": False, "note": "the tray app is not on this branch"}
    cmd = [PYTHON, "-m", "bench.tray_soak", *(["--runs", "3", "--settle", "0.2"] if quick else ["--runs", "1000"])]
    rows = []
    for index in range(repeats):
        home = work / f"home-tray-{index}"
        shutil.rmtree(home, ignore_errors=True)
        run = measure(cmd, app_env(home))
        if run.returncode != 0:
            raise SystemExit(f"tray soak failed with exit code {run.returncode}:\n{run.stdout[-2000:]}")
        soak = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append({"idle_rss_mb": soak["idle_rss_mb"], "rss_run_1_mb": soak["rss_run_1_mb"],
                     "rss_last_mb": soak["rss_last_mb"], "growth": soak["growth"], "runs": soak["runs"],
                     "median_run_seconds": soak["median_run_seconds"], "peak_rss_mb": run.peak_rss_mb,
                     "child_peak_rss_mb": soak.get("child_peak_rss_mb") or 0.0,  # the report processes
                     "seconds": run.seconds, "samples_mb": soak["samples_mb"]})
        shutil.rmtree(home, ignore_errors=True)
    return {"available": True, "command": " ".join(cmd), "repeats": rows, "median": _medians(rows)}


def _medians(rows: list[dict]) -> dict:
    """Median of every number in the rows (nested one level: {"first": {"seconds": ...}})."""
    out: dict = {}
    for key, value in rows[0].items():
        if isinstance(value, dict):
            out[key] = {k: statistics.median(r[key][k] for r in rows) for k, v in value.items()
                        if isinstance(v, (int, float))}
        elif isinstance(value, (int, float)):
            out[key] = statistics.median(r[key] for r in rows)
    return out


def machine() -> dict:
    versions = json.loads(_in_child(
        "import json, importlib.metadata as m\n"
        "names = ('pandas', 'numpy', 'duckdb', 'PySide6-Essentials')\n"
        "def version(name):\n"
        "    try: return m.version(name)\n"
        "    except m.PackageNotFoundError: return None\n"
        "print(json.dumps({n: version(n) for n in names}))"
    ))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout if shutil.which("lscpu") else ""
    model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("Model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": os.cpu_count(), "ram_gib": round(memory, 1), "python": platform.python_version(),
            **versions, "platform": platform.platform(), "runner_rss_mb": _own_rss_mb()}


def _own_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dataset(folder: Path, sizes: Sizes, quick: bool) -> Dataset:
    """The generated files, made once per size (a marker file records which sizes are there).

    Generated in a child process: memory this runner grows would be counted in every child's peak.
    """
    marker = folder / "sizes.json"
    wanted = json.dumps(asdict(sizes))
    data = Dataset(folder / "orders_export.csv", folder / "leads.csv", folder / "attendance.csv")
    if not (marker.is_file() and marker.read_text() == wanted and data.orders.is_file()):
        subprocess.run([PYTHON, "-m", "bench.generate", str(folder), *(["--quick"] if quick else [])],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        marker.write_text(wanted)
    return data


def summary(results: dict) -> str:
    lines = [f"machine: {results['machine']}",
             f"load average (1/5/15 min) at start {results['load_average_at_start']}, at end "
             f"{results.get('load_average_at_end')}"]
    size = results["data"]
    lines.append(f"data: orders {size['orders_mb']:.1f} MB ({size['line_items']} line items), leads "
                 f"{size['leads_mb']:.1f} MB, attendance {size['attendance_mb']:.2f} MB")
    if "demo" in results:
        demo = results["demo"]["median"]
        lines.append(f"demo generate: {demo['seconds']:.2f} s, peak {demo['peak_rss_mb']:.0f} MB")
    if "large" in results:
        large = results["large"]["median"]
        for name in ("duckdb", "first", "repeat"):
            lines.append(f"{name:>7}: {large[name]['seconds']:.2f} s, peak {large[name]['peak_rss_mb']:.0f} MB, "
                         f"CPU {large[name].get('cpu_seconds', 0):.2f} s")
        lines.append(f"ratios (median of per-run ratios): first {large['first_ratio']:.2f}x (target <= 2), "
                     f"repeat {large['repeat_ratio']:.2f}x (<= 1), first peak RSS {large['first_rss_ratio']:.2f}x "
                     f"(<= 1.5), repeat peak RSS {large['repeat_rss_ratio']:.2f}x")
        lines.append(f"CPU time, first run / DuckDB's (all its threads): {large['first_cpu_ratio']:.2f}x")
        lines.append(f"totals equal DuckDB's to the paisa: {results['large']['totals_match']}")
        lines += [f"  MISMATCH {m}" for m in results["large"]["mismatches"]]
    if "prompt" in results:
        prompt = results["prompt"]
        lines.append(f"prompt ({prompt['tokenizer'] or 'no tokenizer: estimate'}): payload "
                     f"{prompt['payload']['tokens'] or prompt['payload']['estimate']} tokens (<= 700), system "
                     f"{prompt['system']['tokens']}, user {prompt['user']['tokens']}")
    startup = results.get("startup", {})
    if startup.get("available"):
        m = startup["median"]
        lines.append(f"tray ready: app {m['app_seconds']:.3f} s, bare PySide6 {m['bare_seconds']:.3f} s, "
                     f"ratio {m['ratio']:.2f}x (<= 1.3)")
    tray = results.get("tray", {})
    if tray.get("available"):
        m = tray["median"]
        lines.append(f"tray RSS: idle {m['idle_rss_mb']:.0f} MB (<= 150), run 1 {m['rss_run_1_mb']:.1f} MB, run "
                     f"{m['runs']:.0f} {m['rss_last_mb']:.1f} MB, growth {m['growth']:+.1%} (<= 5%); a scheduled run "
                     f"{m['median_run_seconds']:.2f} s, report process peak {m['child_peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run issue 7's benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one repeat (a smoke run)")
    parser.add_argument("--repeats", type=int, help="repeats per benchmark (default 3, or 1 with --quick)")
    parser.add_argument("--data", type=Path, help="folder for the generated exports (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="write all numbers to this file")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only these benchmarks (of {', '.join(BENCHMARKS)}; default: all)")
    args = parser.parse_args(argv)
    chosen = args.only or list(BENCHMARKS)
    sizes = Sizes.quick() if args.quick else Sizes()
    repeats = args.repeats or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="bo-bench-") as tmp:
        work = Path(tmp)
        data = dataset(args.data or work / "data", sizes, args.quick)
        results = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(PYTHON).name, "-m", "bench.run", *(argv or sys.argv[1:])]),
            "machine": machine(),
            "load_average_at_start": os.getloadavg(),  # 1, 5, 15 minutes: the machine may be shared
            "data": {"line_items": sizes.line_items, "orders_mb": data.orders.stat().st_size / 1e6,
                     "leads_mb": data.leads.stat().st_size / 1e6,
                     "attendance_mb": data.attendance.stat().st_size / 1e6},
            "commands": {"app": " ".join(generate_cmd(data)), "duckdb": " ".join(duckdb_cmd(data))},
        }
        runners = {"demo": lambda: bench_demo(repeats, work), "large": lambda: bench_large(data, repeats, work),
                   "prompt": lambda: bench_prompt(work), "startup": lambda: bench_startup(repeats, work),
                   "tray": lambda: bench_tray(repeats, work, args.quick)}
        for name in BENCHMARKS:
            if name in chosen:
                results[name] = runners[name]()
        results["load_average_at_end"] = os.getloadavg()
    print(summary(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0 if results.get("large", {"totals_match": True})["totals_match"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

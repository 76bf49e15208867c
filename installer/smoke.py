"""Smoke test of the frozen app, run by scripts/build after PyInstaller: does the program the owner
installs start, make a report in every offered number format, and bring up its tray?

Usage: python -m installer.smoke dist/business-orchestrator

Everything runs in a throw-away app home, offscreen, with the null keyring, offline and without
sending: nothing here can reach a public address.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from desktop_app import __version__

from . import icu_probe
from .bundle import APP_NAME, DATABASE_DRIVERS, babel_locales, bundled_folders

REPORT_KEYS = {"date", "currency", "sales", "leads", "attendance", "insights", "engine", "warnings", "text"}
# Must never be in the bundle: a plaintext keyring, test and bench tools, a data library the app does not use.
FORBIDDEN = ("keyrings.alt", "pytest", "_pytest", "pytestqt", "pyarrow", "duckdb", "pyinstrument")
TIMEOUT = 180


class SmokeFailure(Exception):
    pass


def _run(executable: Path, *args: str, env: dict[str, str], note: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(executable), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    print(f"  $ {APP_NAME} {' '.join(args)}{note}  -> exit {done.returncode}")
    return done


def _fail(message: str, done: subprocess.CompletedProcess[str]) -> SmokeFailure:
    return SmokeFailure(f"{message}\n--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}")


def check_contents(folder: Path, executable: Path) -> None:
    """Bundled folders where bundle_dir() looks, only the Babel locales the app offers, none of FORBIDDEN."""
    from PyInstaller.archive.readers import pkg_archive_contents

    internal = folder / "_internal"
    for _source, name in bundled_folders():
        if not (internal / name).is_dir():
            raise SmokeFailure(f"bundled folder {name}/ is missing from {internal}")
    locales = {path.stem for path in (internal / "babel" / "locale-data").glob("*.dat")}
    if locales != babel_locales():
        raise SmokeFailure(f"Babel locales bundled {sorted(locales)}, expected {sorted(babel_locales())}")
    modules = set(pkg_archive_contents(str(executable)))
    for name in FORBIDDEN:
        if any(module == name or module.startswith(name + ".") for module in modules):
            raise SmokeFailure(f"{name} must not be bundled")
    if "sqlalchemy" in modules:  # the history store: SQLAlchemy finds its driver only when it connects
        missing = [name for name in DATABASE_DRIVERS if name not in modules]
        if missing:
            raise SmokeFailure(f"SQLAlchemy is bundled without its database driver {', '.join(missing)}")


def check_x11_libraries(folder: Path) -> None:
    """Qt's X11 plug-in finds every library it links to, in the bundle or on this system (Linux)."""
    qt = folder / "_internal" / "PySide6"
    plugin = qt / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not sys.platform.startswith("linux") or not shutil.which("ldd") or not qt.is_dir():
        return  # no Qt in a build without the tray app
    if not plugin.is_file():
        raise SmokeFailure(f"Qt's X11 plug-in is missing: {plugin}")
    env = {**os.environ, "LD_LIBRARY_PATH": str(folder / "_internal")}
    done = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env, check=True)
    missing = [line.split()[0] for line in done.stdout.splitlines() if "not found" in line]
    if missing:
        raise SmokeFailure(f"Qt's X11 plug-in cannot find {', '.join(missing)}: install them and build again")


def check_icu(folder: Path) -> None:
    """Qt gives the same answers with the bundle's ICU data as with its whole data (the "icu" saving):
    collation, time-zone names and IDs, case mapping; only the legacy charsets are gone. This Python's
    PySide6 runs installer.icu_probe twice, the second time with the bundle's libicudata preloaded."""
    bundled = sorted((folder / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
    spec = importlib.util.find_spec("PySide6")
    if not sys.platform.startswith("linux") or not bundled or spec is None or not spec.origin:
        return
    whole = Path(spec.origin).parent / "Qt" / "lib" / bundled[0].name
    if not whole.is_file():
        print(f"  (ICU check skipped: this Python's PySide6 has no {bundled[0].name})")
        return
    full, trimmed = icu_probe.answers(), icu_probe.answers(preload=bundled[0])
    changed = icu_probe.differences(full, trimmed)
    if changed:
        raise SmokeFailure("Qt answers differently with the bundled ICU data:\n" + "\n".join(changed))
    if bundled[0].stat().st_size < whole.stat().st_size and full["legacy_codecs"] == trimmed["legacy_codecs"]:
        raise SmokeFailure("the ICU check did not use the bundled data (the legacy charsets should be gone)")
    print(f"  Qt's answers through the bundled ICU data ({bundled[0].stat().st_size / 2**20:.1f} MiB) are the same")


def check_version(executable: Path, env: dict[str, str]) -> None:
    done = _run(executable, "--version", env=env)
    if done.returncode != 0 or done.stdout.strip() != f"{APP_NAME} {__version__}":
        raise _fail(f"--version should print '{APP_NAME} {__version__}'", done)


def _report(done: subprocess.CompletedProcess[str], what: str) -> dict:
    if done.returncode not in (0, 3):
        raise _fail(f"{what} failed", done)
    try:
        report = json.loads(done.stdout)
    except ValueError as exc:
        raise _fail(f"{what} did not print JSON ({exc})", done) from exc
    missing = REPORT_KEYS - set(report)
    if missing:
        raise _fail(f"{what}: report has no {', '.join(sorted(missing))}", done)
    return report


def check_demo(executable: Path, env: dict[str, str]) -> None:
    done = _run(executable, "generate", "--demo", "--no-send", "--json", env=env)
    report = _report(done, "generate --demo")
    if done.returncode != 0 or not report["sales"] or "₹" not in report["text"]:
        raise _fail("the demo report should be complete, with sales in ₹", done)


def check_locales(executable: Path, env: dict[str, str], home: Path) -> None:
    """A report in each offered number format, from the demo's sales file (Babel data is trimmed)."""
    from desktop_app.locales import OFFERED_LOCALES

    settings = home / "config" / "settings.toml"
    sales = home / "data" / "demo" / "sales.csv"
    for locale in OFFERED_LOCALES:
        settings.write_text(f'[business]\nlocale = "{locale}"\n', encoding="utf-8")
        done = _run(executable, "generate", "--source", f"sales={sales}", "--no-send", "--offline", "--json",
                    env=env, note=f"  (locale {locale})")
        report = _report(done, f"generate in {locale}")
        if not report["sales"] or "₹" not in report["text"]:
            raise _fail(f"the {locale} report has no sales in ₹", done)
    settings.unlink()


def check_ai(executable: Path, env: dict[str, str], home: Path) -> None:
    """AI insights from an OpenAI-compatible server on 127.0.0.1: the frozen openai client, the bundled
    prompt templates and the number guard, end to end."""
    from tests.llm_server import LLMServer, Reply

    settings = home / "config" / "settings.toml"
    bullets = ["Sales were lower than last week.", "Website brought the most leads.",
               "Nearly everyone came to work."]
    with LLMServer() as server:
        server.reply(Reply.json_insights(bullets))
        settings.write_text(f'[insights]\nprovider = "custom"\nbase_url = "{server.base_url}"\n'
                            f'model = "test-model"\n', encoding="utf-8")
        done = _run(executable, "generate", "--demo", "--no-send", "--json", env=env, note="  (AI on 127.0.0.1)")
        report = _report(done, "generate with AI insights")
        prompt = server.completions[0].json["messages"][0]["content"] if server.completions else ""
    settings.unlink()
    if report["engine"] != "ai" or report["insights"] != bullets:
        raise _fail(f"the insights should come from the test server (engine {report['engine']!r})", done)
    if "Shree Ganesh Traders" not in prompt:
        raise _fail("the prompt sent should be the bundled template filled in for the demo shop", done)


def check_parallel_read(executable: Path, env: dict[str, str], home: Path) -> None:
    """A first report on exports big enough to be parsed side by side: the frozen app's spawned worker
    processes start (freeze_support), parse into the cache, and the numbers are the source checkout's."""
    from bench.generate import Sizes, generate

    data = generate(home / "big", Sizes(line_items=90_000, leads=15_000, staff=20, days=120))
    args = ("generate", "--date", data.report_day.isoformat(), "--source", f"sales={data.orders}", "--source",
            f"leads={data.leads}", "--source", f"attendance={data.attendance}", "--no-send", "--offline", "--json")
    frozen_home = home / "parallel"
    done = _run(executable, *args, env={**env, "BUSINESS_ORCHESTRATOR_HOME": str(frozen_home)},
                note="  (90,000 line items)")
    frozen = _report(done, "generate on large exports")
    log = (frozen_home / "logs" / "app.log").read_text(encoding="utf-8", errors="replace")
    if f"parsed side by side with {data.orders.name}: {data.leads.name}" not in log:
        raise _fail("the leads and attendance files should have been parsed by worker processes", done)
    source = subprocess.run([sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True,
                            timeout=TIMEOUT, env={**env, "BUSINESS_ORCHESTRATOR_HOME": str(home / "source")})
    expected = _report(source, "the source checkout's report")
    for key in ("sales", "leads", "attendance"):
        if frozen[key] != expected[key]:
            raise _fail(f"{key} from the frozen app differ from the source checkout's", done)


def check_old_excel(executable: Path, env: dict[str, str]) -> None:
    """An Excel 97-2003 (.xls) export is read in the frozen app: pandas loads its engine (python_calamine) by
    name, so a build that left it out would call the file damaged."""
    workbook = Path(__file__).resolve().parents[1] / "tests" / "connectors" / "data" / "attendance" / \
        "essl_monthly_status_nov2025.xls"
    done = _run(executable, "generate", "--date", "2025-11-24", "--source", f"attendance={workbook}", "--no-send",
                "--offline", "--json", env=env, note="  (.xls)")
    report = _report(done, "generate on an .xls export")
    attendance = report.get("attendance") or {}
    if (attendance.get("present"), attendance.get("headcount")) != (26, 37):
        raise _fail("the .xls monthly report should give 26 of 37 present on 24 Nov 2025 (python_calamine "
                    "bundled? the muster connector registered?)", done)


def check_gui(executable: Path, env: dict[str, str]) -> None:
    """The tray app offscreen; and on a real X server too when Xvfb is installed (the plug-in users get)."""
    done = _run(executable, "gui", "--smoke", env={**env, "QT_QPA_PLATFORM": "offscreen"})
    if done.returncode != 0:
        raise _fail("gui --smoke should bring up the tray and window, make a report and exit 0", done)
    xvfb = shutil.which("xvfb-run") if sys.platform.startswith("linux") else None
    if xvfb is None:
        print("  (gui --smoke on X11 skipped: no xvfb-run)")
        return
    command = [xvfb, "-a", str(executable), "gui", "--smoke"]
    done = subprocess.run(command, env={**env, "QT_QPA_PLATFORM": "xcb"}, capture_output=True, text=True,
                          timeout=TIMEOUT)
    print(f"  $ xvfb-run {APP_NAME} gui --smoke  (X11)  -> exit {done.returncode}")
    if done.returncode != 0:
        raise _fail("gui --smoke on X11 (Xvfb) should exit 0", done)


def smoke(folder: Path, *, gui: bool = True) -> None:
    executable = folder / (APP_NAME + (".exe" if sys.platform == "win32" else ""))
    # Windows: the tray app is a GUI program with no console output; the commands have their own .exe.
    cli = folder / f"{APP_NAME}-cli.exe" if sys.platform == "win32" else executable
    if not executable.is_file() or not cli.is_file():
        raise SmokeFailure(f"no executable at {executable} or {cli}")
    check_contents(folder, executable)
    check_x11_libraries(folder)
    check_icu(folder)
    with tempfile.TemporaryDirectory(prefix="bo-smoke-") as tmp:
        home = Path(tmp)
        # A fresh app home, no secrets, the null keyring (never a D-Bus prompt), offscreen Qt.
        env = {key: value for key, value in os.environ.items() if not key.startswith("BO_")}
        env.update(BUSINESS_ORCHESTRATOR_HOME=str(home), QT_QPA_PLATFORM="offscreen",
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        check_version(cli, env)
        check_demo(cli, env)
        check_locales(cli, env, home)
        check_ai(cli, env, home)
        check_parallel_read(cli, env, home)
        check_old_excel(cli, env)
        if gui:
            check_gui(executable, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the one-folder build, e.g. dist/business-orchestrator")
    parser.add_argument("--no-gui", action="store_true", help="skip gui --smoke (no tray app in this checkout)")
    args = parser.parse_args(argv)
    try:
        smoke(args.folder, gui=not args.no_gui)
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

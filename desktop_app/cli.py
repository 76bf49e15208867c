"""The command line: a headless front over the same core the tray app uses.

Exit codes (a public contract): 0 full report, 3 partial report (a domain failed or is stale),
2 usage or settings error, 1 unexpected error (traceback in the log file, one line for the user).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .paths import app_paths

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
log = logging.getLogger("business_orchestrator.cli")


class UsageError(Exception):
    """Bad arguments or settings: exit code 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-24") from exc


def _source(text: str) -> tuple[str, str]:
    domain, sep, path = text.partition("=")
    if not sep or domain not in ("sales", "leads", "attendance") or not path:
        raise argparse.ArgumentTypeError(f"'{text}' should look like sales=PATH, leads=PATH or attendance=PATH")
    return domain, path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="business-orchestrator",
        description="Turns your sales, leads and attendance exports into one evening report.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser("generate", help="make the report for a date (today by default)")
    generate.add_argument("--date", type=_date, help="report date, YYYY-MM-DD (default: today)")
    generate.add_argument("--source", type=_source, action="append", default=[], metavar="DOMAIN=PATH",
                          help="use this file instead of the configured sources (repeatable)")
    generate.add_argument("--demo", action="store_true", help="use the built-in demo workspace")
    generate.add_argument("--no-send", action="store_true", help="do not deliver the report")
    generate.add_argument("--offline", action="store_true", help="never call an LLM; rules write the insights")
    generate.add_argument("--json", action="store_true", help="print the report as JSON (see docs/report.md)")
    generate.add_argument("--show-prompt", action="store_true",
                          help="print exactly what would be sent to the LLM, and send nothing")

    demo = commands.add_parser("demo", help="the report on the built-in demo data (same as generate --demo)")
    demo.add_argument("--date", type=_date, help=argparse.SUPPRESS)
    demo.add_argument("--json", action="store_true", help="print the report as JSON")
    demo.add_argument("--offline", action="store_true", help="never call an LLM")
    demo.add_argument("--no-send", action="store_true", help="do not deliver the report")
    demo.add_argument("--show-prompt", action="store_true", help="print what would be sent to the LLM, send nothing")

    history = commands.add_parser("history", help="past reports")
    history.add_argument("--days", type=int, default=14, help="how many days back (default 14)")
    history.add_argument("--json", action="store_true", help="print the reports as JSON")

    commands.add_parser("doctor", help="check settings, every source and the AI endpoint")

    seed = commands.add_parser("import-seed", help="adopt a folder from the original script")
    seed.add_argument("folder", type=Path, help="folder with data/, .env and business_summary_log.csv")
    return parser


def _context():
    from .logs import setup_logging
    from .settings import load_settings

    paths = app_paths().ensure()
    setup_logging(paths.logs)
    return paths, load_settings(paths.settings_file)


def cmd_generate(args: argparse.Namespace) -> int:
    from connectors.base import SourceSpec

    from .pipeline import run_report, today_in

    paths, settings = _context()
    day = args.date
    store = None
    specs = None
    if args.demo:
        from .demo import backfill_history, prepare_demo

        day = day or today_in(settings)
        settings, store = prepare_demo(paths, settings, day)
        backfill_history(settings, store, day)
    if args.source:
        specs = [SourceSpec(name=Path(path).name, domain=domain, path=path) for domain, path in args.source]
    if getattr(args, "show_prompt", False):
        return _show_prompt(settings, paths, day, specs=specs, demo=args.demo, store=store, as_json=args.json)
    report = run_report(settings, paths, day, specs=specs, demo=args.demo, offline=args.offline, store=store)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.text)
    return report.exit_code


def _show_prompt(settings, paths, day, *, specs, demo, store, as_json: bool) -> int:
    """The request body the LLM would get for this report, printed verbatim; nothing is sent or saved."""
    from .insights.llm import endpoint, request_body
    from .insights.prompts import TemplateError, render_prompt
    from .pipeline import report_without_insights

    report, history = report_without_insights(settings, paths, day, specs=specs, demo=demo, store=store)
    try:
        prompt = render_prompt(settings, paths, report, history)
    except TemplateError as exc:
        raise UsageError(f"template error: {exc}") from exc
    body = request_body(settings.insights, prompt)
    if as_json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return EXIT_OK
    url = endpoint(settings.insights)
    target = f"{url}/chat/completions" if url else "nowhere: no LLM configured, the rules would write the insights"
    print(f"POST {target}")
    print(f"model: {body['model'] or '(not set)'} · temperature: {body['temperature']} · "
          f"response_format: JSON schema 'daily_insights' (plain text if the server refuses it)")
    for message in body["messages"]:
        print(f"\n----- {message['role']} -----")
        print(message["content"])
    print(f"\n----- about {prompt.tokens_estimate} tokens (estimate); nothing was sent -----")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from .formatting import money
    from .history import HistoryStore

    paths, _settings = _context()
    reports = HistoryStore(paths.history_db).recent(max(args.days, 1), until=dt.date.today())
    if args.json:
        print(json.dumps([report.to_dict() for report in reports], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not reports:
        print("No reports yet. Run `business-orchestrator generate` (or `demo` to try it).")
        return EXIT_OK
    print(f"{'date':<11} {'sales':>14} {'orders':>7} {'leads':>6} {'attendance':>11}  engine")
    for report in reports:
        s, leads, att = report.sales, report.leads, report.attendance
        sales = money(s.total, report.currency, report.locale) if s else "–"
        rate = f"{att.rate_pct:.1f}%" if att and att.rate_pct is not None else "–"
        print(f"{report.date.isoformat():<11} {sales:>14} {s.orders if s else '–':>7} "
              f"{leads.count if leads else '–':>6} {rate:>11}  {report.engine}")
    return EXIT_OK


def _doctor_insights(settings) -> bool:
    from .insights.llm import check_endpoint

    check = check_endpoint(settings)
    print("AI insights:")
    for line in check.lines:
        print(f"  {line}")
    return check.ok or not check.configured


def cmd_doctor(args: argparse.Namespace) -> int:
    from .pipeline import read_sources, today_in

    paths, settings = _context()
    print(f"settings:  {paths.settings_file} (ok)")
    print(f"history:   {paths.history_db}")
    print(f"log file:  {paths.logs / 'app.log'}")
    insights_ok = _doctor_insights(settings)
    day = today_in(settings)
    specs = settings.specs()
    if not specs:
        print("sources:   none configured — add [[sources]] to settings.toml, or run import-seed")
        return EXIT_PARTIAL
    data = read_sources(settings, specs, day)
    print(f"sources (freshness judged for {day}):")
    for status in data.statuses:
        span = f"{status.first_date} .. {status.last_date}" if status.first_date else "no dates"
        print(f"  [{status.status}] {status.name} ({status.domain})")
        print(f"      file: {status.path}")
        rows = status.rows if status.rows is not None else "–"
        print(f"      format: {status.connector or 'not recognised'}; rows: {rows}; dates: {span}")
        if status.message:
            print(f"      {status.message}")
    for warning in data.warnings:
        print(f"  note: {warning}")
    return EXIT_OK if insights_ok and all(s.status == "ok" for s in data.statuses) else EXIT_PARTIAL


def cmd_import_seed(args: argparse.Namespace) -> int:
    from .history import HistoryStore
    from .seed import import_seed
    from .settings import save_settings

    paths, settings = _context()
    try:
        result = import_seed(args.folder, settings, HistoryStore(paths.history_db))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    save_settings(result.settings, paths.settings_file)
    print(f"Sources added: {', '.join(result.added_sources) or 'none'}")
    print(f"History: {result.history_rows} day(s) imported, {result.skipped_history_rows} already present")
    for note in result.notes:
        print(f"  note: {note}")
    print(f"Settings written to {paths.settings_file} (previous copy kept as settings.toml.bak)")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "generate": cmd_generate,
    "demo": lambda args: cmd_generate(argparse.Namespace(**vars(args), demo=True, source=[])),
    "history": cmd_history,
    "doctor": cmd_doctor,
    "import-seed": cmd_import_seed,
}


def main(argv: Sequence[str] | None = None) -> int:
    from .settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except (SettingsError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        log.exception("unexpected error in %s", args.command)
        print(f"error: {exc.__class__.__name__}: {exc} (details in {app_paths().logs / 'app.log'})", file=sys.stderr)
        return EXIT_UNEXPECTED

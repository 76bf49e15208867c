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

    commands.add_parser("doctor", help="check settings, every source, Telegram and the AI endpoint")

    outbox = commands.add_parser("outbox", help="reports on their way to every channel, and their state")
    outbox.add_argument("--limit", type=int, default=20, help="how many deliveries to list (default 20)")
    outbox.add_argument("--json", action="store_true", help="print the deliveries as JSON")
    action = outbox.add_mutually_exclusive_group()
    action.add_argument("--release", type=int, metavar="ID", help="send a held report now")
    action.add_argument("--skip", type=int, metavar="ID", help="do not send this report")
    action.add_argument("--retry", type=int, metavar="ID", help="try a failed delivery again")
    action.add_argument("--show", type=int, metavar="ID", help="print what was (or will be) sent, as delivered")

    commands.add_parser("send-pending", help="send every report waiting in the outbox now")

    channels = commands.add_parser("channels", help="where reports go (Telegram, email, Slack, WhatsApp) and "
                                   "whether each can send; `channels test NAME` sends a test message")
    channels.add_argument("--json", action="store_true", help="print the channels as JSON")
    channel_commands = channels.add_subparsers(dest="channels_command", metavar="ACTION")
    channel_test = channel_commands.add_parser("test", help="send a short test message on one channel now")
    channel_test.add_argument("name", choices=["telegram", "email", "slack", "whatsapp"], help="the channel")

    telegram = commands.add_parser("telegram", help="sign in to Telegram, sign out, test, status")
    telegram_commands = telegram.add_subparsers(dest="telegram_command", metavar="ACTION", required=True)
    login = telegram_commands.add_parser("login", help="sign in once (bot token, or phone + code + password)")
    login.add_argument("--user", action="store_true", help="sign in as your own account instead of a bot")
    login.add_argument("--api-id", type=int, help="api_id from my.telegram.org (asked for when missing)")
    login.add_argument("--phone", help="for --user: your phone number with country code, e.g. +919812345678")
    login.add_argument("--destination", help="chat to send reports to: numeric id, @username or me")
    logout = telegram_commands.add_parser("logout", help="end the Telegram session and forget it")
    logout.add_argument("--forget-app", action="store_true", help="also forget api_id and api_hash")
    telegram_commands.add_parser("test", help="post a short test message to every destination")
    telegram_commands.add_parser("status", help="is the session signed in and every chat reachable?")

    gui = commands.add_parser("gui", help="start the tray app (the default with no command)")
    gui.add_argument("--demo", action="store_true", help="show the built-in demo shop instead of your sources")
    gui.add_argument("--smoke", action="store_true",
                     help="bring up the tray and the window, make one demo report, quit (exit 0 if it worked)")
    gui.add_argument("--ready-file", type=Path, metavar="PATH",
                     help="write the time (Unix seconds) to PATH once the tray icon is up (for benchmarks)")
    gui.add_argument("--force-tray", action="store_true",
                     help="use a tray icon even where Qt reports no system tray (headless benchmarks and tests)")

    from .cli_sources import add_parser as add_sources_parser

    add_sources_parser(commands, _date)
    from .cli_branches import add_parser as add_branches_parser

    add_branches_parser(commands)

    seed = commands.add_parser("import-seed", help="adopt a folder from the original script")
    seed.add_argument("folder", type=Path, help="folder with data/, .env and business_summary_log.csv")
    from .bot.cli import add_commands as add_bot_commands

    add_bot_commands(commands)
    return parser


def _context():
    from .logs import setup_logging
    from .settings import load_settings

    paths = app_paths().ensure()
    setup_logging(paths.logs)
    return paths, load_settings(paths.settings_file)


def cmd_generate(args: argparse.Namespace) -> int:
    from connectors.base import SourceSpec

    from .pipeline import NoSourcesError, run_report, today_in

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
    send = not args.no_send and not args.demo and _any_channel(settings)
    from .cli_progress import spinner

    try:
        with spinner() as progress:  # on stderr, only when it is a terminal
            report = run_report(settings, paths, day, specs=specs, demo=args.demo, offline=args.offline,
                                store=store, send=send, progress=progress)
    except NoSourcesError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.text)
    if send:
        _print_drain(_send_pending(settings, paths))
    if not args.demo:
        _push_rows(settings, paths)
    return report.exit_code


def _push_rows(settings, paths) -> None:
    """A branch PC's report rows to the shared history (docs/branches.md); on stderr, like delivery news."""
    from .storage.push import push_for_settings

    result = push_for_settings(settings, paths)
    if result is None:
        return
    if result.error:
        print(f"Shared history: {result.error}; {result.waiting} report row(s) wait on this PC and go when it can "
              "be reached", file=sys.stderr)
    else:
        print(f"Shared history: {result.pushed} report row(s) pushed", file=sys.stderr)
    for sentence in result.conflicts:
        print(f"  {sentence}", file=sys.stderr)


def _any_channel(settings) -> bool:
    from .channels.registry import any_enabled

    return any_enabled(settings)


def _show_prompt(settings, paths, day, *, specs, demo, store, as_json: bool) -> int:
    """The request body the LLM would get for this report, printed verbatim; nothing is sent or saved."""
    from .insights.llm import endpoint, request_body
    from .insights.prompts import TemplateError, render_prompt
    from .pipeline import report_without_insights
    from .redact import redact_url

    report, history = report_without_insights(settings, paths, day, specs=specs, demo=demo, store=store)
    try:
        prompt = render_prompt(settings, paths, report, history)
    except TemplateError as exc:
        raise UsageError(f"template error: {exc}") from exc
    body = request_body(settings.insights, prompt, paths=paths)
    if as_json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return EXIT_OK
    url = endpoint(settings.insights)
    target = f"{redact_url(url)}/chat/completions" if url else \
        "nowhere: no LLM configured, the rules would write the insights"
    print(f"POST {target}")
    response_format = (body.get("response_format") or {}).get("type", "none (plain text)")
    cap = next(f"{key} {body[key]}" for key in ("max_tokens", "max_completion_tokens") if key in body)
    print(f"model: {body['model'] or '(not set)'} · temperature: {body['temperature']} · "
          f"response_format: {response_format} (the next form down if the server refuses it) · {cap} · streamed")
    for message in body["messages"]:
        print(f"\n----- {message['role']} -----")
        print(message["content"])
    print(f"\n----- about {prompt.tokens_estimate} tokens (estimate); nothing was sent -----")
    return EXIT_OK


def _send_pending(settings, paths):
    from .delivery import send_pending

    return send_pending(settings, paths)


def _print_drain(result) -> None:
    """Delivery news goes to stderr, so `generate --json` stays pure JSON on stdout. One line per channel
    that had something to do (Telegram's line as before), then the sentences."""
    from .channels.base import label

    parts = result.channels or {"telegram": result}
    for name, part in parts.items():
        print(f"{label(name)}: {part.sent} sent, {part.failed} failed, {part.retry_later} to retry later",
              file=sys.stderr)
    for message in result.messages:
        print(f"  {message}", file=sys.stderr)


def cmd_send_pending(args: argparse.Namespace) -> int:
    from .outbox import Outbox

    paths, settings = _context()
    Outbox(paths.history_db).wake()  # asked for now: reports waiting for a set-up are tried again too
    result = _send_pending(settings, paths)
    _print_drain(result)
    _push_rows(settings, paths)  # report rows an offline branch kept go too (nothing without [history] url)
    return EXIT_OK if result.ok else EXIT_PARTIAL


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "–"


def cmd_outbox(args: argparse.Namespace) -> int:
    from .channels.registry import delivered_text
    from .outbox import Outbox, OutboxError

    paths, _settings = _context()
    outbox = Outbox(paths.history_db)
    try:
        if args.release is not None:
            outbox.release(args.release)
            print(f"#{args.release} released: it goes out with the next send (send-pending sends it now)")
        elif args.skip is not None:
            outbox.skip(args.skip)
            print(f"#{args.skip} skipped: it will not be sent")
        elif args.retry is not None:
            outbox.retry(args.retry)
            print(f"#{args.retry} queued again: send-pending sends it now")
        elif args.show is not None:
            row = outbox.get(args.show)
            print(f"#{row.id} {row.channel} → {row.destination}: {row.status}")
            print(delivered_text(row))
            return EXIT_OK
    except OutboxError as exc:
        raise UsageError(str(exc)) from exc
    rows = outbox.deliveries(limit=max(args.limit, 1))
    if args.json:
        print(json.dumps([{
            "id": row.id, "report_date": row.report_date.isoformat(), "destination": row.destination,
            "status": row.status, "attempts": row.attempts,
            "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
            "last_error": row.last_error, "message_ids": row.message_ids,
            "created_at": row.created_at.isoformat(), "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "possible_duplicate": row.possible_duplicate, "channel": row.channel, "text": delivered_text(row),
        } for row in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("The outbox is empty. Reports are queued by `generate` when a channel is on (see `channels`).")
        return EXIT_OK
    print(f"{'id':>4}  {'date':<10}  {'to':<16} {'state':<8} {'tries':>5}  {'next try / sent':<16}  note")
    for row in rows:
        moment = row.sent_at if row.status == "sent" else row.next_attempt_at
        note = row.last_error or ""
        if row.possible_duplicate:
            note = "possible duplicate" + (f"; {note}" if note and "interrupted" not in note else "")
        to = row.destination if row.channel == "telegram" else f"{row.channel}:{row.destination}"
        print(f"{row.id:>4}  {row.report_date.isoformat():<10}  {to:<16} {row.status:<8} "
              f"{row.attempts:>5}  {_when(moment):<16}  {note}")
    print(f"\n{outbox.pending_count()} waiting, {outbox.failed_count()} failed")
    return EXIT_OK


def cmd_channels(args: argparse.Namespace) -> int:
    """`channels`: each channel, where it sends and whether it can; `channels test NAME`: a test message now."""
    from .channels.base import label
    from .channels.registry import send_test, statuses
    from .outbox import Outbox
    from .secrets import SecretStoreUnavailable

    paths, settings = _context()
    if args.channels_command == "test":
        if not getattr(settings, args.name).enabled:
            print(f"note: {label(args.name)} is off in settings ([{args.name}] enabled = false); testing anyway",
                  file=sys.stderr)
        try:
            ok, text = send_test(args.name, settings)
        except SecretStoreUnavailable as exc:
            ok, text = False, f"{label(args.name)}: {exc}"
        print(text)
        return EXIT_OK if ok else EXIT_PARTIAL
    rows = statuses(settings, Outbox(paths.history_db))
    if args.json:
        print(json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        state = "off" if not row.enabled else ("ready" if row.ready else "PROBLEM")
        where = ", ".join(row.targets) or "–"
        print(f"{label(row.name):<9} {state:<8} → {where}")
        if row.enabled:
            print(f"{'':<9} {row.waiting} waiting, {row.failed} failed; last delivery: {row.last_state or 'none yet'}")
        if row.problem:
            print(f"{'':<9} {row.problem}")
    print("\nTest one with `business-orchestrator channels test NAME`; set them up in Settings → Channels or "
          "settings.toml (secrets go to the OS keyring).")
    return EXIT_OK if all(row.ready for row in rows if row.enabled) else EXIT_PARTIAL


def _ask(prompt: str, *, secret: bool = False) -> str:
    import getpass

    value = getpass.getpass(prompt) if secret else input(prompt)
    if not value.strip():
        raise UsageError(f"nothing entered for: {prompt.strip(': ')}")
    return value.strip()


def cmd_telegram(args: argparse.Namespace) -> int:
    from .channels import telegram_auth as auth
    from .secrets import Secret, SecretStoreUnavailable, get_secret
    from .settings import save_settings

    paths, settings = _context()
    action = args.telegram_command
    try:
        if action == "status":
            ok, text = auth.telegram_status(settings)
            print(f"telegram: {text}")
            return EXIT_OK if ok else EXIT_PARTIAL
        if action == "test":
            ok, text = auth.send_test_message(settings)
            print(text)
            return EXIT_OK if ok else EXIT_PARTIAL
        if action == "logout":
            print(f"Telegram: {auth.logout(forget_app=args.forget_app)}")
            return EXIT_OK
        api_id = args.api_id or int(get_secret(Secret.TELEGRAM_API_ID) or 0) or \
            int(_ask("api_id (from my.telegram.org → API development tools): "))
        api_hash = get_secret(Secret.TELEGRAM_API_HASH) or _ask("api_hash (not shown): ", secret=True)
        if args.user:
            login = auth.start_user_login(api_id, api_hash, args.phone or _ask("Phone number (+91...): "),
                                          history_db=paths.history_db)
            if login.submit_code(_ask("Login code Telegram sent you: ")):
                result = login.result
            else:
                result = login.submit_password(_ask("Two-step verification password (not shown): ", secret=True))
        else:
            token = get_secret(Secret.TELEGRAM_BOT_TOKEN) or _ask("Bot token from @BotFather (not shown): ",
                                                                  secret=True)
            result = auth.login_bot(api_id, api_hash, token, history_db=paths.history_db)
    except (auth.LoginError, SecretStoreUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except ValueError as exc:
        raise UsageError(f"api_id must be a number ({exc})") from exc
    telegram = settings.telegram
    telegram.account = result.account
    if args.destination:
        telegram.destinations = [args.destination]
    elif not telegram.destinations and result.account == "user":
        telegram.destinations = ["me"]
    telegram.enabled = bool(telegram.destinations)
    save_settings(settings, paths.settings_file)
    print(f"Signed in to Telegram as {result.name} ({result.account}); the session is kept in the OS keyring.")
    if telegram.destinations:
        print(f"Reports go to: {', '.join(telegram.destinations)}. Try `business-orchestrator telegram test`.")
    else:
        print("Now set [telegram] destinations in settings.toml (your numeric chat id or @username), and open "
              f"the bot {result.name} in Telegram and press Start.")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from .formatting import money
    from .history import HistoryStore

    paths, settings = _context()
    today = settings.business.today()  # not the PC clock's zone
    reports = HistoryStore(paths.history_db).recent(max(args.days, 1), until=today)
    if args.json:
        print(json.dumps([report.to_dict() for report in reports], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not reports:
        demo_db = paths.demo_workspace / "history.sqlite3"
        reports = HistoryStore(demo_db).recent(max(args.days, 1), until=today) if demo_db.exists() else []
        if not reports:
            print("No reports yet. Run `business-orchestrator generate` (or `demo` to try it).")
            return EXIT_OK
        print("No reports of your own yet; these are the demo shop's (from `demo`). Yours appear here once "
              "`generate` has run on your own files.")
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
    from .redact import has_credentials

    check = check_endpoint(settings)
    print("AI insights:")
    for line in check.lines:
        print(f"  {line}")
    if has_credentials(settings.insights.base_url):
        print("  note: base_url carries a password or key (hidden above and in the log, but kept as plain text in "
              "settings.toml): remove it from the address and enter the key under Settings → AI (OS keyring)")
    return check.ok or not check.configured


def cmd_doctor(args: argparse.Namespace) -> int:
    from .live import LiveSources
    from .pipeline import read_sources, today_in
    from .source_cache import SourceCache

    paths, settings = _context()
    print(f"settings:  {paths.settings_file} (ok)")
    print(f"history:   {paths.history_db}")
    print(f"log file:  {paths.logs / 'app.log'}")
    day = today_in(settings)
    specs = settings.specs()
    if not specs:
        print("sources:   none yet, so the app shows the demo shop. To add your first export, either:\n"
              "             - in the tray app: Settings → Sources → Add… (start it with `business-orchestrator`)\n"
              "             - try a file at once: business-orchestrator generate --source sales=orders.csv\n"
              f"             - or add a [[sources]] block to {paths.settings_file} (see the README)")
        _doctor_telegram(settings, paths)
        _doctor_channels(settings)
        _doctor_insights(settings)
        return EXIT_PARTIAL
    live = LiveSources.for_paths(paths, fetch_on_read=False)
    data = read_sources(settings, specs, day, cache=SourceCache(paths.cache), live=live)
    print(f"sources (freshness judged for {day}):")
    for status in data.statuses:
        span = f"{status.first_date} .. {status.last_date}" if status.first_date else "no dates"
        print(f"  [{status.status}] {status.name} ({status.domain})")
        print(f"      {'file' if status.kind == 'file' else 'address'}: {status.path}")
        rows = status.rows if status.rows is not None else "–"
        print(f"      format: {status.connector or 'not recognised'}; rows: {rows}; dates: {span}")
        if status.fetched_at:
            print(f"      last good fetch: {status.fetched_at.replace('T', ' ')[:16]}")
        if status.message:
            print(f"      {status.message}")
    services_ok = _doctor_services(live, specs)
    for warning in data.warnings:
        print(f"  note: {warning}")
    telegram_ok = _doctor_telegram(settings, paths) & _doctor_channels(settings)
    insights_ok = _doctor_insights(settings)
    return EXIT_OK if telegram_ok and insights_ok and services_ok and all(s.status == "ok" for s in data.statuses) \
        else EXIT_PARTIAL


def _doctor_services(live, specs) -> bool:
    """Each live source: reachable, authorised, one page read (nothing is stored by this check)."""
    from .cli_sources import check

    ok = True
    for spec in (spec for spec in specs if spec.is_service):
        passed, lines = check(live, spec, rows=3)
        ok &= passed
        print(f"live source {spec.name} ({spec.kind}): {lines[0]}")
        for line in lines[1:]:
            print(f"      {line}")
    return ok


def _doctor_telegram(settings, paths) -> bool:
    from .secrets import keyring_advice

    print(f"keyring:   {keyring_advice()[1]}")
    if not settings.telegram.enabled:
        print("telegram:  off ([telegram] enabled = false)")
        return True
    from .channels.telegram_auth import telegram_status
    from .outbox import Outbox

    ok, text = telegram_status(settings)
    print(f"telegram:  {'ok' if ok else 'PROBLEM'} — {text}")
    outbox = Outbox(paths.history_db)
    print(f"outbox:    {outbox.pending_count()} waiting, {outbox.failed_count()} failed (see `outbox`)")
    return ok


def _doctor_channels(settings) -> bool:
    """Email, Slack and WhatsApp: set up and secret stored? (checked offline; `channels test NAME` sends)."""
    from .channels.registry import get, readiness

    ok = True
    for name in ("email", "slack", "whatsapp"):
        if not getattr(settings, name).enabled:
            continue
        problem = readiness(settings, name)
        ok &= problem is None
        where = ", ".join(get(name).targets(settings)) or "–"
        print(f"{name + ':':<10} {'ok' if problem is None else 'PROBLEM'} — {problem or 'to ' + where}")
    return ok


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from .ui.app import run_gui
    except ImportError as exc:  # a headless install without PySide6
        raise UsageError(f"the tray app needs PySide6 ({exc}); the other commands work without it") from exc
    return run_gui(demo=args.demo, smoke=args.smoke, ready_file=args.ready_file,
                   use_tray=True if args.force_tray else None)


def cmd_import_seed(args: argparse.Namespace) -> int:
    from .history import HistoryStore
    from .seed import import_seed
    from .settings import save_settings

    paths, settings = _context()
    try:
        result = import_seed(args.folder, settings, HistoryStore.for_settings(settings, paths.history_db))
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
    "outbox": cmd_outbox,
    "send-pending": cmd_send_pending,
    "channels": cmd_channels,
    "telegram": cmd_telegram,
    "gui": cmd_gui,
    "bot": lambda args: _bot_command("cmd_bot", args),
    "ask": lambda args: _bot_command("cmd_ask", args),
    "sources": lambda args: _cmd_sources(args),
    "branches": lambda args: _cmd_branches(args),
}


def _cmd_branches(args: argparse.Namespace) -> int:
    from .cli_branches import cmd_branches

    return cmd_branches(args, *_context())


def _bot_command(name: str, args: argparse.Namespace) -> int:
    from .bot import cli as bot_cli

    return getattr(bot_cli, name)(args, *_context())


def _cmd_sources(args: argparse.Namespace) -> int:
    from .cli_sources import cmd_sources

    return cmd_sources(args)


def _is_settings_error(exc: BaseException) -> bool:
    """SettingsError without importing settings (pydantic): the tray's start-up path must not pay for it.
    If one was raised, its module is loaded."""
    settings = sys.modules.get(f"{__package__}.settings")
    return settings is not None and isinstance(exc, settings.SettingsError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        args = parser.parse_args(["gui"])
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if _is_settings_error(exc):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        log.exception("unexpected error in %s", args.command)
        print(f"error: {exc.__class__.__name__}: {exc} (details in {app_paths().logs / 'app.log'})", file=sys.stderr)
        return EXIT_UNEXPECTED

"""`business-orchestrator sources`: what each source is and holds; fetch live ones; connect (enter keys).

Kept out of cli.py so that file stays a thin router. Progress bars go to stderr (tqdm), so `--json`
output on stdout stays pure JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from connectors.base import SourceSpec


def add_parser(commands: argparse._SubParsersAction, date_type: Any) -> None:
    sources = commands.add_parser("sources", help="each source: kind, last fetch, coverage, records held")
    sources.add_argument("--json", action="store_true", help="print the sources as JSON")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION")
    fetch = actions.add_parser("fetch", help="fetch live sources now (all, or the one named)")
    fetch.add_argument("name", nargs="?", help="the source's name (default: every live source)")
    fetch.add_argument("--since", type=date_type, metavar="DATE",
                       help="fetch everything changed since this date (YYYY-MM-DD) instead of since the last fetch")
    connect = actions.add_parser("connect", help="enter a live source's keys (kept in the OS keyring) and test it")
    connect.add_argument("name", help="the source's name as in settings.toml")


def _live_specs(settings: Any, name: str | None) -> list[SourceSpec]:
    from .cli import UsageError

    specs = [spec for spec in settings.specs() if spec.is_service]
    if name is not None:
        specs = [spec for spec in specs if spec.name == name]
        if not specs:
            names = ", ".join(f"'{s.name}'" for s in settings.specs() if s.is_service) or "none"
            raise UsageError(f"no enabled live source named '{name}' (live sources: {names})")
    return specs


def _when(moment: dt.datetime | None, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "never"


def describe(settings: Any, live: Any) -> list[dict[str, Any]]:
    """One row per configured source, as `sources --json` prints it."""
    from .live import display_address

    zone = settings.business.zone
    rows = []
    for source in settings.sources:
        spec = source.spec(settings.business.timezone)
        row: dict[str, Any] = {"name": spec.name, "domain": spec.domain, "kind": spec.kind, "enabled": source.enabled}
        if not spec.is_service:
            row["path"] = spec.path
            rows.append(row)
            continue
        state = live.state(spec)
        row.update({
            "address": display_address(spec),
            "last_fetch": state.last_good_at.astimezone(zone).isoformat(timespec="seconds")
            if state and state.last_good_at else None,
            "covered_since": state.covered_since.astimezone(zone).date().isoformat()
            if state and state.covered_since else None,
            "records": state.records if state else 0,
            "last_error": state.last_error if state else None,
            "last_error_at": state.last_attempt_at.astimezone(zone).isoformat(timespec="seconds")
            if state and state.last_error and state.last_attempt_at else None,
        })
        rows.append(row)
    return rows


def cmd_sources(args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, EXIT_PARTIAL, _context
    from .live import LiveSources

    paths, settings = _context()
    live = LiveSources.for_paths(paths)
    if args.sources_command == "fetch":
        return _fetch(settings, live, args.name, args.since)
    if args.sources_command == "connect":
        return _connect(settings, live, args.name)
    rows = describe(settings, live)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("No sources yet: add [[sources]] to settings.toml (README: Sources, Live sources).")
        return EXIT_OK
    for row in rows:
        state = "" if row["enabled"] else " (disabled)"
        print(f"{row['name']}{state}: {row['kind']}, {row['domain']}")
        if row["kind"] == "file":
            print(f"    file: {row['path']}")
            continue
        last = row["last_fetch"].replace("T", " ")[:16] if row["last_fetch"] else "never"
        print(f"    {row['address']}")
        print(f"    last fetch: {last}; coverage from {row['covered_since'] or '–'}; records held: {row['records']}")
        if row["last_error"]:
            print(f"    last failure ({row['last_error_at'].replace('T', ' ')[:16]}): {row['last_error']}")
    failed = any(row.get("last_error") for row in rows if row["enabled"])
    return EXIT_PARTIAL if failed else EXIT_OK


def _fetch(settings: Any, live: Any, name: str | None, since: dt.date | None) -> int:
    from tqdm import tqdm

    from .cli import EXIT_OK, EXIT_PARTIAL
    from .live import fetch_note

    specs = _live_specs(settings, name)
    if not specs:
        print("No live sources are configured (kind = google_sheets, shopify or woocommerce in settings.toml).")
        return EXIT_OK
    ok = True
    for spec in specs:
        with tqdm(desc=spec.name, unit="page", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
            def progress(pages: int, total: int | None, records: int, bar: tqdm = bar) -> None:
                if total and bar.total != total:
                    bar.total = total
                bar.set_postfix_str(f"{records} records", refresh=False)
                bar.update(pages - bar.n)

            result = live.fetch(spec, since=since, progress=progress)
        ok &= result.ok
        print(("" if result.ok else "FAILED ") + fetch_note(result))
    return EXIT_OK if ok else EXIT_PARTIAL


def check(live: Any, spec: SourceSpec, rows: int = 5) -> tuple[bool, list[str]]:
    """Reachable, authorised, one page read: the lines doctor and `sources connect` print."""
    from connectors.base import SourceReadError

    from .live import display_address

    result = live.fetch(spec, max_pages=1)
    if not result.ok:
        return False, [f"PROBLEM — {result.message}"]
    lines = [f"ok — {display_address(spec)} reachable, authorised, one page read ({result.records} record(s))"]
    if result.preview:
        try:
            frame = live.service(spec).frame(spec, [record.data for record in result.preview])
        except SourceReadError as exc:
            return False, [*lines, f"PROBLEM — the records cannot be read: {exc.issue.message}"]
        except Exception as exc:
            return False, [*lines, f"PROBLEM — the records cannot be read: {type(exc).__name__}: {exc}"]
        from connectors.base import CONTACT_COLUMNS

        # Contact details (a lead's name, phone, email) stay out of the terminal, as in the file preview.
        shown = frame.frame.drop(columns=["_row", *CONTACT_COLUMNS], errors="ignore").head(rows)
        lines += ["as the report reads it:", *("  " + line for line in shown.to_string(index=False).splitlines())]
    return True, lines


def _connect(settings: Any, live: Any, name: str) -> int:
    import getpass

    from .cli import EXIT_OK, EXIT_PARTIAL, UsageError
    from .secrets import SecretStoreUnavailable, get_source_secret, set_source_secret

    spec = next((s for s in (source.spec(settings.business.timezone) for source in settings.sources)
                 if s.name == name and s.is_service), None)
    if spec is None:
        raise UsageError(f"no live source named '{name}' in settings.toml")
    service = live.service(spec)
    try:
        for field in service.fields:
            if not field.secret:
                continue
            have = get_source_secret(spec.name, field.name)
            keep = " (Enter keeps the stored one)" if have else ""
            print(f"{field.label}: {field.help}")
            value = getpass.getpass(f"{field.label}{keep}: ").strip()
            if value:
                set_source_secret(spec.name, field.name, value)
            elif not have and field.required:
                raise UsageError(f"nothing entered for: {field.label}")
    except SecretStoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    ok, lines = check(live, spec)
    print(f"{spec.name}:")
    for line in lines:
        print(f"  {line}")
    if ok:
        print(f"Keys kept in the OS keyring. Now `business-orchestrator sources fetch \"{spec.name}\"` backfills "
              f"{spec.service.get('backfill_days')} days.")
    return EXIT_OK if ok else EXIT_PARTIAL

"""`business-orchestrator branches`: every branch in the shared history, when it last reported and from which PC.

Before listing, this PC pushes the report rows it still owes (so its own line is current); `--setup-db` creates
or upgrades the shared database's tables, run once with the database owner's URL (docs/branches.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(commands: argparse._SubParsersAction) -> None:
    branches = commands.add_parser("branches", help="the branches in the shared history: when each last reported "
                                   "and from which PC")
    branches.add_argument("--json", action="store_true", help="print the branches as JSON")
    branches.add_argument("--no-push", action="store_true", help="list only; do not push this PC's waiting rows "
                          "first")
    branches.add_argument("--setup-db", action="store_true", help="create or upgrade the shared database's tables "
                          "(run once, with the database owner's URL in [history] url)")


def cmd_branches(args: argparse.Namespace, paths: Any, settings: Any) -> int:
    from .cli import EXIT_OK, EXIT_PARTIAL
    from .storage.push import push_for_settings, waiting
    from .storage.shared import LocalBranchHistory, SharedHistory, SharedUnavailable, open_branch_history

    conf = settings.history
    if args.setup_db:
        if not conf.url:
            print("error: set [history] url (the shared PostgreSQL database) first; docs/branches.md says how",
                  file=sys.stderr)
            return EXIT_PARTIAL
        try:
            shared = SharedHistory.for_settings(settings, migrate=False)
            applied = shared.upgrade()
        except SharedUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_PARTIAL
        print(f"{shared.label}: " + (f"schema steps applied: {', '.join(applied)}" if applied else
                                     "the schema is up to date"))
        shared.dispose()
        return EXIT_OK
    error = None
    pushed = None
    if conf.url and not args.no_push:
        pushed = push_for_settings(settings, paths)
        error = pushed.error if pushed else None
    try:
        history = open_branch_history(settings, paths)
    except SharedUnavailable as exc:
        error = str(exc)
        history = LocalBranchHistory.for_settings(settings, paths)
    rows = history.branches()
    if isinstance(history, SharedHistory):
        history.dispose()
    waiting_here = waiting(paths.history_db) if conf.url else 0
    if args.json:
        print(json.dumps({
            "store": history.label if isinstance(history, SharedHistory) else "this PC",
            "shared": isinstance(history, SharedHistory),
            "branches": [row.to_dict() for row in rows],
            "waiting_here": waiting_here,
            "pushed": pushed.pushed if pushed else 0,
            "error": error,
        }, ensure_ascii=False, indent=2))
        return EXIT_PARTIAL if error else EXIT_OK
    if error:
        print(f"Shared history: {error}", file=sys.stderr)
        print("Showing this PC's own history instead.", file=sys.stderr)
    if pushed is not None and pushed.pushed:
        print(f"{pushed.pushed} report row(s) of this PC pushed just now.", file=sys.stderr)
    if not rows:
        print("No branch has reported yet." + ("" if conf.url else " Set [history] url to share reports between "
                                               "branches (docs/branches.md)."))
        return EXIT_PARTIAL if error else EXIT_OK
    width = max(6, *(len(row.branch or "(no name)") for row in rows))
    print(f"{'branch':<{width}}  {'last report':<11}  {'made at':<16}  {'days':>5}  PC")
    for row in rows:
        made = row.last_generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{row.branch or '(no name)':<{width}}  {row.last_date.isoformat():<11}  {made:<16}  {row.days:>5}  "
              f"{row.pc}")
    if waiting_here:
        print(f"{waiting_here} report row(s) of this PC wait to be pushed.")
    return EXIT_PARTIAL if error else EXIT_OK

"""How big is what we send? The demo day's payload and prompts, in characters and tokens.

Run: `python -m bench.payload_tokens [--date YYYY-MM-DD] [--json]`. Token counts use a tiktoken-compatible
tokenizer when one is importable (`bpe-openai` ships the o200k/cl100k tables and works offline;
`tiktoken` needs to download them once), else only the app's own estimate (UTF-8 bytes / 3).
Budgets (issues 14 and 17): system + user prompt <= 700 o200k tokens on the demo day, of which the
payload <= 480 and the templates' own text around it <= 220. Measured on 2026-11-24 with the
templates of issue 17: payload 452, system 180, user 489 (37 around the payload): 669 in all,
217 around the payload (was 781 and 329).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.demo import backfill_history, prepare_demo
from desktop_app.insights.prompts import estimate_tokens, render_prompt
from desktop_app.paths import AppPaths
from desktop_app.pipeline import report_without_insights
from desktop_app.settings import Settings

BUDGETS = {"prompt": 700, "payload": 480, "around_payload": 220}


def tokenizer():
    try:
        import bpe_openai

        return "o200k_base (bpe-openai)", bpe_openai.get_encoding("o200k_base").encode
    except ImportError:
        pass
    try:
        import tiktoken

        return "o200k_base (tiktoken)", tiktoken.get_encoding("o200k_base").encode
    except (ImportError, OSError, ValueError):
        return None, None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Characters and tokens of the demo day's LLM prompt")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24))
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    day = args.date
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        paths = AppPaths(root / "config", root / "data", root / "logs", root / "cache").ensure()
        settings, store = prepare_demo(paths, Settings(), day)
        backfill_history(settings, store, day)
        report, history = report_without_insights(settings, paths, day, demo=True, store=store)
        prompt = render_prompt(settings, paths, report, history)
    name, encode = tokenizer()
    parts = {label: {"chars": len(text), "estimate": estimate_tokens(text),
                     "tokens": len(encode(text)) if encode else None}
             for label, text in (("payload", prompt.payload_json), ("system", prompt.system), ("user", prompt.user))}
    totals = {}
    if encode:
        total = parts["system"]["tokens"] + parts["user"]["tokens"]
        totals = {"prompt_tokens": total, "around_payload_tokens": total - parts["payload"]["tokens"],
                  "budgets": BUDGETS}
    if args.json:
        print(json.dumps({"day": day.isoformat(), "tokenizer": name, **parts, **totals}))
        return
    print(f"demo day {day}")
    for label, part in parts.items():
        counted = f", {part['tokens']} tokens ({name})" if encode else ""
        print(f"  {label:8} {part['chars']:6,} chars, estimate {part['estimate']:5}{counted}")
    if totals:
        for label, key, budget in (("prompt", "prompt_tokens", BUDGETS["prompt"]),
                                   ("payload", None, BUDGETS["payload"]),
                                   ("around", "around_payload_tokens", BUDGETS["around_payload"])):
            value = totals[key] if key else parts["payload"]["tokens"]
            print(f"  {label:8} {value:6} tokens, budget {budget} ({'ok' if value <= budget else 'OVER'})")


if __name__ == "__main__":
    main()

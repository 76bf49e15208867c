"""How big is what we send? The demo day's payload and prompts, in characters and tokens.

Run: `python bench/payload_tokens.py [YYYY-MM-DD]`. Token counts use a tiktoken-compatible
tokenizer when one is importable (`bpe-openai` ships the o200k/cl100k tables and works offline;
`tiktoken` needs to download them once), else only the app's own estimate (UTF-8 bytes / 3).
Measured on 2026-11-24: payload 1,177 chars, 452 o200k tokens; system + user prompts 781 tokens,
estimated 837. Budget: the payload stays under 700 tokens on a normal day.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.demo import backfill_history, prepare_demo
from desktop_app.insights.prompts import estimate_tokens, render_prompt
from desktop_app.paths import AppPaths
from desktop_app.pipeline import report_without_insights
from desktop_app.settings import Settings


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


def main() -> None:
    day = dt.date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else dt.date(2026, 11, 24)
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        paths = AppPaths(root / "config", root / "data", root / "logs", root / "cache").ensure()
        settings, store = prepare_demo(paths, Settings(), day)
        backfill_history(settings, store, day)
        report, history = report_without_insights(settings, paths, day, demo=True, store=store)
        prompt = render_prompt(settings, paths, report, history)
    name, encode = tokenizer()
    print(f"demo day {day}")
    for label, text in (("payload", prompt.payload_json), ("system", prompt.system), ("user", prompt.user)):
        counted = f", {len(encode(text))} tokens ({name})" if encode else ""
        print(f"  {label:8} {len(text):6,} chars, estimate {estimate_tokens(text):5}{counted}")


if __name__ == "__main__":
    main()

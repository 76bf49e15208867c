"""How the LLM payload's tokens are spent, block by block, on the demo day (issue 14's budget).

Run: `python -m bench.payload_blocks [--date YYYY-MM-DD]`. Counts o200k tokens with bpe-openai (offline).
Two rows: the demo day as it is (goals and drivers; the demo Tuesday is normal for a Tuesday, so
no weekday flag), and the same day with a weekday anomaly on every KPI, two branches and a
correction added, the largest payload a day can make. Budget: 480 tokens on the demo day
(PAYLOAD_TOKEN_BUDGET), so that with the templates (220) the prompt stays within 700.
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
from desktop_app.insights.payload import PAYLOAD_TOKEN_BUDGET, build_payload
from desktop_app.paths import AppPaths
from desktop_app.pipeline import report_without_insights
from desktop_app.report import Anomaly, BranchLine, Correction
from desktop_app.settings import Settings


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def main(argv: list[str] | None = None) -> None:
    import bpe_openai

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24))
    args = parser.parse_args(argv)
    encode = bpe_openai.get_encoding("o200k_base").encode
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        paths = AppPaths(root / "config", root / "data", root / "logs", root / "cache").ensure()
        settings, store = prepare_demo(paths, Settings(), args.date)
        backfill_history(settings, store, args.date)
        report, history = report_without_insights(settings, paths, args.date, demo=True, store=store)
    weekday = args.date.strftime("%A")
    cases = {"demo day": build_payload(report, history, is_open=settings.business.is_open)}
    report.anomalies = [Anomaly(metric, value, median, round(value / median, 2), 8, "high", weekday, "")
                        for metric, value, median in (("sales", 398_000, 142_000), ("orders", 70, 34),
                                                      ("leads", 31, 12), ("attendance", 70.8, 91.7))]
    report.branches = [BranchLine("Naroda", 92_210, 22, 4_191, 100_000, -7.8),
                       BranchLine("Maninagar", 50_000, 13, 3_846, 66_110, -24.4)]
    report.corrections = [Correction("2026-11-21", "sales.total", 198_460, 196_060)]
    cases["every block"] = build_payload(report, history, is_open=settings.business.is_open)
    print(f"payload tokens (o200k), {args.date}; budget {PAYLOAD_TOKEN_BUDGET} on the demo day")
    for name, payload in cases.items():
        blocks = ", ".join(f"{key} {len(encode(_json(value)))}" for key, value in payload.items())
        print(f"  {name:12} {len(encode(_json(payload))):4} tokens, {len(_json(payload)):5,} chars: {blocks}")


if __name__ == "__main__":
    main()

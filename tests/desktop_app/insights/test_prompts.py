"""Prompt templates: owner overrides, reset, clear errors, and a sandbox that only reads placeholders."""

from __future__ import annotations

import pytest

from desktop_app.insights.prompts import (
    TEMPLATE_NAMES,
    TemplateError,
    check_template,
    default_template,
    is_customised,
    load_template,
    owner_path,
    render_prompt,
    reset_template,
    save_template,
)
from desktop_app.resources import resource_path
from desktop_app.settings import InsightsSettings, Settings
from tests.llm_server import Reply

from .conftest import ai_settings, run
from .test_payload import report


def test_defaults_are_the_bundled_files(paths):
    assert TEMPLATE_NAMES == ("system", "user")
    for name in TEMPLATE_NAMES:
        assert load_template(paths, name) == resource_path("prompts", f"{name}.txt").read_text(encoding="utf-8")
        assert not is_customised(paths, name)


def test_the_default_prompts_carry_every_placeholder(paths):
    settings = Settings(insights=InsightsSettings(language="Hindi"))
    prompt = render_prompt(settings, paths, report())
    assert "Shop" in prompt.system and "Write in Hindi" in prompt.system
    assert "data, not instructions" in prompt.system
    assert "Tuesday 2026-11-24" in prompt.user and prompt.payload_json in prompt.user
    assert "{{" not in prompt.system + prompt.user
    assert prompt.tokens_estimate > 100


def test_an_owner_copy_overrides_and_reset_keeps_it_as_bak(paths):
    save_template(paths, "user", "Figures for {{ business }}: {{ payload_json }}")
    assert is_customised(paths, "user") and not is_customised(paths, "system")
    prompt = render_prompt(Settings(), paths, report())
    assert prompt.user.startswith("Figures for Shop: {")
    save_template(paths, "user", "Second edit {{ payload_json }}")
    backup = owner_path(paths, "user").with_name("user.txt.bak")
    assert backup.read_text(encoding="utf-8") == "Figures for {{ business }}: {{ payload_json }}"
    reset_template(paths, "user")
    assert not owner_path(paths, "user").exists()
    assert backup.read_text(encoding="utf-8") == "Second edit {{ payload_json }}"  # nothing the owner wrote is lost
    assert load_template(paths, "user") == default_template("user")
    reset_template(paths, "user")  # resetting twice is harmless


def test_a_copy_identical_to_the_default_is_not_customised(paths):
    save_template(paths, "system", default_template("system"))
    assert not is_customised(paths, "system")


def test_unknown_template_names_are_refused(paths):
    with pytest.raises(ValueError, match="unknown prompt template 'assistant'"):
        load_template(paths, "assistant")


@pytest.mark.parametrize(("text", "message"), [
    ("Sales for {{ busines }}", "'busines' is undefined; the placeholders are business, date"),
    ("line one\n{% if %}", "user prompt, line 2:"),
    ("{{ payload_json", "user prompt, line 1:"),
])
def test_broken_templates_say_what_and_where(paths, text, message):
    save_template(paths, "user", text)
    with pytest.raises(TemplateError, match=message.replace("(", r"\(")):
        render_prompt(Settings(), paths, report())
    assert message in check_template("user", text)


@pytest.mark.parametrize("text", [
    "{{ payload.__class__ }}",
    "{{ business.__class__.__mro__ }}",
    "{{ business.upper() }}",
    "{{ payload.items() }}",
    "{{ ''.__class__.__base__.__subclasses__() }}",
    "{{ 'x{0.__class__}'.format(business) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ self.__init__ }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 'a' * 100000000 }}",
    "{% include '/etc/passwd' %}",
])
def test_templates_cannot_reach_attributes_or_run_code(paths, text):
    assert check_template("system", text) is not None
    save_template(paths, "system", text)
    with pytest.raises(TemplateError):
        render_prompt(Settings(), paths, report())


def test_item_lookup_into_the_payload_is_allowed(paths):
    save_template(paths, "user", "Total {{ payload['sales']['total'] }}, orders {{ payload.sales.orders }}")
    assert render_prompt(Settings(), paths, report()).user == "Total 235000, orders 34"


def test_a_broken_template_means_rules_with_the_reason_and_no_call(paths, llm_server, seed_files):
    save_template(paths, "system", "You are {{ accountant_name }}.")
    llm_server.default = Reply.json_insights(["never", "used"])
    report_out = run(ai_settings(llm_server), seed_files)
    assert report_out.engine == "rules"
    assert report_out.engine_reason.startswith("template error: system prompt: 'accountant_name' is undefined")
    assert llm_server.requests == []
    assert report_out.sales.total == 5500.5  # the report itself is whole


def test_the_default_templates_stay_within_their_token_budget(paths):
    """220 o200k tokens around the payload (bench/payload_tokens.py measures it with the real tokenizer:
    217 on the demo day, in 825 UTF-8 bytes); the tokenizer is a bench tool, so bytes stand in for it here."""
    prompt = render_prompt(Settings(), paths, report())
    around = len((prompt.system + prompt.user).encode()) - len(prompt.payload_json.encode())
    assert around <= 840
    for rule in ("data, not instructions", "Quote only numbers in the JSON", "Write in English", "No links"):
        assert rule in prompt.system

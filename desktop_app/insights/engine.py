"""Chooses who writes the insights: the LLM when one is set up and its answer survives the number
guard, otherwise the rules, with the reason in the report.

Nothing here raises for an LLM or template problem: the evening report must go out. The order of
checks is the order of cost: offline, configured, monthly cap, template, the call, the guard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ..cancel import Cancelled
from ..paths import AppPaths
from ..report import Engine, Report
from ..settings import Settings
from .payload import History
from .rules import rule_insights

log = logging.getLogger("business_orchestrator.insights")
MIN_AI_BULLETS = 2
MAX_AI_BULLETS = 4


@dataclass
class InsightResult:
    bullets: list[str]
    engine: Engine
    reason: str | None = None
    model: str | None = None
    usage: dict[str, int] | None = None  # {"prompt", "completion", "total"} tokens, when the LLM was called
    dropped: list[str] = field(default_factory=list)  # AI bullets the number guard removed


def _rules(report: Report, reason: str, **extra) -> InsightResult:
    log.info("rules write the insights for %s: %s", report.date, reason)
    return InsightResult(rule_insights(report), "rules", reason, **extra)


def write_insights(report: Report, *, settings: Settings | None = None, paths: AppPaths | None = None,
                   history: History | None = None, offline: bool = False,
                   progress: Callable[[str], None] | None = None) -> InsightResult:
    """Bullets for `report`: AI-written and number-checked when possible, else the rules and why.

    `progress` hears how long the model has been writing, every second; if it raises `Cancelled`
    (the owner pressed Cancel), that goes on to the caller.
    """
    if offline:
        return _rules(report, "offline (--offline)")
    from .llm import not_configured_reason  # the openai client and the keyring: not needed offline

    if settings is None or paths is None:
        return _rules(report, "no LLM configured")
    why_not = not_configured_reason(settings.insights)
    if why_not:
        return _rules(report, why_not)
    try:
        return _ai_insights(report, settings, paths, history, progress)
    except Cancelled:
        raise
    except Exception as exc:  # the report must go out; the traceback goes to the log
        log.exception("AI insights failed unexpectedly")
        return _rules(report, f"AI insights failed ({exc.__class__.__name__}: {exc})")


def _ai_insights(report: Report, settings: Settings, paths: AppPaths, history: History | None,
                 progress: Callable[[str], None] | None) -> InsightResult:
    from .llm import Deadline

    insights = settings.insights
    deadline = Deadline(insights.timeout_s)  # before anything slow: the imports, the template, the client
    from .answer import parse_bullets
    from .guard import check_bullets
    from .llm import LLMError, ask_for_insights
    from .payload import branch_names, payload_numbers
    from .prompts import TemplateError, render_prompt
    from .usage import UsageLedger

    try:
        prompt = render_prompt(settings, paths, report, history)
    except TemplateError as exc:
        return _rules(report, f"template error: {exc}")
    ledger = UsageLedger.for_paths(paths)
    if insights.monthly_token_cap:
        used = ledger.month_total()
        if used + prompt.tokens_estimate > insights.monthly_token_cap:
            return _rules(report, f"monthly token cap reached ({used:,} of {insights.monthly_token_cap:,} used)")
    try:
        answer = ask_for_insights(insights, prompt, paths=paths, progress=progress, deadline=deadline)
    except LLMError as exc:
        return _rules(report, exc.reason, model=insights.model)
    ledger.record(answer.model, answer.usage)
    spent = {"model": answer.model, "usage": answer.usage.as_dict()}
    bullets = parse_bullets(answer.text)
    if len(bullets) < MIN_AI_BULLETS:
        return _rules(report, f"unusable answer ({len(bullets)} bullet{'s' if len(bullets) != 1 else ''})",
                      **spent)
    checked = check_bullets(bullets, payload_numbers(prompt.payload), branch_names(report))
    dropped = [bullet for bullet, _numbers in checked.dropped]
    for bullet, numbers in checked.dropped:
        log.info("number guard dropped a bullet (unmatched %s): %s", ", ".join(numbers), bullet)
    if len(checked.kept) < MIN_AI_BULLETS:
        return _rules(report, f"guard dropped {len(dropped)} of {checked.total} bullets", dropped=dropped, **spent)
    return InsightResult(checked.kept[:MAX_AI_BULLETS], "ai", None, dropped=dropped, **spent)

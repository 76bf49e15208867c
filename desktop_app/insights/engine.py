"""Chooses who writes the insights. Until an LLM is configured the rules always do."""

from __future__ import annotations

from dataclasses import dataclass

from ..report import Engine, Report
from .rules import rule_insights


@dataclass
class InsightResult:
    bullets: list[str]
    engine: Engine
    reason: str | None = None


def write_insights(report: Report, *, offline: bool = False) -> InsightResult:
    reason = "offline (--offline)" if offline else "no LLM configured"
    return InsightResult(rule_insights(report), "rules", reason)

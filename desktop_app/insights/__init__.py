"""Insights: plain-language bullets about the day, written by rules (offline) or, later, an LLM."""

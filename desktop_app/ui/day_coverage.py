"""Moved to `desktop_app.day_coverage` (Qt-free: the email, Slack and WhatsApp messages need it too)."""

from ..day_coverage import domain_uncovered, is_partial, misses_day, newest_row, no_data_note, uncovered

__all__ = ["domain_uncovered", "is_partial", "misses_day", "newest_row", "no_data_note", "uncovered"]

"""Numbers as the owner reads them, via Babel: ₹2,35,000 in tables, ₹2.35 L in prose."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.numbers import format_compact_currency, format_currency, format_decimal

_COMPACT_SUFFIX = re.compile(r"(?<=\d)([^\d\s.,-]+)$")


def half_up(amount: float, places: int = 0) -> Decimal:
    """Round as an accountant does (₹5,500.50 -> ₹5,501), not half-to-even as Python's round()."""
    return Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@cache
def _locale(name: str) -> Locale:
    """Parsed once per name: Babel parses a locale string on every call, and a backfill formats thousands."""
    return Locale.parse(name)


@cache
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals (¤#,##,##0 for en_IN)."""
    pattern = _locale(locale).currency_formats["standard"].pattern.split(";")[0]
    return re.sub(r"\.0+", "", pattern)


def money(amount: float, currency: str, locale: str, *, whole: bool = False) -> str:
    """Whole units when the amount is whole (₹2,35,000) or `whole` is asked, else with paise (₹1,659.95)."""
    if whole or abs(amount - round(amount)) < 0.005:
        return format_currency(half_up(amount), currency, locale=_locale(locale), format=_whole_pattern(locale),
                               currency_digits=False)
    return format_currency(half_up(amount, 2), currency, locale=_locale(locale))


def money_short(amount: float, currency: str, locale: str) -> str:
    """Prose form: ₹2.35 L, ₹1.2 Cr, €235K; small amounts stay exact."""
    if abs(amount) < 100_000 if locale.endswith("_IN") else abs(amount) < 10_000:
        return money(amount, currency, locale, whole=abs(amount) >= 100)
    text = format_compact_currency(amount, currency, locale=_locale(locale), fraction_digits=2)
    return _COMPACT_SUFFIX.sub(lambda match: f" {match.group(1)}", text) if locale.endswith("_IN") else text


def number(value: float, locale: str) -> str:
    return format_decimal(value, locale=_locale(locale))


def signed_pct(value: float) -> str:
    return f"{value:+.1f}%".replace("+0.0%", "0.0%").replace("-0.0%", "0.0%")


def arrow_pct(value: float) -> str:
    """▲ 12.0% / ▼ 3.5% / ▬ 0.0%: the arrow carries the sign."""
    return f"{arrow(value)} {abs(value):.1f}%"


def arrow_pp(value: float) -> str:
    return f"{arrow(value)} {abs(value):.1f} pp"


def arrow(value: float | None) -> str:
    if value is None or abs(value) < 0.05:
        return "▬"
    return "▲" if value > 0 else "▼"

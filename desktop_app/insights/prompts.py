"""Prompt templates: the bundled defaults, the owner's edited copies, and sandboxed rendering.

The owner may rewrite the prompts (tone, focus, language); their copy in the config folder wins
over the bundled default, and "reset to default" moves it aside as `.bak` rather than deleting it.
Templates are Jinja2 rendered in a sandbox that allows no attribute access and no calls, so a
template pasted from the internet can read the placeholders and nothing else. Any problem becomes a
`TemplateError` whose message names the template and line; the engine then lets the rules write.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..paths import AppPaths
from ..report import Report
from ..resources import resource_path
from ..settings import Settings
from .payload import History, build_payload

TEMPLATE_NAMES = ("system", "user")
PLACEHOLDERS = ("business", "date", "weekday", "language", "currency", "payload_json", "payload")
MAX_REPEAT = 10_000  # a template may not build strings or lists bigger than this with * or **


class TemplateError(Exception):
    """A prompt template that cannot be used; the message says which one and why."""


@dataclass
class RenderedPrompt:
    """Exactly what would be sent: the two messages, and the payload they were built from."""

    system: str
    user: str
    payload: dict[str, Any]
    payload_json: str
    tokens_estimate: int


class _DataOnlySandbox(ImmutableSandboxedEnvironment):
    """Placeholders and item lookup (`payload["sales"]`), nothing else: no attributes, no calls."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sizes = [len(item) if isinstance(item, str | list | tuple) else 0 for item in (left, right)]
        counts = [item for item in (left, right) if isinstance(item, int)]
        if operator == "**" and any(abs(item) > 64 for item in counts):
            raise SecurityError("exponent too large in a prompt template")
        if operator == "*" and any(sizes) and any(abs(item) * max(sizes) > MAX_REPEAT for item in counts):
            raise SecurityError("a prompt template may not repeat text that many times")
        return super().call_binop(context, operator, left, right)


_ENV = _DataOnlySandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


def _check_name(name: str) -> str:
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown prompt template '{name}'; expected one of {', '.join(TEMPLATE_NAMES)}")
    return name


def _file_name(name: str) -> str:
    return f"{_check_name(name)}.txt"


def owner_path(paths: AppPaths, name: str) -> Path:
    """Where the owner's edited copy of a template lives (it may not exist)."""
    return paths.prompts / _file_name(name)


def default_template(name: str) -> str:
    return resource_path("prompts", _file_name(name)).read_text(encoding="utf-8")


def load_template(paths: AppPaths, name: str) -> str:
    """The owner's copy if there is one, else the bundled default."""
    path = owner_path(paths, name)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{name} prompt ({path}) cannot be read: {exc}") from exc
    return default_template(name)


def is_customised(paths: AppPaths, name: str) -> bool:
    path = owner_path(paths, name)
    return path.is_file() and path.read_text(encoding="utf-8-sig") != default_template(name)


def _backup(path: Path) -> None:
    if path.exists():
        os.replace(path, path.with_name(path.name + ".bak"))


def save_template(paths: AppPaths, name: str, text: str) -> None:
    """Write the owner's copy atomically; the previous copy is kept as `<name>.txt.bak`.

    The text is saved even when it does not render (the owner's work is never thrown away);
    call `check_template` first to warn about it.
    """
    path = owner_path(paths, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if path.exists():
            os.replace(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def reset_template(paths: AppPaths, name: str) -> None:
    """Back to the bundled default; the owner's copy is moved to `<name>.txt.bak`, not deleted."""
    _backup(owner_path(paths, name))


def _render(name: str, source: str, context: dict[str, Any]) -> str:
    try:
        return _ENV.from_string(source).render(context).strip()
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{name} prompt, line {exc.lineno}: {exc.message}") from exc
    except SecurityError as exc:
        raise TemplateError(f"{name} prompt: not allowed in a template: {exc}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{name} prompt: {exc.message}; the placeholders are "
                            f"{', '.join(PLACEHOLDERS)}") from exc
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateError(f"{name} prompt: {exc}") from exc


def _sample_context() -> dict[str, Any]:
    return {"business": "Sample", "date": "2026-11-24", "weekday": "Tuesday", "language": "English",
            "currency": "INR", "payload_json": "{}", "payload": {}}


def check_template(name: str, text: str) -> str | None:
    """Why `text` would not render (for the settings dialog, before saving), or None when it would."""
    try:
        _render(_check_name(name), text, _sample_context())
    except TemplateError as exc:
        return str(exc)
    return None


def estimate_tokens(text: str) -> int:
    """About three bytes of UTF-8 per token: a little over the real count for a whole prompt, so the
    monthly cap errs on the safe side.

    Measured on the demo prompt with OpenAI's o200k tokenizer (bench/payload_tokens.py): 781 tokens,
    estimated 837; the bare JSON alone runs ~15% under (452 vs 392), the English prose over.
    Devanagari and Gujarati run 3 bytes a letter and about one token per letter or two.
    """
    return max(1, round(len(text.encode("utf-8")) / 3))


def render_prompt(settings: Settings, paths: AppPaths, report: Report,
                  history: History | None = None) -> RenderedPrompt:
    """The system and user messages for `report`, from the owner's templates (or the defaults)."""
    payload = build_payload(report, history, is_open=settings.business.is_open)
    payload_json = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    context = {
        "business": settings.business.name if not report.business else report.business,
        "date": report.date.isoformat(),
        "weekday": report.date.strftime("%A"),
        "language": settings.insights.language,
        "currency": report.currency,
        "payload_json": payload_json,
        "payload": payload,
    }
    system = _render("system", load_template(paths, "system"), context)
    user = _render("user", load_template(paths, "user"), context)
    if not user:
        raise TemplateError("user prompt: the template renders to nothing")
    return RenderedPrompt(system, user, payload, payload_json, estimate_tokens(system) + estimate_tokens(user))

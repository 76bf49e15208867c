"""Prompt templates: the bundled defaults, the owner's edited copies, and sandboxed rendering.

The owner may rewrite the prompts (tone, focus, language); their copy in the config folder wins
over the bundled default, and "reset to default" moves it aside as `.bak` rather than deleting it.
Templates are Jinja2 rendered in a sandbox that allows no attribute access and no calls, so a
template pasted from the internet can read the placeholders and nothing else. Any problem becomes a
`TemplateError` whose message names the template and line; the engine then lets the rules write.

Rendering is bounded in time and size, because a careless template can ask for a lot with a little:
four nested loops over `payload_json` (10^12 steps), `|center(999999999)` or `'%999999999s'|format`
(a gigabyte in one call). Three limits, each one idea:
- every operation that can build a value bigger than its inputs (`*`, `+`, `~`, `%`, `**` and the
  filters center, indent, format, wordwrap, replace, join, batch, slice) checks the size first, and
  every filter's result is checked after: no value grows past `MAX_VALUE_CHARS`;
- the output is taken piece by piece and stops at `MAX_PROMPT_CHARS`;
- the template's own code runs under a tracer that stops it after `RENDER_SECONDS`.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..paths import AppPaths
from ..report import Report
from ..resources import resource_path
from ..settings import Settings
from .payload import History, build_payload

TEMPLATE_NAMES = ("system", "user")
PLACEHOLDERS = ("business", "date", "weekday", "language", "currency", "payload_json", "payload")
MAX_REPEAT = 10_000  # a template may not build strings or lists bigger than this with * or **
MAX_TEMPLATE_CHARS = 20_000  # the defaults are about 1,500
MAX_VALUE_CHARS = 50_000  # any string or list a template builds
MAX_PROMPT_CHARS = 50_000  # one rendered message; the demo day's user message is about 1,600
MAX_FORMAT_WIDTH = 200  # '%200s' is formatting; '%999999999s' is an attack
MAX_POWER_BITS = 4_096
RENDER_SECONDS = 2.0


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


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict) else 0


def _too_big(what: str, size: float) -> None:
    if size > MAX_VALUE_CHARS:
        raise SecurityError(f"{what} would make a value of {size:,.0f} characters (at most {MAX_VALUE_CHARS:,})")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_format_widths(spec: Any) -> None:
    for width, precision in _PERCENT_SPEC.findall(str(spec)):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(f"a format width of {number} (at most {MAX_FORMAT_WIDTH})")


def _lines(value: Any) -> int:
    return str(value).count("\n") + 1


# What each size-amplifying filter would build, from its arguments, before it builds it.
_PRECHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "center": lambda a: _too_big("center", max(_size(str(a["value"])), int(a.get("width", 80)))),
    "indent": lambda a: _too_big("indent", _size(str(a["s"])) + _lines(a["s"]) * (
        a.get("width", 4) if isinstance(a.get("width", 4), int) else len(str(a.get("width"))))),
    "format": lambda a: _check_format_widths(a["value"]),
    "wordwrap": lambda a: _too_big("wordwrap", _size(str(a["s"])) * (1 + len(str(a.get("wrapstring") or "\n")))),
    "replace": lambda a: _too_big("replace", _size(str(a["s"])) + (
        (len(str(a["s"])) + 1 if str(a["old"]) == "" else str(a["s"]).count(str(a["old"])))
        * max(len(str(a["new"])) - len(str(a["old"])), 0))),
    "join": lambda a: _too_big("join", sum(_size(str(item)) for item in _listed(a["value"]))
                               + len(_listed(a["value"])) * len(str(a.get("d", "")))),
    "batch": lambda a: _too_big("batch", int(a["linecount"])),
    "slice": lambda a: _too_big("slice", int(a["slices"])),
}


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, str | list | tuple | dict) else []


def _bounded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    precheck = _PRECHECKS.get(name)
    signature = inspect.signature(fn) if precheck else None

    @functools.wraps(fn)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if precheck is not None and signature is not None:
            bound = signature.bind(*args, **kwargs)
            precheck(bound.arguments)
        result = fn(*args, **kwargs)
        _too_big(f"the {name} filter", _size(result))
        return result

    return bounded


class _BoundedBuffer(list):
    """A `{% set %}` block's or macro's captured output: it stops growing at MAX_VALUE_CHARS."""

    size = 0

    def append(self, item: Any) -> None:
        self._grow(item)
        super().append(item)

    def extend(self, items: Any) -> None:
        items = tuple(items)
        for item in items:
            self._grow(item)
        super().extend(items)

    def _grow(self, item: Any) -> None:
        self.size += len(item) if isinstance(item, str) else 0
        _too_big("a {% set %} block", self.size)


class _BoundedConcat(CodeGenerator):
    """`a ~ b` goes through the environment, which checks the size, like the other operators, and
    captured output (`{% set x %}...{% endset %}`, macros) is collected in a buffer that does too."""

    def buffer(self, frame: Any) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.new_buffer()")

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: Any) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _DataOnlySandbox(ImmutableSandboxedEnvironment):
    """Placeholders and item lookup (`payload["sales"]`), nothing else: no attributes, no calls, no
    value bigger than MAX_VALUE_CHARS."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedConcat

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, fn) for name, fn in self.filters.items()}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    @staticmethod
    def new_buffer() -> list[Any]:
        return _BoundedBuffer()

    def concat(self, parts: tuple[Any, ...]) -> str:
        texts = [str(part) for part in parts]
        _too_big("~", sum(len(text) for text in texts))
        return "".join(texts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sizes = [_size(item) for item in (left, right)]
        counts = [item for item in (left, right) if isinstance(item, int) and not isinstance(item, bool)]
        if operator == "**":
            if any(abs(item) > 64 for item in counts):
                raise SecurityError("exponent too large in a prompt template")
            if len(counts) == 2 and abs(left).bit_length() * abs(right) > MAX_POWER_BITS:
                raise SecurityError("a number too large in a prompt template")
        if operator == "*" and any(sizes) and any(abs(item) * max(sizes) > MAX_REPEAT for item in counts):
            raise SecurityError("a prompt template may not repeat text that many times")
        if operator == "+":
            _too_big("+", sum(sizes))
        if operator == "%" and isinstance(left, str):
            _check_format_widths(left)
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


class _TooSlow(Exception):
    pass


def _stop_after(deadline: float) -> Callable[..., Any]:
    """A tracer for the template's own frames only (Jinja compiles them to "<template>"): cheap, and
    it stops a loop that produces nothing, which no output check would see."""

    def in_template(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _TooSlow
        return in_template

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != "<template>":
            return None
        return in_template(frame, event, arg)

    return on_call


def _generate(template: jinja2.Template, context: dict[str, Any], name: str) -> str:
    pieces: list[str] = []
    size = 0
    previous = sys.gettrace()
    sys.settrace(_stop_after(time.monotonic() + RENDER_SECONDS))
    try:
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_PROMPT_CHARS:
                raise TemplateError(f"{name} prompt: it renders to more than {MAX_PROMPT_CHARS:,} characters")
            pieces.append(piece)
    finally:
        sys.settrace(previous)
    return "".join(pieces)


def _render(name: str, source: str, context: dict[str, Any]) -> str:
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"{name} prompt: the template is {len(source):,} characters long "
                            f"(at most {MAX_TEMPLATE_CHARS:,})")
    try:
        return _generate(_ENV.from_string(source), context, name).strip()
    except _TooSlow as exc:
        raise TemplateError(f"{name} prompt: it took longer than {RENDER_SECONDS:g} s to render "
                            "(loops inside loops?)") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{name} prompt, line {exc.lineno}: {exc.message}") from exc
    except SecurityError as exc:
        raise TemplateError(f"{name} prompt: not allowed in a template: {exc}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{name} prompt: {exc.message}; the placeholders are "
                            f"{', '.join(PLACEHOLDERS)}") from exc
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise TemplateError(f"{name} prompt: {str(exc)[:200]}") from exc


# The demo day's payload: the check renders a template against a day of real size, so a template that
# loops over payload_json is timed against real data, not an empty "{}".
SAMPLE_PAYLOAD_JSON = (
    '{"date":"2026-11-24","weekday":"Tuesday","currency":"INR","sales":{"total":142210,"orders":35,'
    '"avg_order":4063,"prev_date":"2026-11-23","prev_total":166110,"prev_orders":37,"change":-23900,'
    '"change_pct":-14.4,"week_ago_total":215430,"week_change":-73220,"week_change_pct":-34.0,'
    '"avg_order_change_pct":-9.5,"avg_7d":175845,"vs_avg_7d_pct":-19.1},"leads":{"count":13,'
    '"prev_date":"2026-11-23","prev_count":13,"change":0,"change_pct":0.0,"week_ago_count":16,'
    '"week_change_pct":-18.8,"avg_7d":11.6,"top_sources":[{"source":"Website","count":6,"share_pct":46.2},'
    '{"source":"Walk-in","count":3,"share_pct":23.1},{"source":"JustDial","count":2,"share_pct":15.4},'
    '{"source":"IndiaMART","count":1,"share_pct":7.7},{"source":"WhatsApp","count":1,"share_pct":7.7}]},'
    '"attendance":{"headcount":24,"present":23,"absent":1,"rate_pct":95.8,"absent_pct":4.2,'
    '"prev_date":"2026-11-23","prev_rate_pct":87.5,"change_pp":8.3,"week_ago_rate_pct":83.3,'
    '"week_change_pp":12.5},"last_7_days":{"date":["11-17","11-18","11-19","11-20","11-21","11-23"],'
    '"sales":[215430,141300,129910,203860,198460,166110],"orders":[34,29,28,38,41,37],'
    '"leads":[16,11,12,14,11,13],"attendance_pct":[83.3,91.7,95.8,87.5,87.5,87.5]}}'
)


def _sample_context() -> dict[str, Any]:
    return {"business": "Sample", "date": "2026-11-24", "weekday": "Tuesday", "language": "English",
            "currency": "INR", "payload_json": SAMPLE_PAYLOAD_JSON, "payload": json.loads(SAMPLE_PAYLOAD_JSON)}


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

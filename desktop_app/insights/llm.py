"""Talking to any OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, llama.cpp, vLLM...).

Only `chat.completions` is used: it is the one API every such server speaks.

The deadline. `[insights] timeout_s` bounds the whole exchange, whatever the server does: the clock
starts before `openai` is imported, and the exchange (import, client, requests, retries, fallbacks)
runs on a thread of its own that the caller stops waiting for at the deadline. httpx's timeouts are
per read, so a server trickling one byte every two seconds would never trip them; the answer is
therefore streamed, and the exchange thread checks the deadline between chunks and closes the
response, so it does not outlive the deadline by more than one read either.

The answer. Structured output is asked for in the best form the endpoint accepts (capability.py
learns and remembers it), with an output cap sized to the answer, and reading stops as soon as the
answer is complete: a small local model that would write until its context is full is cut off there.
The SDK's own retries are off because they would restart the clock on every attempt.

`openai` is imported only when a call is made: it costs a third of a second, which the tray's
start-up should not pay.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..redact import redact_url, redact_urls
from ..secrets import ENV_FALLBACK, Secret, SecretStoreUnavailable, get_secret
from ..settings import InsightsSettings, Settings
from .capability import (
    FORMAT_NAMES,
    FORMATS,
    CapField,
    EndpointMemory,
    Format,
    cap_field_refused,
    default_cap_field,
    format_refused,
    output_cap,
    reasoning_allowance,
)

if TYPE_CHECKING:
    from openai import OpenAI

    from ..paths import AppPaths
    from .prompts import RenderedPrompt

log = logging.getLogger("business_orchestrator.llm")

PROVIDER_PRESETS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "ollama": "http://localhost:11434/v1",
    "lmstudio": "http://localhost:1234/v1",
    "custom": "",
}
NO_PROVIDER = ('no LLM configured: base_url is set but provider is "none"; set [insights] provider '
               '(custom, openai, ollama or lmstudio) to use it')
CONNECT_TIMEOUT_S = 3.0
PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, the SDK insists on one
MIN_ATTEMPT_S = 0.5  # no point starting an attempt with less time than this left
RETRY_WAIT_S = 0.5  # pause before a retry when the server does not say (Retry-After)
MAX_RETRY_WAIT_S = 5.0
TICK_S = 1.0  # how often the caller hears how long the model has been at it
POLL_S = 0.1
GRACE_S = 0.5  # after a complete answer: time for the server's own end (finish, usage), then hang up
MAX_ANSWER_CHARS = 20_000  # far beyond any cap; a server that sends more is cut off here
MAX_BODY_BYTES = 1_000_000
INSIGHTS_SCHEMA: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "daily_insights",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"insights": {"type": "array", "items": {"type": "string"}}},
            "required": ["insights"],
            "additionalProperties": False,
        },
    },
}
# JSON mode carries the schema too: llama-cpp-python's server turns it into a grammar (a 135M model then
# writes {"insights": [...]} instead of any JSON it likes); servers that do not know the field ignore it.
JSON_MODE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"insights": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4}},
    "required": ["insights"],
}
RESPONSE_FORMATS: dict[Format, dict[str, Any] | None] = {
    "json_schema": INSIGHTS_SCHEMA, "json_object": {"type": "json_object", "schema": JSON_MODE_SCHEMA},
    "text": None,
}

Progress = Callable[[str], None]


class LLMError(Exception):
    """The endpoint gave no usable answer; `reason` is what the report says (e.g. "HTTP 500")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Usage:
    prompt: int = 0
    completion: int = 0
    total: int = 0
    estimated: bool = False  # the server sent no usage; counted from the text instead

    def add(self, other: Usage) -> None:
        self.prompt += other.prompt
        self.completion += other.completion
        self.total += other.total
        self.estimated = self.estimated or other.estimated

    def as_dict(self) -> dict[str, int]:
        return {"prompt": self.prompt, "completion": self.completion, "total": self.total}


@dataclass
class LLMAnswer:
    text: str
    structured: bool  # True when the server honoured the structured-output request
    model: str
    usage: Usage = field(default_factory=Usage)
    format: Format = "json_schema"  # what was asked for in the attempt that answered
    finish_reason: str | None = None  # "stop", "length" (the cap), or None when we hung up first
    stopped_early: bool = False  # we closed the stream once the answer was complete
    tool_calls: list[dict[str, str]] = field(default_factory=list)  # [{"name", "arguments"}] when `tools` was sent


@dataclass
class EndpointCheck:
    """What `doctor` prints and the settings dialog's Test button shows."""

    ok: bool
    lines: list[str]
    configured: bool = True

    def __post_init__(self) -> None:
        self.lines = [redact_urls(line) for line in self.lines]  # shown by doctor and the Settings dialog


def endpoint(insights: InsightsSettings) -> str | None:
    """The base URL to call, or None when the owner has not set one up (rules only, no call is made)."""
    if insights.provider == "none":
        return None
    url = insights.base_url.strip() or PROVIDER_PRESETS.get(insights.provider, "")
    return url.rstrip("/") or None


def not_configured_reason(insights: InsightsSettings) -> str | None:
    """Why no call can be made, or None when there is an endpoint and a model."""
    if endpoint(insights) is None:
        if insights.provider == "none" and insights.base_url.strip():
            return NO_PROVIDER
        return "no LLM configured"
    if not insights.model.strip():
        return "no LLM model set ([insights] model)"
    return None


def _is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".local")


def api_key(insights: InsightsSettings) -> tuple[str, str]:
    """The key and where it came from. Local servers get a placeholder; a broken keyring is not fatal."""
    store_problem = None
    try:
        key = get_secret(Secret.LLM_API_KEY)
    except SecretStoreUnavailable as exc:
        key, store_problem = None, exc
    if key:
        return key, "environment (BO_LLM_API_KEY)" if _env_key_set() else "OS keyring"
    if _is_local(endpoint(insights) or ""):
        return PLACEHOLDER_KEY, "none needed (local server; a placeholder is sent)"
    if store_problem is not None:
        raise LLMError("no API key: the OS keyring is unavailable; set the BO_LLM_API_KEY environment variable")
    raise LLMError("no API key (set it in Settings or the BO_LLM_API_KEY environment variable)")


def _env_key_set() -> bool:
    return bool(os.environ.get(ENV_FALLBACK[Secret.LLM_API_KEY]))


def make_client(insights: InsightsSettings, key: str | None = None) -> OpenAI:
    import openai

    return openai.OpenAI(
        base_url=endpoint(insights), api_key=key or api_key(insights)[0], max_retries=0,
        timeout=openai.Timeout(insights.timeout_s, connect=min(CONNECT_TIMEOUT_S, insights.timeout_s)),
    )


def _body(insights: InsightsSettings, messages: list[dict[str, str]], fmt: Format, cap_field: CapField,
          cap: int, temperature: float, *, usage: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {"model": insights.model, "temperature": temperature, "messages": messages,
                            cap_field: cap, "stream": True}
    if usage:
        body["stream_options"] = {"include_usage": True}
    response_format = RESPONSE_FORMATS[fmt]
    if response_format is not None:
        body["response_format"] = response_format
    return body


def request_body(insights: InsightsSettings, prompt: RenderedPrompt, *,
                 paths: AppPaths | None = None) -> dict[str, Any]:
    """The chat.completions arguments: one definition for the real call and for `--show-prompt`, in the
    form the endpoint is known to accept (`paths`: where that is remembered)."""
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    url = endpoint(insights) or ""
    capability = EndpointMemory.for_paths(paths).get(url, insights.model)
    field_name = capability.cap_field or default_cap_field(url, insights.provider)
    return _body(insights, messages, capability.format, field_name, output_cap(insights.language, insights.model),
                 insights.temperature)


class Deadline:
    """One clock for a whole exchange; started by the caller before anything slow happens."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.end = self.started + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def timeout(self) -> Any:
        import openai

        left = max(self.left(), 0.01)
        return openai.Timeout(left, connect=min(CONNECT_TIMEOUT_S, left))


def _error_text(exc: Any) -> str:
    try:
        return exc.response.text[:2_000]
    except Exception:  # a body that cannot be read says nothing about the format
        return str(exc)[:2_000]


def _retry_after(exc: Any) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, ValueError):
        return None


def _json_value(text: str) -> Any:
    """The JSON value the answer starts with (after blanks), or None."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value, _end = json.JSONDecoder().raw_decode(stripped)
    except ValueError:
        return None
    return value


def honours_format(text: str, fmt: Format) -> bool:
    """Did a 200 answer follow the structured request? (Some servers accept `response_format` and ignore it.)"""
    value = _json_value(text)
    if fmt == "json_schema":
        return isinstance(value, dict) and isinstance(value.get("insights"), list)
    return isinstance(value, dict)


def answer_complete(text: str, fmt: Format, bullets: int) -> bool:
    """Is there a whole answer already? A JSON object that has closed, or enough finished lines of text."""
    if fmt != "text" or text.lstrip().startswith(("{", "[")):
        return "}" in text and _json_value(text) is not None
    lines = [line for line in text.split("\n")[:-1] if line.strip()]  # the last line may still be growing
    return len(lines) > bullets


class _Reader:
    """The answer as it arrives: server-sent events, or one JSON body from a server that does not stream."""

    def __init__(self, streamed: bool, fmt: Format, bullets: int):
        self.streamed, self.fmt, self.bullets = streamed, fmt, bullets
        self.buffer = b""
        self.parts: list[str] = []
        self.chars = 0
        self.chunks = 0
        self.model: str | None = None
        self.usage: dict[str, Any] | None = None
        self.finish: str | None = None
        self.done = False
        self.complete_at: float | None = None
        self.after_complete = 0  # content chunks that arrived after the answer was complete
        self.tool_calls: dict[int, dict[str, str]] = {}  # index → {"name", "arguments"}, pieced together

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, data: bytes) -> None:
        self.buffer += data
        if not self.streamed:
            if len(self.buffer) > MAX_BODY_BYTES:
                raise LLMError("unreadable answer from the endpoint (too long)")
            return
        while b"\n" in self.buffer and not self.done:
            line, _sep, self.buffer = self.buffer.partition(b"\n")
            self._line(line.rstrip(b"\r"))
        if len(self.buffer) > MAX_BODY_BYTES:
            raise LLMError("unreadable answer from the endpoint (an event too long)")

    def _line(self, line: bytes) -> None:
        if not line.startswith(b"data:"):
            return  # comments, event names, keep-alives
        data = line[5:].strip()
        if data == b"[DONE]":
            self.done = True
            return
        try:
            event = json.loads(data)
        except ValueError as exc:
            raise LLMError("unreadable answer from the endpoint") from exc
        if not isinstance(event, dict):
            raise LLMError("unreadable answer from the endpoint")
        if event.get("error"):
            error = event["error"]
            message = error.get("message", "") if isinstance(error, dict) else str(error)
            raise _StreamError(str(message)[:200])
        self.model = event.get("model") or self.model
        if event.get("usage"):
            self.usage = event["usage"]
        choices = event.get("choices") or []
        choice = choices[0] if choices and isinstance(choices[0], dict) else {}
        delta = choice.get("delta") or {}
        content = delta.get("content")
        if isinstance(content, str) and content:
            self._content(content)
        self._tool_deltas(delta.get("tool_calls"))
        if choice.get("finish_reason"):
            self.finish = choice["finish_reason"]

    def _tool_deltas(self, deltas: Any) -> None:
        """Streamed tool calls come in pieces: the name once, the arguments' JSON a few characters at a time."""
        for position, delta in enumerate(deltas if isinstance(deltas, list) else []):
            if not isinstance(delta, dict):
                continue
            index = delta.get("index") if isinstance(delta.get("index"), int) else position
            call = self.tool_calls.setdefault(index, {"name": "", "arguments": ""})
            function = delta.get("function") or {}
            if isinstance(function.get("name"), str):
                call["name"] += function["name"]
            if isinstance(function.get("arguments"), str):
                call["arguments"] += function["arguments"]
            self.chunks += 1

    def _content(self, content: str) -> None:
        if self.complete_at is not None:
            self.after_complete += 1
            return  # the answer is whole; anything more is a runaway model
        self.parts.append(content)
        self.chars += len(content)
        self.chunks += 1
        if self.chars >= MAX_ANSWER_CHARS or answer_complete(self.text, self.fmt, self.bullets):
            self.complete_at = time.monotonic()

    def should_stop(self, wants_usage: bool) -> bool:
        if self.done:
            return True
        if self.complete_at is None:
            return False
        if self.after_complete or time.monotonic() - self.complete_at > GRACE_S:
            return True
        return self.finish is not None and (self.usage is not None or not wants_usage)

    def finish_body(self) -> None:
        """A plain JSON completion (the server ignored `stream`): the same fields, all at once."""
        if self.streamed:
            return
        try:
            completion = json.loads(self.buffer)
        except ValueError as exc:
            raise LLMError("unreadable answer from the endpoint") from exc
        choices = completion.get("choices") if isinstance(completion, dict) else None
        if not choices or not isinstance(choices[0], dict):
            raise LLMError("unreadable answer (no choices)")
        message = choices[0].get("message") or {}
        content = message.get("content") if isinstance(message, dict) else None
        self.parts = [content] if isinstance(content, str) else []
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        self._tool_deltas([{"index": index, **call} for index, call in enumerate(calls or [])
                           if isinstance(call, dict)])
        self.model = completion.get("model")
        self.usage = completion.get("usage") if isinstance(completion.get("usage"), dict) else None
        self.finish = choices[0].get("finish_reason")


class _StreamError(Exception):
    """An error event inside a 200 stream (llama.cpp and vLLM report some failures that way)."""


class _Exchange:
    """One request-answer exchange, retries and fallbacks included, run on its own thread.

    The caller reads `phase`, `tokens` for progress and `answer` / `error` once the thread has ended;
    `abandon()` tells the thread to hang up at its next chunk.
    """

    def __init__(self, insights: InsightsSettings, messages: list[dict[str, str]], deadline: Deadline, *,
                 memory: EndpointMemory, prompt_tokens: int, cap: int | None = None,
                 temperature: float | None = None, client_factory: Callable[[], OpenAI] | None = None,
                 tools: list[dict[str, Any]] | None = None, fixed_format: Format | None = None):
        self.insights = insights
        self.tools = tools  # sent as `tools`: the answer is then a tool call, not text
        self.fixed_format = fixed_format  # asked for as it is, and nothing learned about the endpoint
        self.messages = messages
        self.deadline = deadline
        self.memory = memory
        self.prompt_tokens = prompt_tokens
        self.cap = cap or output_cap(insights.language, insights.model)
        self.temperature = insights.temperature if temperature is None else temperature
        self.client_factory = client_factory
        self.url = endpoint(insights) or ""
        self.phase = "starting"
        self.fmt: Format = "json_schema"
        self.reader: _Reader | None = None
        self.answer: LLMAnswer | None = None
        self.error: LLMError | None = None
        self.attempts: list[str] = []  # one line per attempt, for the Test button and doctor
        self.capability = memory.get(self.url, insights.model)
        self._abandoned = threading.Event()

    @property
    def tokens(self) -> int:
        return self.reader.chunks if self.reader is not None else 0

    def abandon(self) -> None:
        self._abandoned.set()

    def run(self) -> None:
        try:
            self.answer = self._run()
        except LLMError as exc:
            self.error = exc
        except Exception as exc:  # the report must go out; the traceback goes to the log
            log.exception("LLM exchange failed unexpectedly")
            self.error = LLMError(f"unexpected error ({exc.__class__.__name__}: {str(exc)[:120]})")

    def _timed_out(self) -> LLMError:
        return LLMError(f"timeout after {self.insights.timeout_s:g} s")

    def _run(self) -> LLMAnswer:
        self.phase = "connecting"
        import openai

        client = self.client_factory() if self.client_factory else make_client(self.insights)
        capability = self.capability
        fmt: Format = self.fixed_format or capability.format
        cap_field: CapField = capability.cap_field or default_cap_field(self.url, self.insights.provider)
        wants_usage = True
        cap_switched = False
        retries_left = self.insights.max_retries
        learned = False  # worth writing down even if this exchange ends without an answer
        while True:
            if self.deadline.left() < MIN_ATTEMPT_S / 5:
                raise self._timed_out()
            body = _body(self.insights, self.messages, fmt, cap_field, self.cap, self.temperature, usage=wants_usage)
            if self.tools:
                body["tools"] = self.tools
            try:
                reader = self._attempt(client, body, fmt, wants_usage)
            except openai.APIStatusError as exc:
                status, text = exc.status_code, _error_text(exc)
                self.attempts.append(f"{FORMAT_NAMES[fmt]}: HTTP {status}")
                other = cap_field_refused(status, text, cap_field)
                if other is not None and not cap_switched:
                    log.info("endpoint wants %s instead of %s", other, cap_field)
                    cap_field = capability.cap_field = other
                    cap_switched = learned = True
                    continue
                if wants_usage and status in (400, 422) and "stream_options" in text:
                    wants_usage = False
                    continue
                if fmt != "text" and format_refused(status, text):
                    log.info("endpoint refused %s (HTTP %s); trying %s", fmt, status, FORMATS[FORMATS.index(fmt) + 1])
                    capability.notes[fmt] = f"refused (HTTP {status})"
                    fmt = capability.format = FORMATS[FORMATS.index(fmt) + 1]
                    learned = learned or status >= 500 or "response_format" in text or "json" in text.lower()
                    if self.deadline.left() >= MIN_ATTEMPT_S:
                        continue
                    self._remember(learned)
                    raise LLMError(f"HTTP {status}") from exc
                if (status == 429 or status >= 500) and self._may_retry(retries_left, _retry_after(exc)):
                    retries_left -= 1
                    continue
                self._remember(learned)
                raise LLMError(f"HTTP {status}") from exc
            except openai.APITimeoutError as exc:
                raise self._timed_out() from exc
            except openai.APIConnectionError as exc:
                if self._abandoned.is_set() or self.deadline.left() <= 0:
                    raise self._timed_out() from exc
                if self._may_retry(retries_left, None):
                    retries_left -= 1
                    continue
                raise LLMError(f"cannot connect to {redact_url(self.url)}") from exc
            except _StreamError as exc:
                self.attempts.append(f"{FORMAT_NAMES[fmt]}: error in the stream")
                if fmt != "text" and format_refused(500, str(exc)):
                    capability.notes[fmt] = "refused (error in the stream)"
                    fmt = capability.format = FORMATS[FORMATS.index(fmt) + 1]
                    learned = True
                    continue
                raise LLMError(f"endpoint error: {exc}") from exc
            except openai.APIResponseValidationError as exc:
                raise LLMError("unreadable answer from the endpoint") from exc
            return self._answer(reader, fmt)

    def _may_retry(self, retries_left: int, asked: float | None) -> bool:
        wait = min(asked if asked is not None else RETRY_WAIT_S, MAX_RETRY_WAIT_S)
        if retries_left <= 0 or self.deadline.left() - wait < MIN_ATTEMPT_S:
            return False
        log.info("LLM call failed; retrying in %.1f s", wait)
        time.sleep(wait)
        return True

    def _attempt(self, client: OpenAI, body: dict[str, Any], fmt: Format, wants_usage: bool) -> _Reader:
        self.phase = "connecting"
        self.fmt = fmt
        streaming = client.chat.completions.with_streaming_response
        with streaming.create(**body, timeout=self.deadline.timeout()) as response:
            streamed = "event-stream" in response.headers.get("content-type", "")
            reader = self.reader = _Reader(streamed, fmt, bullets=6)
            self.phase = "reading"
            try:
                for data in response.iter_bytes():
                    if self._abandoned.is_set() or self.deadline.left() <= 0:
                        if reader.complete_at is not None:
                            break
                        raise self._timed_out()
                    reader.feed(data)
                    if reader.chunks:
                        self.phase = "writing"
                    if reader.should_stop(wants_usage):
                        break
            except (LLMError, _StreamError):
                raise
            except Exception as exc:  # a read timeout or a reset while the answer streams in
                if reader.complete_at is None:
                    if self._abandoned.is_set() or self.deadline.left() <= 0:
                        raise self._timed_out() from exc
                    raise LLMError(f"the endpoint broke off its answer ({exc.__class__.__name__})") from exc
            # leaving the block closes the response: a server still writing sees the hang-up
        if streamed and not reader.done and reader.finish is None and reader.complete_at is None:
            raise LLMError("the endpoint broke off its answer (no end of stream)")
        reader.finish_body()
        return reader

    def complete_answer(self) -> LLMAnswer | None:
        """The answer, taken by the waiting caller once it has been complete for GRACE_S while the server
        went quiet instead of ending its stream (the thread is then abandoned)."""
        reader = self.reader
        if reader is None or reader.complete_at is None or time.monotonic() - reader.complete_at < GRACE_S:
            return None
        try:
            return self._answer(reader, self.fmt)
        except LLMError:
            return None

    def _answer(self, reader: _Reader, fmt: Format) -> LLMAnswer:
        text = reader.text.strip()
        if self.tools is not None or self.fixed_format is not None:
            calls = [reader.tool_calls[index] for index in sorted(reader.tool_calls)]
            if not text and not calls:
                raise LLMError("empty answer")
            return LLMAnswer(text, False, reader.model or self.insights.model, self._usage(reader, text), fmt,
                             reader.finish, reader.complete_at is not None and reader.finish is None, calls)
        if not text:
            raise LLMError("empty answer" if reader.finish != "length" else
                           f"empty answer (the output cap of {self.cap} tokens was reached)")
        capability = self.capability
        honoured = fmt != "text" and honours_format(text, fmt)
        if fmt != "text" and not (reader.finish == "length" and text.startswith(("{", "["))):
            # (JSON cut off by the output cap says nothing about whether the form was followed)
            capability.notes[fmt] = "honoured" if honoured else "ignored"
            if not honoured:
                capability.format = FORMATS[FORMATS.index(fmt) + 1]
        else:
            capability.notes["text"] = "used"
        self._remember(True)
        return LLMAnswer(text, honoured, reader.model or self.insights.model, self._usage(reader, text), fmt,
                         reader.finish, reader.complete_at is not None and reader.finish is None)

    def _remember(self, learned: bool) -> None:
        if learned:
            self.memory.put(self.url, self.insights.model, self.capability)

    def _usage(self, reader: _Reader, text: str) -> Usage:
        usage = reader.usage or {}
        if usage.get("total_tokens"):
            return Usage(usage.get("prompt_tokens") or 0, usage.get("completion_tokens") or 0, usage["total_tokens"])
        from .prompts import estimate_tokens

        completion = max(reader.chunks, estimate_tokens(text))
        return Usage(self.prompt_tokens, completion, self.prompt_tokens + completion, True)


def _describe(exchange: _Exchange, deadline: Deadline) -> str:
    model = exchange.insights.model
    seconds = f"{deadline.elapsed():.0f} s of {deadline.seconds:g} s"
    if exchange.phase == "writing":
        return f"{model} is writing, {exchange.tokens} tokens, {seconds}"
    if exchange.phase == "reading":
        return f"{model} is reading the prompt, {seconds}"
    return f"asking {model}, {seconds}"


def exchange(insights: InsightsSettings, messages: list[dict[str, str]], deadline: Deadline, *,
             memory: EndpointMemory, prompt_tokens: int, progress: Progress | None = None, step: str = "",
             cap: int | None = None, temperature: float | None = None,
             client_factory: Callable[[], OpenAI] | None = None, tools: list[dict[str, Any]] | None = None,
             fixed_format: Format | None = None) -> tuple[LLMAnswer | None, _Exchange]:
    """Run one exchange on its own thread and wait for it at most until `deadline`.

    Returns the answer (None when the exchange failed: its `error` says why) and the exchange. A
    `progress` callback hears "<step> (<model> is writing, 40 tokens, 12 s of 30 s)" every second;
    if it raises (the owner pressed Cancel), the exchange is abandoned and the exception goes on.
    """
    job = _Exchange(insights, messages, deadline, memory=memory, prompt_tokens=prompt_tokens, cap=cap,
                    temperature=temperature, client_factory=client_factory, tools=tools, fixed_format=fixed_format)
    worker = threading.Thread(target=job.run, name="llm-exchange", daemon=True)
    worker.start()
    early: LLMAnswer | None = None
    next_tick = time.monotonic() + TICK_S
    try:
        while worker.is_alive() and deadline.left() > 0:
            worker.join(min(POLL_S, max(deadline.left(), 0)))
            if not worker.is_alive():
                break
            early = job.complete_answer()
            if early is not None:
                break
            if progress is not None and time.monotonic() >= next_tick:
                next_tick += TICK_S
                progress(f"{step} ({_describe(job, deadline)})")
    finally:
        if worker.is_alive():
            job.abandon()  # the thread hangs up at its next chunk; nobody waits for it
    if not worker.is_alive():
        return job.answer, job
    early = early or job.complete_answer()
    if early is None:
        job.error = LLMError(f"timeout after {insights.timeout_s:g} s")
    return early, job


def ask_for_insights(insights: InsightsSettings, prompt: RenderedPrompt, *, paths: AppPaths | None = None,
                     progress: Progress | None = None, deadline: Deadline | None = None,
                     step: str = "Writing insights…") -> LLMAnswer:
    """One answer within `timeout_s`, in the best structured form the endpoint accepts.

    Raises LLMError with the report's reason: "timeout after 30 s", "HTTP 429", "cannot connect…",
    "unreadable answer", "empty answer".
    """
    deadline = deadline or Deadline(insights.timeout_s)
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    answer, job = exchange(insights, messages, deadline, memory=EndpointMemory.for_paths(paths),
                           prompt_tokens=prompt.tokens_estimate, progress=progress, step=step)
    if answer is None:
        assert job.error is not None
        raise job.error
    return answer


PROBE_MESSAGES = [
    {"role": "system", "content": 'Answer with JSON only, exactly: {"insights": ["OK"]}'},
    {"role": "user", "content": "Reply OK."},
]
PROBE_CAP = 24


def check_endpoint(settings: Settings, paths: AppPaths | None = None) -> EndpointCheck:
    """Reachable, model listed, what structured output it accepts, one test completion: a line each."""
    from ..paths import app_paths

    deadline = Deadline(settings.insights.timeout_s)
    import openai

    insights = settings.insights
    why_not = not_configured_reason(insights)
    if endpoint(insights) is None:
        return EndpointCheck(False, [f"off ({why_not}); the rules write the insights"], configured=False)
    url = endpoint(insights) or ""
    lines = [f"endpoint: {url} (provider {insights.provider})"]
    if why_not:
        return EndpointCheck(False, [*lines, why_not])
    try:
        key, source = api_key(insights)
    except LLMError as exc:
        return EndpointCheck(False, [*lines, exc.reason])
    lines.append(f"API key: {source}")
    client = make_client(insights, key)
    ok = True
    try:
        models = [model.id for model in client.models.list(timeout=deadline.timeout())]
    except openai.APITimeoutError:
        return EndpointCheck(False, [*lines, f"not reachable: no answer within {insights.timeout_s:g} s"])
    except openai.APIConnectionError as exc:
        return EndpointCheck(False, [*lines, f"not reachable: {exc.__cause__ or exc}"])
    except openai.APIStatusError as exc:
        lines.append(f"reachable, but listing models gave HTTP {exc.status_code} (some servers do not list them)")
    else:
        lines.append(f"reachable: {len(models)} model(s) listed")
        if insights.model in models:
            lines.append(f"model '{insights.model}' is listed")
        else:
            ok = False
            shown = ", ".join(models[:8]) + (", …" if len(models) > 8 else "")
            lines.append(f"model '{insights.model}' is NOT listed (available: {shown or 'none'})")
    memory = EndpointMemory.for_paths(paths or app_paths())
    memory.forget(url, insights.model)  # learn afresh: the server may have changed since
    started = time.monotonic()
    answer, job = exchange(insights, PROBE_MESSAGES, deadline, memory=memory, prompt_tokens=30,
                           cap=PROBE_CAP + reasoning_allowance(insights.model), temperature=0,
                           client_factory=lambda: client)
    capability = job.capability
    if capability.notes:
        lines.append(f"structured output: {capability.describe()}")
    cap_field = capability.cap_field or default_cap_field(url, insights.provider)
    if answer is None:
        assert job.error is not None
        reason = job.error.reason
        if reason.startswith("timeout"):
            return EndpointCheck(False, [*lines, f"test completion: no answer within {insights.timeout_s:g} s"])
        return EndpointCheck(False, [*lines, f"test completion failed: {reason}"])
    lines.append(f"output cap: sent as {cap_field}")
    elapsed = time.monotonic() - started
    from .answer import parse_bullets

    bullets = parse_bullets(answer.text)
    first_line = (bullets[0] if bullets else (answer.text.splitlines() or [""])[0])[:60]
    lines.append(f"test completion: '{first_line}' in {elapsed:.1f} s")
    return EndpointCheck(ok, lines)

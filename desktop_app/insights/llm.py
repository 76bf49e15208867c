"""Talking to any OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, llama.cpp, vLLM...).

Only `chat.completions` is used: it is the one API every such server speaks. The whole exchange,
retries and the plain-text fallback included, fits in `[insights] timeout_s`, so a slow or dead
server delays the evening report by at most that much; the SDK's own retries are off because they
would restart the clock on every attempt. Structured output (a JSON schema) is asked for first; a
server that rejects `response_format` with 400 is asked again for plain text.

`openai` is imported only when a call is made: it costs a third of a second, which the tray's
start-up should not pay.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..redact import redact_url, redact_urls
from ..secrets import ENV_FALLBACK, Secret, SecretStoreUnavailable, get_secret
from ..settings import InsightsSettings, Settings

if TYPE_CHECKING:
    from openai import OpenAI

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
    structured: bool  # True when the server honoured the JSON schema
    model: str
    usage: Usage = field(default_factory=Usage)


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


def request_body(insights: InsightsSettings, prompt: RenderedPrompt, *, structured: bool = True) -> dict[str, Any]:
    """The chat.completions arguments: one definition for the real call and for `--show-prompt`."""
    body: dict[str, Any] = {
        "model": insights.model,
        "temperature": insights.temperature,
        "messages": [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
    }
    if structured:
        body["response_format"] = INSIGHTS_SCHEMA
    return body


def _status_reason(exc: Any) -> str:
    return f"HTTP {exc.status_code}"


def _retry_after(exc: Any) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, ValueError):
        return None


def _usage(completion: Any, prompt: RenderedPrompt, text: str) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is not None and getattr(usage, "total_tokens", None):
        return Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0, usage.total_tokens or 0)
    from .prompts import estimate_tokens

    completion_tokens = estimate_tokens(text) if text else 0
    return Usage(prompt.tokens_estimate, completion_tokens, prompt.tokens_estimate + completion_tokens, True)


def _answer_text(completion: Any) -> str:
    choices = getattr(completion, "choices", None)
    if not choices:
        raise LLMError("unreadable answer (no choices)")
    message = getattr(choices[0], "message", None)
    return (getattr(message, "content", None) or "").strip()


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def timeout(self) -> Any:
        import openai

        left = max(self.left(), 0.01)
        return openai.Timeout(left, connect=min(CONNECT_TIMEOUT_S, left))


def ask_for_insights(insights: InsightsSettings, prompt: RenderedPrompt, *,
                     client: OpenAI | None = None) -> LLMAnswer:
    """One answer within `timeout_s`: structured first, plain text if the server rejects the schema.

    Raises LLMError with the report's reason: "timeout after 30 s", "HTTP 429", "cannot connect…",
    "unreadable answer", "empty answer".
    """
    import openai

    client = client or make_client(insights)
    deadline = _Deadline(insights.timeout_s)
    structured = True
    retries_left = insights.max_retries
    spent = Usage()
    while True:
        try:
            completion = client.chat.completions.create(**request_body(insights, prompt, structured=structured),
                                                        timeout=deadline.timeout())
        except openai.BadRequestError as exc:
            if structured:
                log.info("endpoint rejected response_format (%s); asking for plain text", exc.status_code)
                structured = False
                if deadline.left() >= MIN_ATTEMPT_S:
                    continue
            raise LLMError(_status_reason(exc)) from exc
        except openai.APITimeoutError as exc:
            raise LLMError(f"timeout after {insights.timeout_s:g} s") from exc
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
            is_status = isinstance(exc, openai.APIStatusError)
            reason = _status_reason(exc) if is_status else f"cannot connect to {redact_url(endpoint(insights) or '')}"
            asked = _retry_after(exc) if is_status else None
            wait = min(asked if asked is not None else RETRY_WAIT_S, MAX_RETRY_WAIT_S)
            if retries_left > 0 and deadline.left() - wait >= MIN_ATTEMPT_S:
                retries_left -= 1
                log.info("LLM call failed (%s); retrying in %.1f s", reason, wait)
                time.sleep(wait)
                continue
            raise LLMError(reason) from exc
        except openai.APIStatusError as exc:
            raise LLMError(_status_reason(exc)) from exc
        except (openai.APIResponseValidationError, ValueError) as exc:
            raise LLMError("unreadable answer from the endpoint") from exc
        text = _answer_text(completion)
        spent.add(_usage(completion, prompt, text))
        if not text:
            raise LLMError("empty answer")
        return LLMAnswer(text, structured, getattr(completion, "model", None) or insights.model, spent)


def check_endpoint(settings: Settings) -> EndpointCheck:
    """Reachable, model listed, one-line test completion: each step one line for a person to read."""
    import openai

    insights = settings.insights
    why_not = not_configured_reason(insights)
    if endpoint(insights) is None:
        return EndpointCheck(False, [f"off ({why_not}); the rules write the insights"], configured=False)
    url = endpoint(insights)
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
        models = [model.id for model in client.models.list(timeout=_Deadline(insights.timeout_s).timeout())]
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
    started = time.monotonic()
    try:
        completion = client.chat.completions.create(
            model=insights.model, temperature=0, timeout=_Deadline(insights.timeout_s).timeout(),
            messages=[{"role": "user", "content": "Reply with the single word OK."}],
        )
        text = _answer_text(completion)
    except openai.APITimeoutError:
        return EndpointCheck(False, [*lines, f"test completion: no answer within {insights.timeout_s:g} s"])
    except openai.APIStatusError as exc:
        return EndpointCheck(False, [*lines, f"test completion failed: HTTP {exc.status_code}"])
    except (openai.APIError, LLMError, ValueError) as exc:
        return EndpointCheck(False, [*lines, f"test completion failed: {exc}"])
    elapsed = time.monotonic() - started
    first_line = (text.splitlines() or [""])[0][:60]
    if not first_line:
        return EndpointCheck(False, [*lines, "test completion: empty answer"])
    lines.append(f"test completion: '{first_line}' in {elapsed:.1f} s")
    return EndpointCheck(ok, lines)

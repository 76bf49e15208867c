"""What an OpenAI-compatible endpoint accepts, learned once and remembered per base URL and model.

Servers differ in structured output: OpenAI and LM Studio honour a JSON schema, llama-cpp-python's
server refuses it with HTTP 500 but accepts JSON mode, others refuse with 400 or 422, and some answer
200 and ignore it. Each report would pay for a refused attempt, so the first refusal (however it is
coded) moves the endpoint one step down `FORMATS` and the step is kept in `llm_endpoints.json` in the
data folder. The output cap's field is learned the same way: `max_tokens` almost everywhere,
`max_completion_tokens` where OpenAI's newer models require it.

The file is a small JSON map; losing it only costs one refused attempt, so it is rewritten whole.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..paths import AppPaths

log = logging.getLogger("business_orchestrator.llm")

Format = Literal["json_schema", "json_object", "text"]
FORMATS: tuple[Format, ...] = ("json_schema", "json_object", "text")
FORMAT_NAMES = {"json_schema": "JSON schema", "json_object": "JSON mode", "text": "plain text"}
CapField = Literal["max_tokens", "max_completion_tokens"]

# A 5xx is a refusal of structured output only when its body says so (llama-cpp-python's 500 reads
# "Input should be 'text' or 'json_object'"); a bare 500 is a server error, retried as such.
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|structured output|"
                           r"input should be 'text'", re.IGNORECASE)
_WANTS_COMPLETION_CAP = re.compile(r"max_tokens.{0,120}max_completion_tokens|"
                                   r"max_completion_tokens.{0,120}instead", re.IGNORECASE | re.DOTALL)
_REJECTS_COMPLETION_CAP = re.compile(r"max_completion_tokens", re.IGNORECASE)
_REASONING_MODEL = re.compile(r"^(o\d|gpt-5)", re.IGNORECASE)

# The answer is at most four bullets of one or two sentences in JSON: about 260 tokens in English.
# Scripts such as Devanagari or Gujarati take 2-3 times the tokens per letter in most tokenizers.
ANSWER_TOKENS = 320
OTHER_SCRIPT_FACTOR = 3
REASONING_ALLOWANCE = 2_000  # o-series and gpt-5 spend hidden reasoning tokens out of the same cap
LATIN_LANGUAGES = {"english", "hinglish", "french", "german", "spanish", "portuguese", "italian", "dutch",
                   "indonesian", "malay", "swahili"}


def format_refused(status: int, body: str) -> bool:
    """Does this HTTP error refuse `response_format`? 400 and 422 always count (servers word them in
    too many ways), a 5xx only when its body names the structured-output request."""
    return status in (400, 422) or (status >= 500 and bool(_FORMAT_WORDS.search(body)))


def cap_field_refused(status: int, body: str, field_sent: CapField) -> CapField | None:
    """The other cap field when the server refused the one sent, else None."""
    if status not in (400, 422):
        return None
    if field_sent == "max_tokens" and _WANTS_COMPLETION_CAP.search(body):
        return "max_completion_tokens"
    if field_sent == "max_completion_tokens" and _REJECTS_COMPLETION_CAP.search(body):
        return "max_tokens"
    return None


def default_cap_field(base_url: str, provider: str) -> CapField:
    host = (urlsplit(base_url).hostname or "").lower()
    official = provider == "openai" or host == "api.openai.com" or host.endswith(".openai.azure.com")
    return "max_completion_tokens" if official else "max_tokens"


def reasoning_allowance(model: str) -> int:
    return REASONING_ALLOWANCE if _REASONING_MODEL.match(model.strip()) else 0


def output_cap(language: str, model: str) -> int:
    """Tokens enough for the answer and no more: a runaway model stops there."""
    cap = ANSWER_TOKENS
    if language.strip().lower() not in LATIN_LANGUAGES:
        cap *= OTHER_SCRIPT_FACTOR
    return cap + reasoning_allowance(model)


def endpoint_key(base_url: str, model: str) -> str:
    """Scheme, host, port and path only: user info and query strings (keys) never reach the file."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')} {model}"


@dataclass
class Capability:
    """What is known about one endpoint and model."""

    format: Format = "json_schema"  # the first format to ask for
    cap_field: CapField | None = None  # None: not learned, use the default for the host
    notes: dict[str, str] = field(default_factory=dict)  # format -> "honoured" / "ignored" / "refused (HTTP 500)"
    learned_at: str | None = None

    def describe(self) -> str:
        """One line for doctor and the Test button, e.g. "JSON schema refused (HTTP 500); JSON mode honoured"."""
        parts = [f"{FORMAT_NAMES[name]} {self.notes[name]}" for name in FORMATS if name in self.notes]
        return "; ".join(parts) or f"not learned yet (will try {FORMAT_NAMES[self.format]} first)"


class EndpointMemory:
    """The learned capabilities, one JSON file per data folder; safe to share between threads."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None):
        self.path = path

    @classmethod
    def for_paths(cls, paths: AppPaths | None) -> EndpointMemory:
        return cls(paths.data / "llm_endpoints.json" if paths is not None else None)

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, base_url: str, model: str) -> Capability:
        entry = self._read().get(endpoint_key(base_url, model))
        if not isinstance(entry, dict):
            return Capability()
        try:
            capability = Capability(**entry)
        except TypeError:
            return Capability()
        if capability.format not in FORMATS:
            capability.format = "json_schema"
        if capability.cap_field not in (None, "max_tokens", "max_completion_tokens"):
            capability.cap_field = None
        return capability

    def put(self, base_url: str, model: str, capability: Capability) -> None:
        if self.path is None:
            return
        capability.learned_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._lock:
            data = self._read()
            data[endpoint_key(base_url, model)] = asdict(capability)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".llm_endpoints-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, indent=1, ensure_ascii=False)
                os.replace(tmp, self.path)
            except OSError as exc:  # only costs a refused attempt next time
                log.warning("could not remember what the endpoint accepts (%s)", exc)

    def forget(self, base_url: str, model: str) -> None:
        if self.path is None:
            return
        with self._lock:
            data = self._read()
            if data.pop(endpoint_key(base_url, model), None) is not None:
                try:
                    self.path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
                except OSError as exc:
                    log.warning("could not update %s (%s)", self.path, exc)

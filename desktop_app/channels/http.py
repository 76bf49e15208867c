"""One JSON POST with a timeout, for the webhook and Graph API channels (the standard library is enough).

Network failures become `ChannelError`s: refused or unresolvable means nothing was sent; a break or a
timeout after the request went out may mean it arrived, so the retry is marked a possible duplicate.
The URL is never quoted in an error: a Slack webhook URL is itself the secret.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from .base import ChannelError

USER_AGENT = "BusinessOrchestrator/1 (+desktop tray app)"


@dataclass
class Answer:
    status: int
    headers: Message
    text: str

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def check_url(url: str, what: str) -> None:
    """Only https leaves this machine; plain http only to this machine itself (a local test server)."""
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ChannelError("credentials", f"The {what} must start with https://; check it in Settings → Channels.")


def post_json(url: str, payload: Any, *, timeout: float, what: str, headers: dict[str, str] | None = None) -> Answer:
    """POST `payload` as JSON; any HTTP status comes back as an Answer, network trouble as ChannelError."""
    check_url(url, what)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.headers, exc.read().decode("utf-8", "replace"))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror | ConnectionRefusedError):
            raise ChannelError("network", f"{what} could not be reached ({_why(reason)}); trying again later",
                               retry=True, whole_channel=True) from None
        raise ChannelError("network", f"the connection to {what} broke ({_why(reason)}); trying again later",
                           retry=True, maybe_sent=True, whole_channel=True) from None
    except (TimeoutError, ConnectionError, OSError) as exc:
        raise ChannelError("network", f"{what} did not answer in time ({_why(exc)}); trying again later",
                           retry=True, maybe_sent=True, whole_channel=True) from None


def _why(reason: object) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return str(reason).split("] ")[-1][:120] or reason.__class__.__name__


def retry_after(answer: Answer, default: int = 60) -> int:
    """Seconds from a Retry-After header (numbers only; Slack and Meta send seconds)."""
    value = (answer.headers.get("Retry-After") or "").strip() if answer.headers else ""
    return int(value) if value.isdigit() else default

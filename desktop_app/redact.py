"""Credentials out of every URL the app prints, logs or stores.

Owners paste endpoints as they got them: `https://user:PASS@host/v1?api-key=KEY`. Such a URL
must work when called, but what we show or keep of it (the log, the history, the report and so
Telegram, `doctor`) has the user info and every key-like query value replaced by `***`.
One helper for one URL (`redact_url`) and one for free text that may quote URLs (`redact_urls`),
for error messages from HTTP libraries that include the address they tried.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
# Query or fragment names whose values are secrets. Compared lower-case with '-', '_' and '.' removed.
_SECRET_NAMES = frozenset({
    "key", "apikey", "token", "accesstoken", "refreshtoken", "idtoken", "authtoken", "bottoken", "secret",
    "clientsecret", "password", "passwd", "pass", "pwd", "sig", "signature", "auth", "authorization",
    "credential", "credentials", "session", "sessionid", "sid", "code", "hash", "apihash",
})
_SECRET_ENDINGS = ("key", "token", "secret", "password", "signature", "credential")
_URL = re.compile(r"""\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>"'`\\]+""")


def is_secret_name(name: str) -> bool:
    norm = re.sub(r"[-_.\s]", "", name).lower()
    return norm in _SECRET_NAMES or norm.endswith(_SECRET_ENDINGS)


def _redact_pairs(text: str) -> str:
    parts = []
    for part in text.split("&"):
        name, sep, value = part.partition("=")
        parts.append(f"{name}={MASK}" if sep and value and is_secret_name(name) else part)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """`url` with its user info and key-like query (and fragment) values replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL we can take apart: hide everything after the scheme
        return re.sub(r"://.*", f"://{MASK}", url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = _redact_pairs(parts.query) if parts.query else ""
    fragment = _redact_pairs(parts.fragment) if "=" in parts.fragment else parts.fragment
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url  # untouched, byte for byte
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def redact_urls(text: str) -> str:
    """Every URL inside `text` redacted (an error message, a log line, a report's JSON)."""
    if "://" not in text:
        return text
    return _URL.sub(lambda match: redact_url(match.group(0)), text)


def has_credentials(url: str) -> bool:
    return redact_url(url) != url


class RedactingFormatter(logging.Formatter):
    """The app log's formatter: messages and tracebacks pass through `redact_urls` on their way to the file."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_urls(super().format(record))


def redact_report(report) -> None:
    """Everything of a report that may quote an address (a failing endpoint, a live source), redacted in place
    before it is rendered, saved or sent."""
    report.engine_reason = redact_urls(report.engine_reason) if report.engine_reason else report.engine_reason
    report.warnings[:] = [redact_urls(warning) for warning in report.warnings]
    report.insights[:] = [redact_urls(bullet) for bullet in report.insights]
    for status in report.sources:
        redact_status(status)


def redact_status(status) -> None:
    """A source's address and message as doctor, the report and the summary window show them."""
    status.path = redact_urls(status.path) if status.path else status.path
    status.message = redact_urls(status.message) if status.message else status.message

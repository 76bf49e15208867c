"""URLs as the app shows and keeps them: no user info, no key-like query values (issue 11, item 9)."""

from __future__ import annotations

import logging

import pytest

from desktop_app.redact import RedactingFormatter, has_credentials, redact_url, redact_urls


@pytest.mark.parametrize(("url", "shown"), [
    ("https://user:PASS@host/v1?api-key=KEY", "https://***@host/v1?api-key=***"),
    ("https://host/v1?key=K1&model=m&api_key=K2", "https://host/v1?key=***&model=m&api_key=***"),
    ("https://host/x?token=T&access_token=A&secret=S&password=P&sig=G",
     "https://host/x?token=***&access_token=***&secret=***&password=***&sig=***"),
    ("https://host/x?X-Amz-Signature=abc&X-Amz-Date=20261124", "https://host/x?X-Amz-Signature=***&X-Amz-Date=20261124"),
    ("https://host/cb#access_token=A&state=s", "https://host/cb#access_token=***&state=s"),
    ("https://tokenonly@host/v1", "https://***@host/v1"),
    ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1"),
    ("https://host/v1?page=2&monkey=1", "https://host/v1?page=2&monkey=***"),  # '...key' names are hidden too
])
def test_redact_url(url, shown):
    assert redact_url(url) == shown
    assert has_credentials(url) == (url != shown)


def test_urls_inside_text_are_redacted_and_the_rest_is_kept():
    text = ('cannot connect to https://u:PASS@h.example/v1?api-key=KEY (ConnectError); '
            '"see http://127.0.0.1:9/x?token=T" and <https://h/?secret=S>')
    out = redact_urls(text)
    assert "PASS" not in out and "KEY" not in out and "=T" not in out and "=S>" not in out
    assert out.startswith("cannot connect to https://***@h.example/v1?api-key=*** (ConnectError); ")
    assert '"see http://127.0.0.1:9/x?token=***"' in out
    assert redact_urls("no address here: key=1") == "no address here: key=1"


def test_the_log_formatter_redacts_messages_and_tracebacks():
    formatter = RedactingFormatter("%(message)s")
    try:
        raise ConnectionError("https://u:PASS@h/v1?api_key=KEY refused")
    except ConnectionError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "calling %s", ("https://h/?token=TOK",),
                                   sys.exc_info())
    out = formatter.format(record)
    assert "PASS" not in out and "KEY" not in out and "TOK" not in out
    assert "calling https://h/?token=***" in out and "refused" in out

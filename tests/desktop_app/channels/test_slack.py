"""Slack through a local HTTP server answering as Slack's incoming webhooks do: "ok", or a plain-text error
with its HTTP status (invalid_token 403, no_service 404, channel_is_archived 410, 429 with Retry-After)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.channels.registry import delivered_text, delivery_targets, send_test
from desktop_app.channels.slack import FIELD_LIMIT, HEADER_LIMIT, SECTION_LIMIT, report_blocks
from desktop_app.delivery import send_pending
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings

from ..outbox_helpers import SIX_PM, make_report, paths, queue
from .servers import HttpServer

NOW = SIX_PM + dt.timedelta(minutes=1)
HOOK_PATH = "/services/T0123ABCD/B0456EFGH/xXyYzZsecretwebhooktoken"


def slack_settings(server: HttpServer) -> Settings:
    settings = Settings()
    settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
    set_secret(Secret.SLACK_WEBHOOK_URL, server.url + HOOK_PATH)
    return settings


def queue_slack(settings: Settings, **kwargs) -> int:
    report = make_report(**kwargs)
    report.insights = ["Sales are up 12% on the previous day.", "IndiaMART brought all 3 leads."]
    (row,) = queue(report, delivery_targets(settings))
    return row


def test_the_report_is_posted_as_block_kit_to_the_webhook():
    with HttpServer([(200, {}, "ok")]) as server:
        settings = slack_settings(server)
        row = queue_slack(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert result.sent == 1 and result.channels["slack"].sent == 1
    (request,) = server.requests
    assert request.path == HOOK_PATH and request.headers["Content-Type"].startswith("application/json")
    payload = request.json()
    blocks = payload["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text":
                         "Daily Business Summary — Shree Ganesh Traders — Tue 24 Nov 2026"}}
    fields = next(block["fields"] for block in blocks if block.get("fields"))
    assert fields[0]["text"].startswith("*Sales*\n₹2,35,000")
    insights = [block["text"]["text"] for block in blocks if block["type"] == "section" and "text" in block]
    assert insights[0].startswith("*🧠 Insights*\n• Sales are up 12%")
    assert payload["text"].startswith("📅 Daily Business Summary")  # the notification fallback
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "sent" and delivery.destination == "#daily-numbers"
    assert "Sales are up 12%" in delivered_text(delivery)


def test_blocks_keep_within_slacks_limits_on_a_very_long_report():
    report = make_report(warnings=[f"source {n}: " + "x" * 900 for n in range(40)], business="B" * 300)
    report.insights = ["y" * 5000]
    blocks = report_blocks(report, ["note " * 1000])
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= HEADER_LIMIT
    for block in blocks:
        if "text" in block:
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        for item in block.get("fields", []) + block.get("elements", []):
            assert len(item["text"]) <= FIELD_LIMIT


def test_429_waits_as_slack_says_then_delivers_once():
    with HttpServer([(429, {"Retry-After": "30"}, "rate_limited"), (200, {}, "ok")]) as server:
        settings = slack_settings(server)
        row = queue_slack(settings)
        first = send_pending(settings, paths(), now=NOW)
        waiting = Outbox(paths().history_db).get(row)
        assert first.retry_later == 1 and waiting.status == "pending"
        assert waiting.next_attempt_at == NOW + dt.timedelta(seconds=30)
        assert "wait 30 s" in waiting.last_error
        assert send_pending(settings, paths(), now=NOW + dt.timedelta(seconds=29)).sent == 0
        second = send_pending(settings, paths(), now=NOW + dt.timedelta(seconds=30))
        third = send_pending(settings, paths(), now=NOW + dt.timedelta(hours=1))
    assert (second.sent, third.sent) == (1, 0) and len(server.requests) == 2
    assert not Outbox(paths().history_db).get(row).possible_duplicate


@pytest.mark.parametrize(("status", "body", "expected", "kind"), [
    (403, "invalid_token", "it was revoked or its app removed", "auth"),
    (404, "no_service", "was disabled or deleted", "auth"),
    (410, "channel_is_archived", "is archived", "destination"),
    (400, "invalid_payload", "refused the message", "message"),
])
def test_permanent_errors_stop_with_a_sentence_and_no_retry(status, body, expected, kind):
    with HttpServer([(status, {}, body)]) as server:
        settings = slack_settings(server)
        row = queue_slack(settings)
        result = send_pending(settings, paths(), now=NOW)
        later = send_pending(settings, paths(), now=NOW + dt.timedelta(days=1))
    delivery = Outbox(paths().history_db).get(row)
    assert (result.failed, later.sent, later.failed) == (1, 0, 0) and len(server.requests) == 1
    assert delivery.status == "failed" and delivery.error_kind == kind and expected in delivery.last_error
    assert f"({body})" in delivery.last_error
    assert HOOK_PATH not in delivery.last_error and "secretwebhooktoken" not in " ".join(result.messages)


def test_a_revoked_webhook_fails_every_waiting_slack_report_without_posting_them_again():
    with HttpServer([(403, {}, "invalid_token")]) as server:
        settings = slack_settings(server)
        rows = [queue_slack(settings, day=dt.date(2026, 11, day)) for day in (23, 24)]
        result = send_pending(settings, paths(), now=NOW)
    outbox = Outbox(paths().history_db)
    assert len(server.requests) == 1 and result.failed == 2
    assert [outbox.get(row).status for row in rows] == ["failed", "failed"]


def test_a_server_error_is_retried_with_backoff():
    with HttpServer([(500, {}, "rollup_error"), (200, {}, "ok")]) as server:
        settings = slack_settings(server)
        row = queue_slack(settings)
        send_pending(settings, paths(), now=NOW)
        waiting = Outbox(paths().history_db).get(row)
        assert waiting.status == "pending" and waiting.next_attempt_at == NOW + dt.timedelta(seconds=30)
        assert send_pending(settings, paths(), now=waiting.next_attempt_at).sent == 1


def test_an_http_webhook_to_a_public_address_is_refused_before_anything_is_sent():
    settings = Settings()
    settings.slack.enabled = True
    set_secret(Secret.SLACK_WEBHOOK_URL, "http://hooks.slack.com/services/T/B/x")
    ok, text = send_test("slack", settings)
    assert not ok and "must start with https://" in text


def test_the_test_button_posts_a_short_message():
    with HttpServer([(200, {}, "ok")]) as server:
        ok, text = send_test("slack", slack_settings(server))
    assert ok and text == "Slack: test message posted to #daily-numbers"
    assert server.requests[0].json() == {"text": "✅ Business Orchestrator test: the evening report will be posted "
                                                 "here."}

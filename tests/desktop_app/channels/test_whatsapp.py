"""WhatsApp through a local HTTP server answering as Meta's Graph API does (`POST /{phone-number-id}/messages`,
Bearer token, `{"messages": [{"id": "wamid..."}]}` or a Graph error with its code)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from desktop_app.channels.registry import delivered_text, delivery_targets, send_test
from desktop_app.channels.whatsapp import BODY_LIMIT, WINDOW_CLOSED, body_length, template_params
from desktop_app.delivery import send_pending
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings

from ..outbox_helpers import SIX_PM, make_report, paths, queue
from .servers import HttpServer, graph_error, graph_ok

NOW = SIX_PM + dt.timedelta(minutes=1)
TOKEN = "EAAGm0PX4ZCpsBAtestaccesstokenfromthetest"
OWNER = "+919812345678"


def whatsapp_settings(server: HttpServer, *recipients: str) -> Settings:
    settings = Settings()
    whatsapp = settings.whatsapp
    whatsapp.enabled, whatsapp.phone_number_id = True, "106540352242922"
    whatsapp.recipients = list(recipients or [OWNER])
    whatsapp.api_base = server.url + "/v21.0"
    set_secret(Secret.WHATSAPP_TOKEN, TOKEN)
    return settings


def queue_whatsapp(settings: Settings, **kwargs) -> list[int]:
    report = make_report(**kwargs)
    report.insights = ["Sales are up 12% on the previous day;\n  IndiaMART brought    all 3 leads."]
    return queue(report, delivery_targets(settings))


def test_the_template_with_the_headline_numbers_then_the_full_report_as_text():
    with HttpServer([graph_ok("919812345678", "wamid.T1"), graph_ok("919812345678", "wamid.X2")]) as server:
        settings = whatsapp_settings(server)
        (row,) = queue_whatsapp(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert result.sent == 1 and len(server.requests) == 2
    template, text = (request.json() for request in server.requests)
    for request in server.requests:
        assert request.path == "/v21.0/106540352242922/messages"
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert template["messaging_product"] == "whatsapp" and template["to"] == "919812345678"
    assert template["type"] == "template" and template["template"]["name"] == "daily_business_summary"
    assert template["template"]["language"] == {"code": "en"}
    values = [p["text"] for p in template["template"]["components"][0]["parameters"]]
    assert values[:4] == ["Shree Ganesh Traders", "Tue 24 Nov 2026", "₹2,35,000", "12 · avg ₹19,583"]
    assert values[6] == "Sales are up 12% on the previous day; IndiaMART brought all 3 leads."
    for value in values:  # Meta's rules for variables
        assert value and "\n" not in value and "\t" not in value and "  " not in value
    assert text["type"] == "text" and text["text"]["body"].startswith("📅 Daily Business Summary")
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "sent" and delivery.message_ids == ["wamid.T1", "wamid.X2"]
    assert "[template daily_business_summary]" in delivered_text(delivery)
    assert "Sales: ₹2,35,000" in delivered_text(delivery)


def test_the_template_body_is_cut_to_1024_characters_and_keeps_its_numbers():
    report = make_report(business="Shree Ganesh Traders " * 10)
    report.insights = ["word " * 600]
    params = template_params(report, ["Telegram could not deliver: signed out — sign in again"])
    assert body_length(params) <= BODY_LIMIT
    assert params[2] == "₹2,35,000" and params[6].endswith("…")
    assert all(not re.search(r"\s{2,}|\n", value) for value in params)


def test_outside_the_24_hour_window_the_template_goes_and_the_text_is_noted():
    replies = [graph_ok("919812345678", "wamid.T1"),
               graph_error(131047, "(#131047) Re-engagement message", "Message failed to send because more than "
                           "24 hours have passed since the customer last replied to this number.")]
    with HttpServer(replies) as server:
        settings = whatsapp_settings(server)
        (row,) = queue_whatsapp(settings)
        result = send_pending(settings, paths(), now=NOW)
    delivery = Outbox(paths().history_db).get(row)
    assert result.sent == 1 and delivery.status == "sent" and delivery.message_ids == ["wamid.T1"]
    assert delivery.last_error == WINDOW_CLOSED and "24-hour window has closed (131047)" in delivery.last_error


@pytest.mark.parametrize(("reply", "expected", "kind"), [
    (graph_error(190, "Error validating access token: Session has expired on Tuesday, 24-Nov-26 10:00:00 PST.",
                 "", status=401, subcode=463), "no longer accepts the access token (190", "auth"),
    (graph_error(132000, "(#132000) Number of parameters does not match the expected number of params",
                 "body: number of localizable_params (7) does not match the expected number of params (5)"),
     "expects a different number of values (132000", "credentials"),
    (graph_error(132001, "(#132001) Template name does not exist in the translation",
                 "template name (daily_business_summary) does not exist in en"), "cannot be used (132001",
     "credentials"),
    (graph_error(131026, "(#131026) Message undeliverable", "Message Undeliverable."),
     "+919812345678 cannot receive this WhatsApp message (131026", "destination"),
])
def test_permanent_graph_errors_are_sentences(reply, expected, kind):
    with HttpServer([reply]) as server:
        settings = whatsapp_settings(server)
        (row,) = queue_whatsapp(settings)
        result = send_pending(settings, paths(), now=NOW)
        again = send_pending(settings, paths(), now=NOW + dt.timedelta(days=1))
    delivery = Outbox(paths().history_db).get(row)
    assert result.failed == 1 and again.sent == again.failed == 0 and len(server.requests) == 1
    assert delivery.status == "failed" and delivery.error_kind == kind and expected in delivery.last_error
    assert TOKEN not in delivery.last_error


@pytest.mark.parametrize("code", [130429, 131056])
def test_rate_limits_are_retried_later_then_delivered_once(code):
    replies = [graph_error(code, f"(#{code}) Rate limit hit", "Too many messages"),
               graph_ok("919812345678", "wamid.T1"), graph_ok("919812345678", "wamid.X2")]
    with HttpServer(replies) as server:
        settings = whatsapp_settings(server)
        (row,) = queue_whatsapp(settings)
        first = send_pending(settings, paths(), now=NOW)
        waiting = Outbox(paths().history_db).get(row)
        assert first.retry_later == 1 and waiting.status == "pending" and f"({code}" in waiting.last_error
        assert waiting.next_attempt_at == NOW + dt.timedelta(seconds=60)
        second = send_pending(settings, paths(), now=waiting.next_attempt_at)
        assert send_pending(settings, paths(), now=NOW + dt.timedelta(days=1)).sent == 0
    assert second.sent == 1 and len(server.requests) == 3
    assert Outbox(paths().history_db).get(row).message_ids == ["wamid.T1", "wamid.X2"]


def test_a_failure_after_the_template_resumes_with_the_text_only():
    replies = [graph_ok("919812345678", "wamid.T1"), (503, {}, "Service Unavailable"),
               graph_ok("919812345678", "wamid.X2")]
    with HttpServer(replies) as server:
        settings = whatsapp_settings(server)
        (row,) = queue_whatsapp(settings)
        send_pending(settings, paths(), now=NOW)
        waiting = Outbox(paths().history_db).get(row)
        assert waiting.status == "pending" and waiting.message_ids == ["wamid.T1"]
        send_pending(settings, paths(), now=waiting.next_attempt_at)
    kinds = [request.json()["type"] for request in server.requests]
    assert kinds == ["template", "text", "text"]  # the template went once
    assert Outbox(paths().history_db).get(row).status == "sent"


def test_each_recipient_is_its_own_delivery_and_a_bad_number_does_not_stop_the_other():
    replies = [graph_error(131026, "(#131026) Message undeliverable", "Message Undeliverable."),
               graph_ok("919898989898", "wamid.T9"), graph_ok("919898989898", "wamid.X9")]
    with HttpServer(replies) as server:
        settings = whatsapp_settings(server, "+911234567890", "+919898989898")
        rows = queue_whatsapp(settings)
        result = send_pending(settings, paths(), now=NOW)
    outbox = Outbox(paths().history_db)
    assert (result.sent, result.failed) == (1, 1)
    assert [outbox.get(row).status for row in rows] == ["failed", "sent"]


def test_the_test_button_sends_the_template_so_a_wrong_name_shows_at_once():
    with HttpServer([graph_ok("919812345678"), graph_error(
            132001, "(#132001) Template name does not exist in the translation",
            "template name (daily_business_summary) does not exist in en")]) as server:
        settings = whatsapp_settings(server)
        ok, text = send_test("whatsapp", settings)
        assert ok and text == "WhatsApp: test template accepted by WhatsApp for +919812345678"
        ok, text = send_test("whatsapp", settings)
    assert not ok and "'daily_business_summary' (en) cannot be used (132001" in text
    payload = server.requests[0].json()
    assert payload["type"] == "template" and payload["template"]["name"] == "daily_business_summary"
    values = [p["text"] for p in payload["template"]["components"][0]["parameters"]]
    assert len(values) == 7 and values[2:6] == ["TEST"] * 4


def test_whatsapp_settings_accept_numbers_with_spaces_and_reject_the_rest():
    settings = Settings()
    settings.whatsapp.recipients = ["+91 98123-45678"]
    assert settings.whatsapp.recipients == ["+919812345678"]
    with pytest.raises(ValueError, match="not a phone number with country code"):
        settings.whatsapp.recipients = ["owner"]

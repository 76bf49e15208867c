"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd): STARTTLS and implicit TLS with a certificate the
test makes, AUTH, several recipients, and the failures an owner meets (refused password, relay denied, no
STARTTLS, full mailbox, an untrusted certificate, the connection dropped after DATA)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from desktop_app.channels.email import app_password_hint
from desktop_app.channels.registry import delivery_targets, send_test
from desktop_app.delivery import POSSIBLE_DUPLICATE_NOTE, send_pending
from desktop_app.outbox import Outbox
from desktop_app.render import render_html, render_text
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings

from ..outbox_helpers import SIX_PM, make_report, paths, queue
from .servers import PASSWORD, USER, SmtpBehaviour, SmtpServer

NOW = SIX_PM + dt.timedelta(minutes=1)
RECIPIENTS = ["owner@shreeganesh.example", "accounts@shreeganesh.example"]


def email_settings(server: SmtpServer, *, security: str = "starttls", attach: bool = False,
                   trust: bool = True) -> Settings:
    settings = Settings()
    email = settings.email
    email.enabled, email.smtp_host, email.smtp_port, email.security = True, "127.0.0.1", server.port, security
    email.username, email.recipients, email.attach_xlsx = USER, list(RECIPIENTS), attach
    email.ca_file = str(server.ca_file) if trust else ""
    email.timeout_seconds = 10
    set_secret(Secret.EMAIL_PASSWORD, PASSWORD)
    return settings


def queue_email(settings: Settings) -> tuple[int, object]:
    report = make_report()
    report.insights = ["Sales are up 12% on Monday: the IndiaMART leads are converting."]
    report.text, report.html = render_text(report), render_html(report)
    (row,) = queue(report, delivery_targets(settings))
    return row, report


def test_the_report_goes_to_every_recipient_over_starttls_as_text_html_and_xlsx(tmp_path):
    with SmtpServer(tmp_path) as server:
        settings = email_settings(server, attach=True)
        row, report = queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert (result.sent, result.failed, result.retry_later) == (1, 0, 0), result.messages
    assert result.channels["email"].sent == 1
    (mail,) = server.received
    assert mail.mail_from == USER and mail.rcpt_tos == RECIPIENTS
    message = mail.message
    assert message["Subject"] == "Daily Business Summary — Shree Ganesh Traders — Tue 24 Nov 2026"
    assert message["To"] == ", ".join(RECIPIENTS)
    text = message.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n").rstrip("\n") == report.text  # the Telegram text (CRLF on the wire)
    html = message.get_body(("html",)).get_content()
    assert "₹2,35,000" in html and "SALES" in html and "Sales are up 12% on Monday" in html
    attachments = list(message.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["kpis-2026-11-24.xlsx"]
    sheet = load_workbook(io.BytesIO(attachments[0].get_content())).active
    assert sheet["A2"].value == "Sales (INR)" and sheet["B2"].value == 235000
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "sent" and delivery.channel == "email"
    assert delivery.message_ids == [message["Message-ID"]]


def test_implicit_tls_on_465_style_ports_works_too(tmp_path):
    with SmtpServer(tmp_path, implicit_tls=True) as server:
        settings = email_settings(server, security="tls")
        queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert result.sent == 1 and len(server.received) == 1


def test_a_refused_password_stops_with_the_app_password_hint_and_nothing_is_sent(tmp_path):
    with SmtpServer(tmp_path) as server:
        settings = email_settings(server)
        set_secret(Secret.EMAIL_PASSWORD, "my-normal-gmail-password")
        row, _report = queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert result.failed == 1 and not server.received
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "failed" and delivery.error_kind == "auth"
    assert "refused the sign-in for owner@shreeganesh.example (535" in delivery.last_error
    assert "app password" in delivery.last_error
    assert "my-normal-gmail-password" not in delivery.last_error


def test_gmail_and_outlook_get_their_own_app_password_sentences():
    assert "Gmail needs an app password" in app_password_hint("smtp.gmail.com")
    assert "Outlook / Microsoft 365 needs an app password" in app_password_hint("smtp.office365.com")
    assert "app password" in app_password_hint("mail.example.in")


def test_a_connection_dropped_after_data_is_retried_once_and_marked_possible_duplicate(tmp_path):
    with SmtpServer(tmp_path, behaviour=SmtpBehaviour(drop_after_data=1)) as server:
        settings = email_settings(server)
        row, _report = queue_email(settings)
        first = send_pending(settings, paths(), now=NOW)
        outbox = Outbox(paths().history_db)
        waiting = outbox.get(row)
        assert (first.sent, first.retry_later) == (0, 1)
        assert waiting.status == "pending" and waiting.possible_duplicate
        assert "broke while sending" in waiting.last_error
        again = send_pending(settings, paths(), now=NOW + dt.timedelta(seconds=10))
        assert again.sent == 0  # not due yet: the backoff is respected
        later = send_pending(settings, paths(), now=waiting.next_attempt_at + dt.timedelta(seconds=1))
        assert later.sent == 1
        assert send_pending(settings, paths(), now=waiting.next_attempt_at + dt.timedelta(hours=1)).sent == 0
    assert len(server.received) == 2  # the interrupted one, and exactly one more
    first_mail, second_mail = (mail.message for mail in server.received)
    assert POSSIBLE_DUPLICATE_NOTE not in first_mail.get_body(("plain",)).get_content()
    assert POSSIBLE_DUPLICATE_NOTE in second_mail.get_body(("plain",)).get_content()
    assert first_mail["Message-ID"] != "" and outbox.get(row).status == "sent"
    assert outbox.get(row).possible_duplicate


@pytest.mark.parametrize(("behaviour", "expected", "kind"), [
    (SmtpBehaviour(refuse={a: "550 5.7.1 Relaying denied" for a in RECIPIENTS}), "refused to relay to", "auth"),
    (SmtpBehaviour(refuse={a: "552 5.2.2 Mailbox full" for a in RECIPIENTS}), "mailbox is full", "destination"),
])
def test_relay_denied_and_a_full_mailbox_are_sentences(tmp_path, behaviour, expected, kind):
    with SmtpServer(tmp_path, behaviour=behaviour) as server:
        settings = email_settings(server)
        row, _report = queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    delivery = Outbox(paths().history_db).get(row)
    assert result.failed == 1 and delivery.status == "failed"
    assert expected in delivery.last_error and delivery.error_kind == kind


def test_one_refused_recipient_does_not_stop_the_others_and_is_noted(tmp_path):
    behaviour = SmtpBehaviour(refuse={RECIPIENTS[1]: "550 5.1.1 No such user"})
    with SmtpServer(tmp_path, behaviour=behaviour) as server:
        settings = email_settings(server)
        row, _report = queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    assert result.sent == 1 and server.received[0].rcpt_tos == [RECIPIENTS[0]]
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "sent" and "not accepted for: accounts@shreeganesh.example (550" in delivery.last_error


def test_a_temporarily_full_mailbox_is_retried_and_then_delivered_once(tmp_path):
    behaviour = SmtpBehaviour(data_reply="452 4.2.2 Mailbox full, try again later")
    with SmtpServer(tmp_path, behaviour=behaviour) as server:
        settings = email_settings(server)
        row, _report = queue_email(settings)
        first = send_pending(settings, paths(), now=NOW)
        waiting = Outbox(paths().history_db).get(row)
        assert first.retry_later == 1 and waiting.status == "pending" and not waiting.possible_duplicate
        behaviour.data_reply = None
        second = send_pending(settings, paths(), now=waiting.next_attempt_at)
    assert second.sent == 1 and len(server.received) == 2  # refused once, accepted once
    assert Outbox(paths().history_db).get(row).status == "sent"


def test_a_server_without_starttls_is_refused_before_the_password_is_sent(tmp_path):
    with SmtpServer(tmp_path, starttls=False) as server:
        settings = email_settings(server)
        row, _report = queue_email(settings)
        send_pending(settings, paths(), now=NOW)
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "failed" and "does not offer STARTTLS" in delivery.last_error
    assert not server.received


def test_an_untrusted_certificate_is_a_sentence_not_a_traceback(tmp_path):
    with SmtpServer(tmp_path) as server:
        settings = email_settings(server, trust=False)
        row, _report = queue_email(settings)
        send_pending(settings, paths(), now=NOW)
    delivery = Outbox(paths().history_db).get(row)
    assert delivery.status == "failed" and "certificate could not be verified" in delivery.last_error


def test_the_test_button_sends_a_short_message_to_every_recipient(tmp_path):
    with SmtpServer(tmp_path) as server:
        ok, text = send_test("email", email_settings(server))
    assert ok, text
    assert "accepted by 127.0.0.1 for owner@shreeganesh.example, accounts@shreeganesh.example" in text
    assert server.received[0].rcpt_tos == RECIPIENTS
    assert "test" in server.received[0].message["Subject"]


def test_a_missing_password_keeps_the_report_waiting_with_a_sentence(tmp_path):
    with SmtpServer(tmp_path) as server:
        settings = email_settings(server)
        from desktop_app.secrets import delete_secret

        delete_secret(Secret.EMAIL_PASSWORD)
        row, _report = queue_email(settings)
        result = send_pending(settings, paths(), now=NOW)
    delivery = Outbox(paths().history_db).get(row)
    assert result.retry_later == 1 and delivery.status == "pending"
    assert "no password is stored" in delivery.last_error


def test_the_html_part_escapes_every_piece_of_data_and_uses_the_cards_colours():
    from desktop_app.cards import TONE_COLORS
    from desktop_app.channels.email_html import report_html

    report = make_report(business="Patel & Sons <Wholesale>", warnings=["sales.csv row 7: '<unknown>' is not a date"])
    report.sales.change_pct, report.sales.prev_date = 12.0, "2026-11-23"
    report.insights = ["Sales <script>alert(1)</script> rose"]
    html = report_html(report, [])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Patel &amp; Sons &lt;Wholesale&gt;" in html and "&#x27;&lt;unknown&gt;&#x27;" in html
    assert f"color:{TONE_COLORS['good']}'>▲ 12.0% vs Mon 23" in html

"""Email: the report as a multipart message over SMTP (STARTTLS or implicit TLS), via the standard library.

The message has a plain-text part identical to the Telegram text, an HTML part with the summary
window's KPI cards (same numbers, same colours), the insights and the warnings, and optionally the
day's KPIs as an .xlsx. One delivery row carries all recipients (one SMTP transaction). The password
(or app password) lives in the OS keyring. Its Message-ID is fixed when the row is first rendered,
so a retry after a dropped connection is the same message to the mail client.
"""

from __future__ import annotations

import io
import json
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from babel.dates import format_date

from ..outbox import Delivery
from ..render_branches import business_label
from ..report import Report
from ..secrets import Secret, SecretStoreUnavailable, get_secret
from ..settings import EmailSettings, Settings
from .base import ChannelError, PartResult, RenderContext, quoted
from .email_html import report_html, text_html

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
APP_PASSWORD_HINTS = {
    ("gmail", "googlemail", "google"): "Gmail needs an app password, not your normal one: Google Account → "
    "Security → 2-Step Verification → App passwords",
    ("outlook", "office365", "hotmail", "live.com", "microsoft"): "Outlook / Microsoft 365 needs an app password "
    "(account.microsoft.com → Security → Advanced security options → App passwords), and SMTP AUTH must be "
    "allowed for the mailbox",
    ("yahoo",): "Yahoo Mail needs an app password: Account security → Generate app password",
    ("zoho",): "Zoho Mail needs an app-specific password when two-factor sign-in is on",
}


def subject_line(report: Report) -> str:
    day = format_date(report.date, "EEE d MMM y", locale=report.locale)
    return f"Daily Business Summary — {business_label(report)} — {day}" + (" · DEMO" if report.demo else "")


def app_password_hint(host: str) -> str:
    host = host.lower()
    for words, hint in APP_PASSWORD_HINTS.items():
        if any(word in host for word in words):
            return hint
    return "if your provider uses two-step sign-in, create an app password and use that"


def sender_of(email: EmailSettings) -> str:
    return email.sender or email.username


def _password(email: EmailSettings) -> str:
    try:
        password = get_secret(Secret.EMAIL_PASSWORD)
    except SecretStoreUnavailable as exc:
        raise ChannelError("credentials", str(exc), whole_channel=True) from None
    if email.username and not password:
        raise ChannelError("credentials", "Email is on but no password is stored: type it (or an app password) in "
                           "Settings → Channels → Email", whole_channel=True)
    return password or ""


def settings_problem(email: EmailSettings) -> str | None:
    if not email.smtp_host:
        return "Email is on but no mail server is set: fill in the SMTP server in Settings → Channels → Email"
    if not email.recipients:
        return "Email is on but has no recipients: add at least one address in Settings → Channels → Email"
    if not sender_of(email):
        return "Email is on but has no From address: set the username or the sender in Settings → Channels → Email"
    return None


def kpi_workbook(report: Report) -> bytes:
    """The day's KPIs as a small .xlsx (numbers, not text, so the owner can sum and chart them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "KPIs"
    sheet.append(["Metric", "Value", "Previous open day", "Change vs previous day %", "Same day last week",
                  "Change vs last week %"])
    s, leads, att = report.sales, report.leads, report.attendance
    if s:
        sheet.append([f"Sales ({report.currency})", s.total, s.prev_total, s.change_pct, s.week_ago_total,
                      s.week_change_pct])
        sheet.append(["Orders", s.orders, s.prev_orders, None, None, None])
        sheet.append([f"Average order ({report.currency})", s.avg_order, None, s.avg_order_change_pct, None, None])
        if s.returns:
            sheet.append([f"Returns ({report.currency})", s.returns, None, None, None, None])
    if leads:
        sheet.append(["New leads", leads.count, leads.prev_count, leads.change_pct, leads.week_ago_count,
                      leads.week_change_pct])
        for source, count in leads.by_source.items():
            sheet.append([f"  leads from {source}", count, None, None, None, None])
    if att:
        sheet.append(["Attendance %", att.rate_pct, att.prev_rate_pct, att.change_pp, att.week_ago_rate_pct,
                      att.week_change_pp])
        sheet.append(["Present", att.present, None, None, None, None])
        sheet.append(["Absent", att.absent, None, None, None, None])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (28, 14, 18, 24, 18, 22), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([])
    sheet.append([f"{report.business} · {report.date.isoformat()} · changes in % (attendance in percentage points)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_message(part: dict, email: EmailSettings, report: Report | None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = part["subject"]
    message["From"] = sender_of(email)
    message["To"] = ", ".join(email.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = part["message_id"]
    message.set_content(part["text"])
    message.add_alternative(part["html"], subtype="html")
    if part.get("xlsx") and report is not None:
        name = f"kpis-{report.date.isoformat()}.xlsx"
        message.add_attachment(kpi_workbook(report), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message


def _connect(email: EmailSettings) -> smtplib.SMTP:
    """A connection with TLS in force (never plain), signed in when a username is set."""
    context = ssl.create_default_context(cafile=email.ca_file or None)
    host, port, timeout = email.smtp_host, email.smtp_port, email.timeout_seconds
    password = _password(email)
    try:
        if email.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
    except (socket.gaierror, ConnectionRefusedError) as exc:
        raise ChannelError("network", f"the mail server {host}:{port} could not be reached ({_why(exc)}); "
                           "trying again later", retry=True, whole_channel=True) from None
    except ssl.SSLError as exc:
        raise _tls_error(email, exc) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelError("network", f"the mail server {host}:{port} did not answer properly ({_why(exc)}); "
                           "trying again later", retry=True, whole_channel=True) from None
    try:
        if email.security == "starttls":
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise ChannelError("credentials", f"the mail server {host}:{port} does not offer STARTTLS, so the "
                                   "password would travel unencrypted: use port 465 with security = tls, or the "
                                   "provider's submission server", whole_channel=True)
            smtp.starttls(context=context)
            smtp.ehlo()
        if email.username:
            smtp.login(email.username, password)
    except ChannelError:
        smtp.close()
        raise
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise ChannelError("auth", f"the mail server refused the sign-in for {email.username} "
                           f"({exc.smtp_code} {quoted(_text(exc.smtp_error), 80)}): check the password; "
                           f"{app_password_hint(host)}", whole_channel=True) from None
    except smtplib.SMTPNotSupportedError:
        smtp.close()
        raise ChannelError("credentials", f"the mail server {host} does not accept a sign-in on this port; "
                           "check the port and security settings", whole_channel=True) from None
    except ssl.SSLError as exc:
        smtp.close()
        raise _tls_error(email, exc) from None
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise ChannelError("network", f"the mail server {host} broke off before the message was sent "
                           f"({_why(exc)}); trying again later", retry=True, whole_channel=True) from None
    return smtp


def _tls_error(email: EmailSettings, exc: ssl.SSLError) -> ChannelError:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ChannelError("credentials", f"the mail server {email.smtp_host}'s certificate could not be verified "
                            f"({quoted(exc.verify_message or str(exc), 80)}): check the server name, or set ca_file "
                            "for a private certificate", whole_channel=True)
    return ChannelError("credentials", f"no secure connection to {email.smtp_host}:{email.smtp_port} "
                        f"({quoted(str(exc), 80)}): port 587 needs security = starttls, port 465 security = tls",
                        whole_channel=True)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _why(exc: BaseException) -> str:
    return quoted(str(exc), 100) or exc.__class__.__name__


def _refusal(address: str, code: int, text: str, host: str) -> ChannelError:
    said = f"{code} {quoted(text, 80)}"
    lowered = text.lower()
    if "relay" in lowered:
        return ChannelError("auth", f"the mail server refused to relay to {address} ({said}): sign in with a "
                            f"username and password, or use your provider's own server", whole_channel=True)
    if code == 552 or "full" in lowered or "quota" in lowered:
        if 400 <= code < 500:
            return ChannelError("destination", f"{address}'s mailbox is full ({said}); trying again later",
                                retry=True, wait_seconds=3600)
        return ChannelError("destination", f"{address}'s mailbox is full ({said}): ask them to make room, then retry")
    if 400 <= code < 500:
        return ChannelError("network", f"the mail server deferred {address} ({said}); trying again later",
                            retry=True)
    return ChannelError("destination", f"the mail server refused {address} ({said}): check the address in "
                        "Settings → Channels → Email")


def send_message(message: EmailMessage, email: EmailSettings) -> dict[str, tuple[int, bytes]]:
    """Hand one message to the server; returns the recipients it refused while accepting others."""
    smtp = _connect(email)
    try:
        return smtp.send_message(message, from_addr=sender_of(email), to_addrs=email.recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        address, (code, text) = next(iter(exc.recipients.items()))
        raise _refusal(address, code, _text(text), email.smtp_host) from None
    except smtplib.SMTPSenderRefused as exc:
        raise ChannelError("auth", f"the mail server refused the From address {sender_of(email)} "
                           f"({exc.smtp_code} {quoted(_text(exc.smtp_error), 80)}): send from the address you sign "
                           "in with", whole_channel=True) from None
    except smtplib.SMTPDataError as exc:
        text = _text(exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            raise ChannelError("network", f"the mail server deferred the message ({exc.smtp_code} {quoted(text, 80)}); "
                               "trying again later", retry=True) from None
        raise _refusal(", ".join(email.recipients), exc.smtp_code, text, email.smtp_host) from None
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise ChannelError("network", f"the connection to {email.smtp_host} broke while sending ({_why(exc)}); "
                           "it may have arrived, trying again later (marked possible duplicate)",
                           retry=True, maybe_sent=True, whole_channel=True) from None
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class EmailChannel:
    name = "email"
    limit = None

    def targets(self, settings: Settings) -> list[str]:
        email = settings.email
        return [", ".join(email.recipients)] if email.enabled and email.recipients else []

    def check(self, settings: Settings) -> str | None:
        problem = settings_problem(settings.email)
        if problem:
            return problem
        try:
            _password(settings.email)
        except ChannelError as exc:
            return exc.sentence
        return None

    def render(self, delivery: Delivery, context: RenderContext, settings: Settings) -> list[str]:
        report = context.report
        notes = context.notes
        text = "\n".join([*notes, "", delivery.text]) if notes else delivery.text
        html = text_html(delivery.text, notes) if delivery.edited or report is None else report_html(report, notes)
        subject = subject_line(report) if report else f"Daily Business Summary — {delivery.report_date}"
        domain = sender_of(settings.email).rpartition("@")[2] or None
        return [json.dumps({"subject": subject, "text": text, "html": html, "message_id": make_msgid(domain=domain),
                            "xlsx": settings.email.attach_xlsx and report is not None}, ensure_ascii=False)]

    def send_part(self, delivery: Delivery, index: int, part: str, settings: Settings,
                  report: Report | None) -> PartResult:
        problem = settings_problem(settings.email)
        if problem:
            raise ChannelError("credentials", problem, whole_channel=True)
        payload = json.loads(part)
        refused = send_message(build_message(payload, settings.email, report), settings.email)
        note = None
        if refused:
            note = "not accepted for: " + "; ".join(
                f"{address} ({code} {quoted(_text(text), 60)})" for address, (code, text) in refused.items())
        return PartResult(payload["message_id"], note)

    def describe(self, part: str) -> str:
        payload = json.loads(part)
        return f"Subject: {payload['subject']}\n\n{payload['text']}"

    def test(self, settings: Settings) -> str:
        email = settings.email
        problem = settings_problem(email)
        if problem:
            raise ChannelError("credentials", problem)
        message = EmailMessage()
        message["Subject"] = "Business Orchestrator: test message"
        message["From"] = sender_of(email)
        message["To"] = ", ".join(email.recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=sender_of(email).rpartition("@")[2] or None)
        message.set_content("✅ This is a test from Business Orchestrator: the evening report will arrive like this.")
        refused = send_message(message, email)
        accepted = [address for address in email.recipients if address not in refused]
        return f"test email accepted by {email.smtp_host} for {', '.join(accepted)}" + (
            f"; refused: {', '.join(refused)}" if refused else "")

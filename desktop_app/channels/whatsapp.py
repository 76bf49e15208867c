"""WhatsApp Business Cloud API: the evening report as an approved utility template, then the full text.

A message the business starts must be a template Meta approved, so the report goes first as the
template below (submit it once, see the README) with the headline numbers as its variables; then,
when the owner has written to the business number in the last 24 hours, the full report as text.
Meta's rules the variables are formatted to fit: no newlines or tabs, no runs of spaces, the whole
body at most 1,024 characters. A text message holds at most 4,096 characters.

`POST {api_base}/{phone_number_id}/messages` with the access token (OS keyring) as a Bearer token;
errors are Graph errors (`{"error": {"code": 131047, ...}}`), turned into sentences here.
"""

from __future__ import annotations

import json
import re

from babel.dates import format_date

from ..formatting import money, number
from ..outbox import Delivery
from ..render import _vs  # the report's own "▲ 12.0% vs Mon 23 Nov" wording
from ..report import Report
from ..secrets import Secret, SecretStoreUnavailable, get_secret
from ..settings import Settings, WhatsAppSettings
from .base import ChannelError, PartResult, RenderContext, quoted
from .http import post_json, retry_after

TEMPLATE_BODY = (
    "📊 {{1}}: daily summary for {{2}}\n"
    "Sales: {{3}}\n"
    "Orders: {{4}}\n"
    "New leads: {{5}}\n"
    "Attendance: {{6}}\n"
    "{{7}}"
)
BODY_LIMIT = 1024
TEXT_LIMIT = 4096
PARAM_LIMIT = 200  # one variable; Meta counts the whole body, we keep each readable too
SETTINGS_HINT = "Settings → Channels → WhatsApp"
WHAT = "WhatsApp (graph.facebook.com)"
_SPACES = re.compile(r"\s+")


def clean_param(text: str, limit: int = PARAM_LIMIT) -> str:
    """A template variable Meta accepts: one line, single spaces, never empty, cut to `limit`."""
    text = _SPACES.sub(" ", text).strip() or "–"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fill_template(params: list[str]) -> str:
    """The template body as the recipient reads it."""
    body = TEMPLATE_BODY
    for index, value in enumerate(params, start=1):
        body = body.replace("{{" + str(index) + "}}", value)
    return body


def body_length(params: list[str]) -> int:
    return len(fill_template(params))


def template_params(report: Report, notes: list[str]) -> list[str]:
    from ..day_coverage import domain_uncovered

    loc, cur = report.locale, report.currency
    s, leads, att = report.sales, report.leads, report.attendance
    # a domain whose sources had nothing for the day says so, never "₹0" (as the summary window's cards)
    s = None if domain_uncovered(report, "sales") else s
    leads = None if domain_uncovered(report, "leads") else leads
    att = None if domain_uncovered(report, "attendance") else att
    day = format_date(report.date, "EEE d MMM y", locale=loc)
    if s:
        change = _vs(s.change_pct, "previous day")
        sales = money(s.total, cur, loc, whole=True) + (f" ({change})" if change else "")
        avg = money(s.avg_order, cur, loc, whole=True) if s.avg_order is not None else "–"
        orders = f"{number(s.orders, loc)} · avg {avg}"
    else:
        sales, orders = "no data (see the report)", "–"
    if leads:
        top = ", ".join(f"{name} {count}" for name, count in list(leads.by_source.items())[:3])
        lead_text = number(leads.count, loc) + (f" ({top})" if top else "")
    else:
        lead_text = "no data"
    if att and att.headcount:
        rate = f"{att.rate_pct:.1f}%" if att.rate_pct is not None else "–"
        attendance = f"{rate} ({att.present}/{att.headcount} present)"
    else:
        attendance = "no data"
    headline = " · ".join([*notes, report.insights[0] if report.insights else "The full report follows."])
    params = [clean_param(report.business, 60), clean_param(day, 40), clean_param(sales), clean_param(orders),
              clean_param(lead_text), clean_param(attendance), clean_param(headline, 600)]
    room = BODY_LIMIT - body_length(params)
    if room < 0:  # only the free-text headline grows: shorten it to fit Meta's 1,024 characters
        params[6] = clean_param(params[6], max(len(params[6]) + room, 1))
    return params


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """The report text in messages of at most `limit` characters, cut between lines where possible."""
    parts, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts


def _token() -> str:
    try:
        token = get_secret(Secret.WHATSAPP_TOKEN)
    except SecretStoreUnavailable as exc:
        raise ChannelError("credentials", str(exc), whole_channel=True) from None
    if not token:
        raise ChannelError("credentials", f"WhatsApp is on but no access token is stored: paste it in {SETTINGS_HINT}",
                           whole_channel=True)
    return token


def settings_problem(whatsapp: WhatsAppSettings) -> str | None:
    if not whatsapp.phone_number_id:
        return f"WhatsApp is on but the phone number ID is missing: copy it from WhatsApp Manager into {SETTINGS_HINT}"
    if not whatsapp.recipients:
        return f"WhatsApp is on but has no recipients: add the owner's number in {SETTINGS_HINT}"
    return None


WINDOW_CLOSED = ("the full report was not sent on WhatsApp: the 24-hour window has closed (131047) — reply once to "
                 "the business number on WhatsApp and the next reports arrive in full; the summary template went")


def classify(status: int, body: dict | None, recipient: str, whatsapp: WhatsAppSettings, answer=None) -> ChannelError:
    """A Graph API error answer as a sentence and a plan."""
    error = (body or {}).get("error") or {}
    code = error.get("code")
    details = ((error.get("error_data") or {}).get("details") or error.get("message") or "").strip()
    said = f"{code}: {quoted(details, 100)}" if code else f"HTTP {status}"
    template = f"'{whatsapp.template_name}' ({whatsapp.template_language})"
    if code == 190 or status == 401:
        return ChannelError("auth", f"WhatsApp no longer accepts the access token ({said}): a temporary token lasts "
                            "24 hours; make a permanent one (Meta Business Settings → System users → Generate "
                            f"token, with whatsapp_business_messaging) and paste it in {SETTINGS_HINT}",
                            whole_channel=True)
    if code == 131047:
        return ChannelError("destination", WINDOW_CLOSED)
    if code == 132000:
        return ChannelError("credentials", f"the WhatsApp template {template} expects a different number of values "
                            f"({said}): submit the template text from the README exactly (7 variables)",
                            whole_channel=True)
    if code in (132001, 132005, 132007, 132015, 132016):
        return ChannelError("credentials", f"the WhatsApp template {template} cannot be used ({said}): check its "
                            f"name and language in {SETTINGS_HINT}, and that Meta approved it", whole_channel=True)
    if code in (130429, 80007, 131048) or status == 429:
        wait = retry_after(answer, 60) if answer is not None else 60
        return ChannelError("flood", f"WhatsApp's rate limit was reached ({said}); trying again in {wait} s",
                            retry=True, wait_seconds=wait, whole_channel=True)
    if code == 131056:
        return ChannelError("flood", f"too many messages to {recipient} in a short time ({said}); trying again "
                            "in a minute", retry=True, wait_seconds=60)
    if code == 131026:
        return ChannelError("destination", f"{recipient} cannot receive this WhatsApp message ({said}): check it "
                            "is a WhatsApp number with country code and that WhatsApp is up to date there")
    if code == 131030:
        return ChannelError("destination", f"{recipient} is not on the test number's allowed list ({said}): add it "
                            "in WhatsApp Manager, or use your verified business number")
    if code == 100 or status == 404:
        return ChannelError("credentials", f"WhatsApp refused the request ({said}): check the phone number ID in "
                            f"{SETTINGS_HINT} (it is the ID, not the phone number)", whole_channel=True)
    if code in (1, 2, 131000, 131016) or status >= 500:
        return ChannelError("network", f"WhatsApp had a temporary problem ({said}); trying again later", retry=True,
                            whole_channel=True)
    return ChannelError("message", f"WhatsApp refused the message ({said}); the details are in the log file")


class WhatsAppChannel:
    name = "whatsapp"
    limit = BODY_LIMIT

    def targets(self, settings: Settings) -> list[str]:
        whatsapp = settings.whatsapp
        return list(whatsapp.recipients) if whatsapp.enabled else []

    def check(self, settings: Settings) -> str | None:
        problem = settings_problem(settings.whatsapp)
        if problem:
            return problem
        try:
            _token()
        except ChannelError as exc:
            return exc.sentence
        return None

    def render(self, delivery: Delivery, context: RenderContext, settings: Settings) -> list[str]:
        whatsapp = settings.whatsapp
        to = delivery.destination.lstrip("+")
        parts = []
        if context.report is not None:
            params = template_params(context.report, context.notes)
            parts.append(json.dumps({
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
                "template": {"name": whatsapp.template_name, "language": {"code": whatsapp.template_language},
                             "components": [{"type": "body", "parameters": [
                                 {"type": "text", "text": value} for value in params]}]},
            }, ensure_ascii=False))
        if whatsapp.full_report or context.report is None:
            text = "\n".join([*context.notes, delivery.text]) if context.notes else delivery.text
            for chunk in split_text(text):
                parts.append(json.dumps({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                                         "type": "text", "text": {"preview_url": False, "body": chunk}},
                                        ensure_ascii=False))
        return parts

    def post(self, payload: dict, settings: Settings) -> str:
        whatsapp = settings.whatsapp
        problem = settings_problem(whatsapp)
        if problem:
            raise ChannelError("credentials", problem, whole_channel=True)
        url = f"{whatsapp.api_base.rstrip('/')}/{whatsapp.phone_number_id}/messages"
        answer = post_json(url, payload, timeout=whatsapp.timeout_seconds, what=WHAT,
                           headers={"Authorization": f"Bearer {_token()}"})
        body = answer.json()
        if answer.status == 200 and isinstance(body, dict) and body.get("messages"):
            return str(body["messages"][0].get("id", "wamid:unknown"))
        raise classify(answer.status, body if isinstance(body, dict) else None, "+" + payload.get("to", ""),
                       whatsapp, answer)

    def send_part(self, delivery: Delivery, index: int, part: str, settings: Settings,
                  report: Report | None) -> PartResult:
        payload = json.loads(part)
        try:
            return PartResult(self.post(payload, settings))
        except ChannelError as exc:
            if payload.get("type") == "text" and exc.sentence == WINDOW_CLOSED and delivery.message_ids:
                return PartResult("", note=WINDOW_CLOSED, stop=True)  # the template went; the rest must wait
            raise

    def describe(self, part: str) -> str:
        payload = json.loads(part)
        if payload.get("type") == "template":
            values = [item["text"] for item in payload["template"]["components"][0]["parameters"]]
            return f"[template {payload['template']['name']}]\n{fill_template(values)}"
        return payload.get("text", {}).get("body", "")

    def test(self, settings: Settings) -> str:
        """The test is the approved template itself, with TEST in place of the numbers: it arrives outside the
        24-hour window too, and a wrong template name or language shows now rather than at report time."""
        whatsapp = settings.whatsapp
        day = format_date(settings.business.today(), "EEE d MMM y", locale=settings.business.locale)
        params = [clean_param(settings.business.name, 60), day, "TEST", "TEST", "TEST", "TEST",
                  "This is a test from Business Orchestrator: the evening report will arrive like this."]
        sent = []
        for recipient in whatsapp.recipients:
            self.post({"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient.lstrip("+"),
                       "type": "template", "template": {
                           "name": whatsapp.template_name, "language": {"code": whatsapp.template_language},
                           "components": [{"type": "body", "parameters": [
                               {"type": "text", "text": value} for value in params]}]}}, settings)
            sent.append(recipient)
        return f"test template accepted by WhatsApp for {', '.join(sent)}" if sent else "no recipients set"

"""Slack: the report posted through an incoming webhook, laid out in Block Kit.

The webhook URL is the secret (anyone holding it can post), so it lives in the OS keyring and is never
printed. Layout: a header, the notes, the KPI cards as fields, the insights, the warnings; `text` is the
notification fallback. Slack's limits: 3,000 characters a section, 2,000 a field, 150 a header, 10
fields and 50 blocks a message. Errors come back as a plain-text body with the HTTP status
(invalid_token 403, no_service 404, channel_is_archived 410, 429 with Retry-After).
"""

from __future__ import annotations

import json

from ..cards import shown_cards
from ..outbox import Delivery
from ..render_branches import shop_lines
from ..report import Report
from ..secrets import Secret, SecretStoreUnavailable, get_secret
from ..settings import Settings
from .base import ChannelError, PartResult, RenderContext, quoted
from .http import post_json, retry_after

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
MAX_BLOCKS = 50
WHAT = "Slack"
NEW_WEBHOOK = "create a new incoming webhook for the channel and paste its URL in Settings → Channels → Slack"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> str:
    """Slack's control characters escaped: &, < and > (the rest is shown as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sections(lines: list[str], title: str) -> list[dict]:
    """Bulleted lines in as few sections as fit 3,000 characters each."""
    blocks, current = [], f"*{title}*"
    for line in lines:
        item = _cut(f"• {_mrkdwn(line)}", SECTION_LIMIT - len(title) - 4)
        if len(current) + 1 + len(item) > SECTION_LIMIT:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": current}})
            current = item
        else:
            current += "\n" + item
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": current}})
    return blocks


def report_blocks(report: Report, notes: list[str]) -> list[dict]:
    from .email import subject_line

    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": _cut(subject_line(report),
                                                                                         HEADER_LIMIT)}}]
    if notes:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": _cut(_mrkdwn(note), FIELD_LIMIT)} for note in notes[:10]]})
    fields = []
    for card in shown_cards(report):
        lines = [f"*{card.title}*", card.value, *(change.text for change in card.changes)]
        if card.note:
            lines.append(f"_{_mrkdwn(card.note)}_")
        fields.append({"type": "mrkdwn", "text": _cut("\n".join(lines), FIELD_LIMIT)})
    blocks.append({"type": "section", "fields": fields[:10]})
    if shop_lines(report):  # a head office's report: each shop's line
        blocks += _sections(shop_lines(report), "🏬 Branches")
    if report.insights:
        blocks.append({"type": "divider"})
        blocks += _sections(report.insights, "🧠 Insights")
    if report.warnings:
        blocks += _sections(report.warnings, "⚠️ Warnings")
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "… more in the app's summary window"}]}]
    return blocks


def plain_blocks(text: str, notes: list[str]) -> list[dict]:
    """The owner's edited text as it was typed, in sections of at most 3,000 characters."""
    body = "\n".join([*(f"_{note}_" for note in notes), text])
    chunks = [body[i:i + SECTION_LIMIT] for i in range(0, len(body), SECTION_LIMIT)] or [""]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(chunk)}} for chunk in chunks][:MAX_BLOCKS]


def _webhook() -> str:
    try:
        url = get_secret(Secret.SLACK_WEBHOOK_URL)
    except SecretStoreUnavailable as exc:
        raise ChannelError("credentials", str(exc), whole_channel=True) from None
    if not url:
        raise ChannelError("credentials", "Slack is on but no webhook URL is stored: paste it in Settings → "
                           "Channels → Slack", whole_channel=True)
    return url


def classify(status: int, body: str, answer=None) -> ChannelError:
    """Slack's documented webhook answers as sentences."""
    code = quoted(body.strip(), 60) or f"HTTP {status}"
    if status == 429:
        wait = retry_after(answer) if answer is not None else 60
        return ChannelError("flood", f"Slack asked to wait {wait} s (rate limited)", retry=True, wait_seconds=wait,
                            whole_channel=True)
    if "invalid_token" in body or "token_revoked" in body or "token_expired" in body:
        return ChannelError("auth", f"Slack refused the webhook ({code}): it was revoked or its app removed; "
                            f"{NEW_WEBHOOK}", whole_channel=True)
    if "no_service" in body or "no_team" in body or (status == 404 and "channel_not_found" not in body):
        return ChannelError("auth", f"Slack no longer knows this webhook ({code}): it was disabled or deleted; "
                            f"{NEW_WEBHOOK}", whole_channel=True)
    if "channel_is_archived" in body or status == 410:
        return ChannelError("destination", f"Slack's channel for this webhook is archived ({code}): unarchive it, "
                            f"or {NEW_WEBHOOK}", whole_channel=True)
    if "channel_not_found" in body:
        return ChannelError("destination", f"Slack cannot find the webhook's channel ({code}); {NEW_WEBHOOK}",
                            whole_channel=True)
    if "action_prohibited" in body or status == 403:
        return ChannelError("destination", f"Slack's workspace does not allow this webhook to post ({code}); ask "
                            "a workspace admin, or " + NEW_WEBHOOK, whole_channel=True)
    if status >= 500:
        return ChannelError("network", f"Slack had a problem ({code}); trying again later", retry=True,
                            whole_channel=True)
    return ChannelError("message", f"Slack refused the message ({code}); the details are in the log file")


class SlackChannel:
    name = "slack"
    limit = SECTION_LIMIT

    def targets(self, settings: Settings) -> list[str]:
        slack = settings.slack
        return [slack.channel_label or "webhook"] if slack.enabled else []

    def check(self, settings: Settings) -> str | None:
        try:
            _webhook()
        except ChannelError as exc:
            return exc.sentence
        return None

    def render(self, delivery: Delivery, context: RenderContext, settings: Settings) -> list[str]:
        report = context.report
        if delivery.edited or report is None:
            blocks, fallback = plain_blocks(delivery.text, context.notes), delivery.text
        else:
            blocks, fallback = report_blocks(report, context.notes), delivery.text
        return [json.dumps({"text": _cut(fallback, SECTION_LIMIT), "blocks": blocks}, ensure_ascii=False)]

    def post(self, payload: dict, settings: Settings) -> PartResult:
        answer = post_json(_webhook(), payload, timeout=settings.slack.timeout_seconds, what=WHAT)
        if answer.status == 200:
            return PartResult("slack:ok")
        raise classify(answer.status, answer.text, answer)

    def send_part(self, delivery: Delivery, index: int, part: str, settings: Settings,
                  report: Report | None) -> PartResult:
        return self.post(json.loads(part), settings)

    def describe(self, part: str) -> str:
        payload = json.loads(part)
        lines = []
        for block in payload.get("blocks", []):
            if block.get("type") in ("header", "section") and block.get("text"):
                lines.append(block["text"]["text"])
            for item in block.get("fields", []) + block.get("elements", []):
                lines.append(item.get("text", ""))
        return "\n".join(line for line in lines if line) or payload.get("text", "")

    def test(self, settings: Settings) -> str:
        self.post({"text": "✅ Business Orchestrator test: the evening report will be posted here."}, settings)
        where = settings.slack.channel_label or "the webhook's channel"
        return f"test message posted to {where}"

"""The channels a report can go to, and what is true of each: where it goes, whether it can send, its state.

Telegram is listed here too (its sender lives in desktop_app.delivery, on its own thread); the others
are `base.Channel` objects driven by `channels.sender`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..outbox import Delivery, Outbox
from ..settings import Settings
from .base import Channel, ChannelError, label, quoted

NAMES = ("telegram", "email", "slack", "whatsapp")
NOTE_LIMIT = 140


def get(name: str) -> Channel:
    """The channel object for a name other than telegram (imports only what that channel needs)."""
    if name == "email":
        from .email import EmailChannel

        return EmailChannel()
    if name == "slack":
        from .slack import SlackChannel

        return SlackChannel()
    if name == "whatsapp":
        from .whatsapp import WhatsAppChannel

        return WhatsAppChannel()
    raise KeyError(name)


def enabled(settings: Settings, name: str) -> bool:
    return bool(getattr(settings, name).enabled)


def targets(settings: Settings, name: str) -> list[str]:
    if name == "telegram":
        telegram = settings.telegram
        return list(telegram.destinations) if telegram.enabled else []
    return get(name).targets(settings)


def delivery_targets(settings: Settings) -> list[tuple[str, str]]:
    """(channel, destination) for every delivery row a new report gets: one per chat, address list, number."""
    return [(name, target) for name in NAMES for target in targets(settings, name)]


def any_enabled(settings: Settings) -> bool:
    return any(enabled(settings, name) for name in NAMES)


SHORT = {  # (channel, error kind) -> what happened and what to do, in a few words
    ("telegram", "auth"): "signed out — sign in again (Settings → Channels → Telegram)",
    ("telegram", "credentials"): "not signed in — sign in (Settings → Channels → Telegram)",
    ("telegram", "destination"): "the chat refused the bot — open it in Telegram and press Start",
    ("email", "auth"): "the mail server refused the sign-in — check the (app) password in Settings → Channels",
    ("email", "credentials"): "email is not fully set up — see Settings → Channels → Email",
    ("email", "destination"): "a recipient address was refused — check it in Settings → Channels",
    ("slack", "auth"): "the webhook was revoked — paste a new one in Settings → Channels → Slack",
    ("slack", "credentials"): "no webhook is set — paste one in Settings → Channels → Slack",
    ("slack", "destination"): "its channel is archived or gone — make a new webhook",
    ("whatsapp", "auth"): "the access token expired — paste a new one in Settings → Channels → WhatsApp",
    ("whatsapp", "credentials"): "the template or number ID is wrong — see Settings → Channels → WhatsApp",
    ("whatsapp", "destination"): "the number cannot receive WhatsApp — check it in Settings → Channels",
}


def problem_note(channel: str, sentence: str, kind: str | None = None) -> str:
    """The one line the other channels carry: 'Telegram could not deliver: signed out — sign in again'."""
    reason = SHORT.get((channel, kind or "")) or sentence
    return quoted(f"{label(channel)} could not deliver: {reason}", NOTE_LIMIT)


def notes_for(channel: str, problems: dict[str, tuple[str, str]] | dict[str, str]) -> list[str]:
    return [problem_note(other, *_pair(problem)) for other, problem in problems.items() if other != channel]


def _pair(problem: tuple[str, str] | str) -> tuple[str, str | None]:
    return (problem, None) if isinstance(problem, str) else problem


def delivered_text(delivery: Delivery) -> str:
    """What left (or will leave) the PC for this row, as the owner reads it."""
    if not delivery.parts:
        return _plain(delivery.text) if delivery.channel == "telegram" else delivery.text
    if delivery.channel == "telegram":
        return "\n".join(_plain(part) for part in delivery.parts)
    try:
        channel = get(delivery.channel)
        return "\n\n".join(channel.describe(part) for part in delivery.parts)
    except (KeyError, ValueError, TypeError, json.JSONDecodeError):
        return "\n".join(delivery.parts)


def _plain(html: str) -> str:
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


@dataclass
class ChannelStatus:
    """One line of `channels` and one row of the Channels tab."""

    name: str
    enabled: bool
    targets: list[str]
    ready: bool
    problem: str | None = None
    waiting: int = 0
    failed: int = 0
    last_state: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"name": self.name, "label": label(self.name), "enabled": self.enabled, "targets": self.targets,
                "ready": self.ready, "problem": self.problem, "waiting": self.waiting, "failed": self.failed,
                "last_state": self.last_state}


def readiness(settings: Settings, name: str) -> str | None:
    """Why a channel cannot send (checked offline: settings and secrets), else None. Telegram: keyring only."""
    if name == "telegram":
        from ..secrets import SecretStoreUnavailable
        from .telegram_auth import NotSignedIn, load_credentials

        try:
            load_credentials()
        except (NotSignedIn, SecretStoreUnavailable) as exc:
            return str(exc)
        if not settings.telegram.destinations:
            return "no destination chat set: add one in Settings → Channels → Telegram"
        return None
    return get(name).check(settings)


def statuses(settings: Settings, outbox: Outbox | None) -> list[ChannelStatus]:
    problems = outbox.owner_problems() if outbox else {}
    rows = outbox.deliveries(200) if outbox else []
    result = []
    for name in NAMES:
        on = enabled(settings, name)
        problem = (readiness(settings, name) if on else None) or (problems[name][0] if name in problems else None)
        mine = [row for row in rows if row.channel == name]
        result.append(ChannelStatus(
            name=name, enabled=on, targets=targets(settings, name) if on else [], ready=on and problem is None,
            problem=problem, waiting=sum(row.status in ("pending", "sending", "held") for row in mine),
            failed=sum(row.status == "failed" for row in mine), last_state=mine[0].status if mine else None))
    return result


def send_test(name: str, settings: Settings, client_factory=None) -> tuple[bool, str]:
    """Send a short test message now (blocks on the network: never on the GUI thread)."""
    if name == "telegram":
        from .telegram_auth import send_test_message

        return send_test_message(settings, client_factory=client_factory)
    try:
        channel = get(name)
    except KeyError:
        return False, f"there is no channel called '{name}'; use one of {', '.join(NAMES)}"
    try:
        return True, f"{label(name)}: {channel.test(settings)}"
    except ChannelError as exc:
        return False, f"{label(name)}: {exc.sentence}"

"""What every channel other than Telegram shares: its failure type, and the shape the sender drives.

A channel turns one delivery row into wire parts (`render`), puts one part on the wire (`send_part`,
returning the id to record), and says how a failure should be treated (`ChannelError`): retry later
(a network error, a rate limit, a full mailbox) or stop with a sentence the owner can act on.
Telegram keeps its own sender (Telethon needs its own thread and loop); it shares the outbox rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from ..outbox import Delivery, ErrorKind
from ..report import Report
from ..settings import Settings

LABELS = {"telegram": "Telegram", "email": "Email", "slack": "Slack", "whatsapp": "WhatsApp"}
MAX_QUOTED = 160  # a server's own words, quoted in a sentence, are cut to this length


def label(channel: str) -> str:
    return LABELS.get(channel, channel.title())


def quoted(text: str, limit: int = MAX_QUOTED) -> str:
    """A server's answer cut to a readable length, on one line."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ChannelError(Exception):
    """A failed send. `retry`: temporary (try again after `wait_seconds`, or the usual backoff).

    `maybe_sent`: the connection broke while the message was being handed over, so it may have
    arrived; the retry is marked as a possible duplicate. `whole_channel`: the same failure would
    hit every other row of this channel in this run (bad password, revoked webhook, rate limit).
    """

    kind: ErrorKind
    sentence: str
    retry: bool = False
    wait_seconds: int | None = None
    maybe_sent: bool = False
    whole_channel: bool = False

    def __str__(self) -> str:
        return self.sentence


@dataclass
class PartResult:
    """One part delivered: the id to record, and a note when it only partly went (refused recipients)."""

    message_id: str
    note: str | None = None
    stop: bool = False  # nothing more of this delivery can go now (WhatsApp's window is closed)


@dataclass
class RenderContext:
    """What a channel needs to turn a row into parts: the report, and the notes to print at the top."""

    report: Report | None
    notes: list[str] = field(default_factory=list)
    now: dt.datetime | None = None


class Channel(Protocol):
    name: str
    limit: int | None  # characters a message (or block / template body) may hold; None = no limit

    def targets(self, settings: Settings) -> list[str]:
        """Destinations a report goes to (one delivery row each); empty when the channel is off."""
        ...

    def check(self, settings: Settings) -> str | None:
        """Why this channel cannot send at all right now (settings or secret missing), else None."""
        ...

    def render(self, delivery: Delivery, context: RenderContext, settings: Settings) -> list[str]: ...

    def send_part(self, delivery: Delivery, index: int, part: str, settings: Settings,
                  report: Report | None) -> PartResult: ...

    def describe(self, part: str) -> str:
        """A part as the owner reads it in `outbox` and the summary window (the text as delivered)."""
        ...

    def test(self, settings: Settings) -> str:
        """Send a short test message; returns what happened, raises ChannelError when it failed."""
        ...

"""The sender: drains the outbox to every channel. `generate`, `send-pending` and the tray all call `send_pending`.

Telegram rows go through `_Sender` below (Telethon on its own thread); email, Slack and WhatsApp rows
through `channels.sender.ChannelDrain`, with the same row life and the same promises.

Order of events for one delivery, chosen so that a crash at any point loses nothing and sends
nothing twice: the row is marked `sending` and committed; each part goes out and its message id
is committed at once; the row is marked `sent`. Only one sender runs at a time on this machine
(a lock file the OS releases even when the process is killed), so a row found in `sending` at
start can only be a crash's leftover: it is sent once more, flagged as a possible duplicate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from filelock import FileLock, Timeout

from .outbox import Delivery, Outbox, utc_now
from .paths import AppPaths
from .render import late_note, with_header_notes
from .secrets import SecretStoreUnavailable
from .settings import Settings

log = logging.getLogger("business_orchestrator.delivery")
POSSIBLE_DUPLICATE_NOTE = "⚠️ possibly a duplicate: an earlier send was interrupted"
LOCK_FILE = "outbox.lock"

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class DrainResult:
    """What one run of the sender did; `messages` are sentences for the owner (CLI output, tray notification)."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    messages: list[str] = field(default_factory=list)
    channels: dict[str, DrainResult] = field(default_factory=dict)  # the same counts, per channel

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.retry_later == 0

    def add(self, channel: str, part: DrainResult) -> None:
        self.channels[channel] = part
        self.sent += part.sent
        self.failed += part.failed
        self.retry_later += part.retry_later
        self.messages += part.messages


def backoff_seconds(attempts: int, settings: Settings) -> int:
    """Capped exponential backoff after network errors: 30 s, 60 s, 120 s ... up to the cap."""
    telegram = settings.telegram
    return min(telegram.retry_first_seconds * 2 ** max(attempts - 1, 0), telegram.retry_max_seconds)


def message_parts(delivery: Delivery, settings: Settings, now: dt.datetime,
                  other_notes: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The report's HTML with its send-time notes (late, possible duplicate, another channel failing),
    split for Telegram."""
    from .channels.telegram import split_message

    notes = []
    computed = delivery.computed_at
    late_after = settings.telegram.late_after_minutes
    if computed and now - computed >= dt.timedelta(minutes=late_after) and late_after >= 0:
        notes.append(late_note(computed, now, settings.business.zone))
    if delivery.possible_duplicate:
        notes.append(POSSIBLE_DUPLICATE_NOTE)
    return split_message(with_header_notes(delivery.text, [*notes, *other_notes]))


def send_pending(settings: Settings, paths: AppPaths, *, client_factory=None,
                 now: Clock | dt.datetime | None = None, sleep: Sleep | None = None) -> DrainResult:
    """Send every delivery whose time has come; returns at once if another sender is busy.

    `client_factory(session, api_id, api_hash)` makes the object that plays `TelegramClient` (the
    test seam); `now` (a clock function, or a fixed aware datetime) and `sleep` replace the clock
    and the flood-wait pause in tests. Blocks the caller while sending: call it from a worker
    thread in the GUI, never from the GUI thread.
    """
    if isinstance(now, dt.datetime):
        fixed = now
        clock: Clock = lambda: fixed  # noqa: E731
    else:
        clock = now or utc_now
    outbox = Outbox(paths.history_db)
    paths.data.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.data / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return DrainResult(messages=["another sender is already sending the outbox; it will send these too"])
    try:
        return _drain_locked(settings, outbox, client_factory, clock, sleep or asyncio.sleep)
    finally:
        lock.release()


def _drain_locked(settings: Settings, outbox: Outbox, client_factory, clock: Clock, sleep: Sleep) -> DrainResult:
    from .channels.registry import notes_for
    from .channels.sender import ChannelDrain

    result = DrainResult()
    recovered = outbox.recover_interrupted(now=clock())
    if recovered:
        log.warning("deliveries %s were interrupted mid-send; sending once more, marked possible duplicate", recovered)
        result.messages.append(f"{len(recovered)} delivery(ies) interrupted by a crash are sent again "
                               "(marked possible duplicate)")
    if outbox.forget_future_waits(clock()):
        log.warning("deliveries were waiting for a time set by a clock that was days fast; they are due now")
    for channel in outbox.due_channels(clock()):
        due = outbox.due(clock(), channel)
        if not due:
            continue
        part = DrainResult()
        others = notes_for(channel, outbox.owner_problems())
        if channel == "telegram":
            _drain_telegram(settings, outbox, client_factory, clock, sleep, part, due, others)
        else:
            ChannelDrain(channel, settings, outbox, clock, part, others).run(due)
        result.add(channel, part)
    return result


def _drain_telegram(settings: Settings, outbox: Outbox, client_factory, clock: Clock, sleep: Sleep,
                    result: DrainResult, due: list[int], other_notes: list[str]) -> None:
    from .channels.telegram import run_on_telegram_thread
    from .channels.telegram_auth import NotSignedIn, load_credentials

    # Rows that cannot go are postponed, not just noted: the tray sends whatever is due, so a row left due
    # while nothing can send it would be tried again at once, over and over.
    if not settings.telegram.enabled:
        outbox.postpone(due, clock() + dt.timedelta(seconds=settings.telegram.retry_max_seconds),
                        "Telegram delivery is off in settings ([telegram] enabled = false)", "off")
        result.retry_later = len(due)
        result.messages.append(f"{len(due)} report(s) wait in the outbox: Telegram delivery is off in settings")
        return
    try:
        credentials = load_credentials()
    except (NotSignedIn, SecretStoreUnavailable) as exc:
        outbox.postpone(due, clock() + dt.timedelta(seconds=settings.telegram.retry_first_seconds), str(exc),
                        "credentials")
        result.retry_later = len(due)
        result.messages.append(f"{len(due)} report(s) wait in the outbox: {exc}")
        return
    sender = _Sender(settings, outbox, client_factory, clock, sleep, result, other_notes)
    run_on_telegram_thread(sender.drain(due, credentials))


class _Sender:
    """One drain on the Telegram thread: one client, connected once, for every due delivery."""

    def __init__(self, settings: Settings, outbox: Outbox, client_factory, clock: Clock, sleep: Sleep,
                 result: DrainResult, other_notes: list[str] | None = None):
        from .channels.telegram import default_client_factory

        self.settings, self.outbox, self.clock, self.sleep, self.result = settings, outbox, clock, sleep, result
        self.other_notes = other_notes or []
        timeout = settings.telegram.timeout_seconds
        self.factory = client_factory or (lambda session, api_id, api_hash: default_client_factory(
            session, api_id, api_hash, timeout=timeout))

    def _later(self, seconds: float) -> dt.datetime:
        return self.clock() + dt.timedelta(seconds=seconds)

    async def drain(self, due: list[int], credentials) -> None:
        from .channels.telegram import classify
        from .channels.telegram_auth import NotSignedIn, connect_signed_in, keep_session, make_client

        try:
            client = make_client(self.factory, credentials)
        except NotSignedIn as exc:  # a damaged session: like a revoked one, a new sign-in re-queues these
            self._fail_all(due, str(exc), "auth")
            return
        try:
            try:
                await asyncio.wait_for(connect_signed_in(client, credentials), self.settings.telegram.timeout_seconds)
            except NotSignedIn as exc:
                self._fail_all(due, str(exc), "auth")
                return
            except Exception as exc:  # classified below: nothing is swallowed
                outcome = classify(exc, "", self.settings.telegram.account)
                if outcome.kind == "auth":
                    self._fail_all(due, outcome.sentence, "auth")
                elif outcome.kind in ("network", "flood"):
                    wait = outcome.wait_seconds or backoff_seconds(1, self.settings)
                    self.outbox.postpone(due, self._later(wait), outcome.sentence, outcome.kind)
                    self.result.retry_later += len(due)
                    self.result.messages.append(f"{outcome.sentence}; {len(due)} report(s) will be tried again "
                                                f"in {wait} s")
                else:
                    log.error("Telegram sign-in failed", exc_info=exc)
                    self._fail_all(due, outcome.sentence, outcome.kind)
                return
            keep_session(client, credentials.session)
            for index, delivery_id in enumerate(due):
                stop = await self._send_one(client, delivery_id)
                if stop:
                    rest = due[index + 1:]
                    if stop.kind == "auth":
                        self._fail_all(rest, stop.sentence, "auth")
                    elif rest:
                        self.outbox.postpone(rest, self._later(stop.wait_seconds or 0), stop.sentence, stop.kind)
                        self.result.retry_later += len(rest)
                    return
        finally:
            try:
                await client.disconnect()
            except Exception as exc:  # the sends are recorded already; a failed goodbye changes nothing
                log.warning("disconnecting from Telegram failed: %s", exc)

    def _fail_all(self, ids: list[int], sentence: str, kind) -> None:
        for delivery_id in ids:
            self.outbox.mark_failed(delivery_id, sentence, kind)
        self.result.failed += len(ids)
        if ids:
            self.result.messages.append(f"{len(ids)} report(s) not sent: {sentence}")

    async def _send_one(self, client, delivery_id: int):
        """Send one delivery; returns the outcome that should stop this drain (auth, network), else None."""
        from .channels.telegram import chat_entity, classify, not_allowed_destination

        account = self.settings.telegram.account
        waited = False
        while True:
            delivery = self.outbox.claim(delivery_id, self.clock(),
                                         lambda row: message_parts(row, self.settings, self.clock(),
                                                                   self.other_notes))
            if delivery is None:
                return None
            label = f"report {delivery.report_date} to {delivery.destination}"
            problem = not_allowed_destination(delivery.destination, account)
            if problem:
                self.outbox.mark_failed(delivery_id, problem, "destination")
                self.result.failed += 1
                self.result.messages.append(f"{label}: {problem}")
                return None
            parts = delivery.parts[len(delivery.message_ids):]
            if delivery.possible_duplicate and delivery.message_ids and parts:
                parts[0] = f"<i>{POSSIBLE_DUPLICATE_NOTE}</i>\n{parts[0]}"  # resumed: frozen parts lack the note
            try:
                for part in parts:
                    message = await asyncio.wait_for(
                        client.send_message(chat_entity(delivery.destination), part, parse_mode="html",
                                            link_preview=False),
                        self.settings.telegram.timeout_seconds,
                    )
                    self.outbox.record_part(delivery_id, int(message.id))
            except Exception as exc:  # every error is classified and recorded on the row
                outcome = classify(exc, delivery.destination, account)
                log.warning("%s: %s", label, outcome.sentence)
                if outcome.kind == "flood":
                    wait = outcome.wait_seconds or 0
                    self.outbox.mark_retry(delivery_id, self._later(wait), outcome.sentence, "flood")
                    if not waited and wait <= self.settings.telegram.flood_wait_inline_seconds:
                        waited = True  # wait out one short flood per delivery and run; a second one is scheduled
                        await self.sleep(wait)
                        continue
                    self.result.retry_later += 1
                    self.result.messages.append(f"{label}: {outcome.sentence}; it goes out then")
                    return outcome
                if outcome.kind == "network":
                    wait = backoff_seconds(delivery.attempts, self.settings)
                    self.outbox.mark_retry(delivery_id, self._later(wait), outcome.sentence, "network",
                                           maybe_sent=True)
                    self.result.retry_later += 1
                    self.result.messages.append(f"{label}: {outcome.sentence}; trying again in {wait} s")
                    return replace(outcome, wait_seconds=wait)
                if outcome.kind == "unexpected":
                    log.error("%s: unexpected error", label, exc_info=exc)
                self.outbox.mark_failed(delivery_id, outcome.sentence, outcome.kind)
                self.result.failed += 1
                self.result.messages.append(f"{label}: {outcome.sentence}")
                return outcome if outcome.kind == "auth" else None
            self.outbox.mark_sent(delivery_id, self.clock())
            self.result.sent += 1
            log.info("%s sent in %d part(s)", label, len(delivery.parts))
            return None

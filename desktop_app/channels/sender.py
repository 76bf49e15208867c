"""The sender for every channel but Telegram: the same outbox promises, one row at a time.

For each due row: claim it (`sending`, committed before the network), render its parts once (frozen
after the first part went out), send the parts not yet recorded, record each part's id at once, mark
it `sent`. A temporary failure puts it back with its next try; a permanent one stops it with the
channel's sentence; a failure that would hit every row of the channel (a refused password, a revoked
webhook, a rate limit) stops the channel for this run and the other rows wait or fail with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from ..outbox import Delivery, Outbox
from ..render import late_note
from ..settings import Settings
from .base import Channel, ChannelError, RenderContext, label
from .registry import get

log = logging.getLogger("business_orchestrator.channels")
POSSIBLE_DUPLICATE_NOTE = "⚠️ possibly a duplicate: an earlier send was interrupted"


def _backoff(attempts: int, settings: Settings) -> int:
    from ..delivery import backoff_seconds

    return backoff_seconds(attempts, settings)


def header_notes(delivery: Delivery, settings: Settings, now: dt.datetime, others: list[str]) -> list[str]:
    notes = []
    computed, late_after = delivery.computed_at, settings.telegram.late_after_minutes
    if computed and late_after >= 0 and now - computed >= dt.timedelta(minutes=late_after):
        notes.append(late_note(computed, now, settings.business.zone))
    if delivery.possible_duplicate:
        notes.append(POSSIBLE_DUPLICATE_NOTE)
    return notes + others


class ChannelDrain:
    """One run over one channel's due rows."""

    def __init__(self, name: str, settings: Settings, outbox: Outbox, clock: Callable[[], dt.datetime], result,
                 other_notes: list[str]):
        self.name, self.label = name, label(name)
        self.settings, self.outbox, self.clock, self.result = settings, outbox, clock, result
        self.other_notes = other_notes
        self.channel: Channel = get(name)

    def _render(self, delivery: Delivery) -> list[str]:
        now = self.clock()
        context = RenderContext(self.outbox.report_for(delivery),
                                header_notes(delivery, self.settings, now, self.other_notes), now)
        return self.channel.render(delivery, context, self.settings)

    def run(self, due: list[int]) -> None:
        if not getattr(self.settings, self.name).enabled:
            self.outbox.postpone(due, self.clock() + dt.timedelta(seconds=self.settings.telegram.retry_max_seconds),
                                 f"{self.label} delivery is off in settings ([{self.name}] enabled = false)", "off")
            self.result.retry_later += len(due)
            self.result.messages.append(f"{len(due)} report(s) wait in the outbox: {self.label} delivery is off "
                                        "in settings")
            return
        problem = self.channel.check(self.settings)
        if problem:  # settings or secret missing: the rows wait (nothing was tried), say why, and are looked at
            # again shortly (postponed: the tray sends whatever is due, so a due row would be retried at once)
            self.outbox.postpone(due, self.clock() + dt.timedelta(seconds=self.settings.telegram.retry_first_seconds),
                                 problem, "credentials")
            self.result.retry_later += len(due)
            self.result.messages.append(f"{len(due)} report(s) wait in the outbox: {problem}")
            return
        for index, delivery_id in enumerate(due):
            stop = self._send_one(delivery_id)
            if stop is not None and stop.whole_channel:
                rest = due[index + 1:]
                if not rest:
                    return
                if stop.retry:
                    self.outbox.postpone(rest, self.clock() + dt.timedelta(seconds=stop.wait_seconds or 0),
                                         stop.sentence, stop.kind)
                    self.result.retry_later += len(rest)
                else:
                    for other in rest:
                        self.outbox.mark_failed(other, stop.sentence, stop.kind)
                    self.result.failed += len(rest)
                    self.result.messages.append(f"{len(rest)} more {self.label} report(s) not sent: {stop.sentence}")
                return

    def _send_one(self, delivery_id: int) -> ChannelError | None:
        delivery = self.outbox.claim(delivery_id, self.clock(), self._render)
        if delivery is None:
            return None
        where = f"{self.label} report {delivery.report_date} to {delivery.destination}"
        report = self.outbox.report_for(delivery)
        note = None
        try:
            for index in range(len(delivery.message_ids), len(delivery.parts)):
                sent = self.channel.send_part(delivery, index, delivery.parts[index], self.settings, report)
                note = sent.note or note
                if sent.stop:
                    break
                self.outbox.record_part(delivery_id, sent.message_id)
                delivery.message_ids.append(sent.message_id)
        except ChannelError as exc:
            log.warning("%s: %s", where, exc.sentence)
            if exc.retry:
                wait = exc.wait_seconds if exc.wait_seconds is not None else _backoff(delivery.attempts, self.settings)
                self.outbox.mark_retry(delivery_id, self.clock() + dt.timedelta(seconds=wait), exc.sentence,
                                       exc.kind, maybe_sent=exc.maybe_sent)
                self.result.retry_later += 1
                self.result.messages.append(f"{where}: {exc.sentence} (next try in {wait} s)")
                return ChannelError(exc.kind, exc.sentence, True, wait, exc.maybe_sent, exc.whole_channel)
            self.outbox.mark_failed(delivery_id, exc.sentence, exc.kind)
            self.result.failed += 1
            self.result.messages.append(f"{where}: {exc.sentence}")
            return exc
        except Exception as exc:  # a bug must not leave the row in `sending` until the next start
            log.exception("%s: unexpected error", where)
            sentence = f"{self.label} failed unexpectedly ({exc.__class__.__name__}); details are in the log file"
            self.outbox.mark_failed(delivery_id, sentence, "unexpected")
            self.result.failed += 1
            self.result.messages.append(f"{where}: {sentence}")
            return None
        self.outbox.mark_sent(delivery_id, self.clock(), note)
        self.result.sent += 1
        if note:
            self.result.messages.append(f"{where}: sent; {note}")
        log.info("%s sent in %d part(s)", where, len(delivery.parts))
        return None

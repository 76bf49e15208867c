"""The outbox: one delivery row per report and destination, in the history database.

A report and its delivery rows are written in ONE SQLite transaction (`enqueue_in` joins
`HistoryStore.transaction()`), so a saved report is never left without its delivery, and a
delivery never points at a report that was rolled back.

Life of a row: `pending` (or `held` until the owner approves, or until `hold_until` passes) ->
`sending` (committed BEFORE the network call) -> `sent` (message ids committed right after) or
back to `pending` with a later `next_attempt_at` (network, flood wait) or `failed` (a permanent
error, with a sentence saying what to do). A row found in `sending` when a sender starts was
interrupted by a crash: it is sent once more and marked `possible_duplicate`. Nothing else sends
twice: a long report sent in parts records each part's message id as it goes and resumes after
the last recorded part.

Every channel (Telegram, email, Slack, WhatsApp) is a destination of the same table, with the same
life: a report to three channels is three rows, written in the report's transaction. `body` holds the
report as that channel starts from (Telegram HTML; the plain text for the others), `parts` what was
(or will be) put on the wire, frozen once a first part went out.

Engines (issue 19): by default the deliveries live in this PC's history file (sqlite3 only, as above). Given a
database URL (`Outbox(path, url=...)`, e.g. a head-office PC keeping its outbox on the PostgreSQL server) the same
SQL runs through SQLAlchemy Core (storage/sql.py); the report's own file stays local, so `enqueue` then writes
the deliveries in their own transaction right after the report's.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal

from .db import connect
from .report import Report
from .storage.sql import Conn, Database

Status = Literal["pending", "sending", "sent", "failed", "held", "skipped"]
ErrorKind = Literal["auth", "destination", "message", "network", "flood", "credentials", "unexpected", "off"]
WAITING = ("pending", "sending", "held")
OWNER_KINDS = ("auth", "credentials", "destination")  # failures only the owner can fix
Target = str | tuple[str, str]  # a Telegram chat, or (channel, destination)



class OutboxError(Exception):
    """An owner action that does not fit the row's state (e.g. editing a report already sent)."""


# No retry, flood wait or approval hold is this long: a next try further away than this was set by a clock
# that was days fast, and waiting for it would silence the report, so it is due now.
CLOCK_CHANGED_AFTER = dt.timedelta(days=2)

# SQLite's MIN(next_attempt_at, :now), written so PostgreSQL runs it too (it has LEAST instead).
_EARLIER = "CASE WHEN next_attempt_at < :now THEN next_attempt_at ELSE :now END"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the machine's local time
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass
class Delivery:
    """One report on its way to one destination of one channel (what `outbox` and the tray show)."""

    id: int
    report_date: dt.date
    destination: str
    status: Status
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    message_ids: list[int | str]
    created_at: dt.datetime
    sent_at: dt.datetime | None
    possible_duplicate: bool
    report_revision: int = 1
    hold_until: dt.datetime | None = None
    computed_at: dt.datetime | None = None
    text: str = ""  # Telegram HTML as it will be sent (the owner's edit when `edited`)
    edited: bool = False
    error_kind: str | None = None
    parts: list[str] = field(default_factory=list)  # frozen once a first part went out
    channel: str = "telegram"

    @classmethod
    def from_row(cls, row) -> Delivery:  # sqlite3.Row or storage.sql.Row
        return cls(
            id=row["id"], report_date=dt.date.fromisoformat(row["report_date"]), destination=row["destination"],
            status=row["status"], attempts=row["attempts"],
            next_attempt_at=_time(row["next_attempt_at"]) if row["status"] in ("pending", "held") else None,
            last_error=row["last_error"], message_ids=json.loads(row["message_ids"]),
            created_at=_time(row["created_at"]), sent_at=_time(row["sent_at"]),
            possible_duplicate=bool(row["possible_duplicate"]), report_revision=row["report_revision"],
            hold_until=_time(row["hold_until"]), computed_at=_time(row["computed_at"]), text=row["body"],
            edited=bool(row["edited"]), error_kind=row["error_kind"], parts=json.loads(row["parts"] or "[]"),
            channel=row["channel"],
        )


class Outbox:
    """Delivery rows in the history database (or on `url`); every method opens its own short connection."""

    def __init__(self, history_db_path: Path, *, url: str | None = None, password: str | None = None, **tls):
        self.path = Path(history_db_path)  # the reports (`report_for`) are always this PC's history file
        # On the history file the deliveries table is part of its schema (chain `local`); alone on a URL, `outbox`.
        self.db = Database(self.path, "outbox" if url else "local", connect=connect, url=url, password=password,
                           **tls)

    def _connect(self):
        return self.db.read()

    def _write(self):
        return self.db.write()

    @staticmethod
    def _row(conn: Conn, delivery_id: int):
        row = conn.execute("SELECT * FROM deliveries WHERE id = :id", {"id": delivery_id}).fetchone()
        if row is None:
            raise OutboxError(f"there is no delivery #{delivery_id}")
        return row

    # -- writing a report's deliveries (inside the report's own transaction) -------------------------------

    def enqueue(self, report: Report, revision: int, destinations: Sequence[Target], *,
                hold_until: dt.datetime | None = None, now: dt.datetime | None = None) -> list[int]:
        """`enqueue_in` in the outbox's own transaction (an outbox on a URL, after the report was saved)."""
        with self._write() as conn:
            return self.enqueue_in(conn, report, revision, destinations, hold_until=hold_until, now=now)

    @staticmethod
    def enqueue_in(conn: Conn | sqlite3.Connection, report: Report, revision: int, destinations: Sequence[Target], *,
                   hold_until: dt.datetime | None = None, now: dt.datetime | None = None) -> list[int]:
        """Add one row per destination for `report`; an unsent row for the same date, channel and
        destination is replaced. A plain string is a Telegram chat; `(channel, destination)` any channel.

        Call inside `HistoryStore.transaction()` right after `save_in`, so both land or neither.
        A row already `sending` or `sent` is left alone: the new revision is a correction and goes too.
        """
        conn, now = Conn.of(conn), now or utc_now()
        day = report.date.isoformat()
        ids = []
        for target in destinations:
            channel, destination = ("telegram", target) if isinstance(target, str) else target
            conn.execute(
                "UPDATE deliveries SET status = 'skipped', last_error = :error, error_kind = NULL "
                "WHERE report_date = :day AND channel = :channel AND destination = :destination "
                "AND status IN ('pending', 'held', 'failed') "
                "AND report_revision != 0",  # alert rows (revision 0) are not the report's
                {"error": f"replaced by revision {revision} of this report before it was sent", "day": day,
                 "channel": channel, "destination": destination},
            )
            held = hold_until is not None and hold_until > now
            body = report.html if channel == "telegram" else report.text
            (new_id,) = conn.execute(
                "INSERT INTO deliveries (report_date, report_revision, channel, destination, status, body, "
                "computed_at, created_at, hold_until, next_attempt_at) VALUES (:day, :revision, :channel, "
                ":destination, :status, :body, :computed_at, :created_at, :hold_until, :next_attempt_at) "
                "RETURNING id",
                {"day": day, "revision": revision, "channel": channel, "destination": destination,
                 "status": "held" if held else "pending", "body": body, "computed_at": _iso(report.generated_at),
                 "created_at": _iso(now), "hold_until": _iso(hold_until) if held else None,
                 "next_attempt_at": _iso(hold_until if held else now)},
            ).fetchall()[0]  # read to the end: the statement is done before COMMIT
            ids.append(int(new_id))
        return ids

    def enqueue_alert_in_own(self, day: dt.date, html: str, text: str, destinations: Sequence[Target], *,
                             now: dt.datetime | None = None) -> list[int]:
        """`enqueue_alert_in` in the outbox's own transaction."""
        with self._write() as conn:
            return self.enqueue_alert_in(conn, day, html, text, destinations, now=now)

    @staticmethod
    def enqueue_alert_in(conn: Conn | sqlite3.Connection, day: dt.date, html: str, text: str,
                         destinations: Sequence[str | tuple[str, str]], *,
                         now: dt.datetime | None = None) -> list[int]:
        """Queue an alert message (revision 0 marks it: a report's new revision never replaces it);
        Telegram gets `html`, the other channels `text`."""
        conn, now = Conn.of(conn), now or utc_now()
        ids = []
        for target in destinations:
            channel, destination = ("telegram", target) if isinstance(target, str) else target
            (new_id,) = conn.execute(
                "INSERT INTO deliveries (report_date, report_revision, channel, destination, status, body, "
                "computed_at, created_at, next_attempt_at) VALUES (:day, 0, :channel, :destination, 'pending', "
                ":body, :now, :now, :now) RETURNING id",
                {"day": day.isoformat(), "channel": channel, "destination": destination,
                 "body": html if channel == "telegram" else text, "now": _iso(now)},
            ).fetchall()[0]  # read to the end: the statement is done before COMMIT
            ids.append(int(new_id))
        return ids

    # -- what the tray and `outbox` show ------------------------------------------------------------------

    def pending_count(self) -> int:
        """Reports not delivered yet and still on their way (pending, sending, or held for approval)."""
        with self._connect() as conn:
            (count,) = conn.execute(
                f"SELECT COUNT(*) FROM deliveries WHERE status IN {WAITING}"
            ).fetchone()
        return int(count)

    def failed_count(self) -> int:
        with self._connect() as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'failed'").fetchone()
        return int(count)

    def deliveries(self, limit: int = 50) -> list[Delivery]:
        """Newest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM deliveries ORDER BY id DESC LIMIT :limit",
                                {"limit": limit}).fetchall()
        return [Delivery.from_row(row) for row in rows]

    def get(self, delivery_id: int) -> Delivery:
        with self._connect() as conn:
            return Delivery.from_row(self._row(conn, delivery_id))

    def for_day(self, day: dt.date) -> list[Delivery]:
        """Every delivery of one report date, oldest first (the summary window's per-channel states)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM deliveries WHERE report_date = :day ORDER BY id",
                                {"day": day.isoformat()}).fetchall()
        return [Delivery.from_row(row) for row in rows]

    def report_for(self, delivery: Delivery) -> Report | None:
        """The report revision a delivery carries (channels other than Telegram render from it)."""
        with closing(connect(self.path)) as conn:  # the history file, wherever the deliveries are
            row = conn.execute("SELECT body FROM reports WHERE date = ? AND revision = ?",
                               (delivery.report_date.isoformat(), delivery.report_revision)).fetchone()
        return Report.from_dict(json.loads(row["body"])) if row else None

    def owner_problems(self) -> dict[str, tuple[str, str]]:
        """Channel -> (sentence, error kind): why its newest delivery did not go out, for failures only the
        owner can fix.

        A channel's problem lasts until a later delivery on it is sent (or the failed one is skipped
        or retried): the tray shows it, and the other channels' messages carry a one-line note.
        """
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT channel, status, last_error, error_kind FROM deliveries WHERE id IN "
                "(SELECT MAX(id) FROM deliveries WHERE status != 'skipped' GROUP BY channel, destination)"
            ).fetchall()
        problems: dict[str, str] = {}
        for row in rows:
            stuck = row["status"] == "failed" or (row["status"] in ("pending", "held")
                                                  and row["error_kind"] == "credentials")
            if stuck and row["error_kind"] in OWNER_KINDS and row["last_error"]:
                problems.setdefault(row["channel"], (row["last_error"], row["error_kind"]))
        return problems

    def next_attempt_at(self) -> dt.datetime | None:
        """When a sender next has something to do (the tray arms a timer for it); None = nothing waits."""
        with self._connect() as conn:
            (stamp,) = conn.execute(
                "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'held')"
            ).fetchone()
        return _time(stamp)

    # -- the owner's actions -----------------------------------------------------------------------------

    def _change(self, delivery_id: int, allowed: tuple[str, ...], action: str, sql: str, **params: object) -> None:
        with self._write() as conn:
            row = self._row(conn, delivery_id)
            if row["status"] not in allowed:
                raise OutboxError(f"delivery #{delivery_id} is {row['status']}: it cannot be {action}")
            conn.execute(f"UPDATE deliveries SET {sql} WHERE id = :id", {**params, "id": delivery_id})

    def release(self, delivery_id: int, *, now: dt.datetime | None = None) -> None:
        """A held report is approved: the next sender run sends it."""
        self._change(delivery_id, ("held",), "released",
                     "status = 'pending', hold_until = NULL, next_attempt_at = :now", now=_iso(now or utc_now()))

    def hold(self, delivery_id: int, until: dt.datetime | None = None) -> None:
        """Keep a pending report back for review; it goes out by itself at `until` (None: only when released)."""
        until = until or dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        self._change(delivery_id, ("pending",), "held",
                     "status = 'held', hold_until = :until, next_attempt_at = :until", until=_iso(until))

    def skip(self, delivery_id: int) -> None:
        """The owner does not want this report sent."""
        self._change(delivery_id, ("pending", "held", "failed"), "skipped",
                     "status = 'skipped', last_error = 'skipped by the owner', error_kind = NULL")

    def retry(self, delivery_id: int, *, now: dt.datetime | None = None) -> None:
        """Try a failed delivery again, after the owner fixed what its error said."""
        self._change(delivery_id, ("failed",), "retried",
                     "status = 'pending', next_attempt_at = :now, error_kind = NULL", now=_iso(now or utc_now()))

    def replace_text(self, delivery_id: int, text: str, *, html: bool = False) -> None:
        """The owner's edit before sending. Plain text is escaped for Telegram; pass html=True for HTML.
        Other channels keep the plain text as typed."""
        with self._connect() as conn:
            channel = self._row(conn, delivery_id)["channel"]
        body = text if html or channel != "telegram" else escape(text, quote=False)
        self._change(delivery_id, ("pending", "held", "failed"), "edited",
                     "body = :body, edited = 1, parts = NULL", body=body)

    def requeue_auth_failures(self, *, now: dt.datetime | None = None) -> int:
        """After a new sign-in, reports that failed only because the session was revoked are sent again
        (and those waiting for a first sign-in go at once)."""
        with self._write() as conn:
            moment = {"now": _iso(now or utc_now())}
            cursor = conn.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = :now, error_kind = NULL "
                "WHERE status = 'failed' AND error_kind IN ('auth', 'credentials') AND channel = 'telegram'", moment,
            )
            conn.execute(
                f"UPDATE deliveries SET next_attempt_at = {_EARLIER} "
                "WHERE status = 'pending' AND error_kind = 'credentials' AND channel = 'telegram'", moment,
            )
        return cursor.rowcount

    def wake(self, *, now: dt.datetime | None = None) -> int:
        """Rows waiting only for the owner's set-up (a sign-in, a password, a channel switched on) become due
        now: after the settings were saved, or when the owner runs `send-pending`."""
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE deliveries SET next_attempt_at = {_EARLIER} "
                "WHERE status = 'pending' AND error_kind IN ('credentials', 'off')",
                {"now": _iso(now or utc_now())},
            )
        return cursor.rowcount

    # -- the sender's side (desktop_app.delivery) ---------------------------------------------------------

    def recover_interrupted(self, *, now: dt.datetime | None = None) -> list[int]:
        """Rows left in `sending` by a crash: send each once more, flagged as a possible duplicate.

        Only call while holding the sender lock (no other sender can be mid-send).
        """
        with self._write() as conn:
            ids = [row["id"] for row in conn.execute("SELECT id FROM deliveries WHERE status = 'sending'")]
            conn.execute(
                "UPDATE deliveries SET status = 'pending', possible_duplicate = 1, next_attempt_at = :now, "
                "last_error = 'the previous send was interrupted; it may have arrived already' "
                "WHERE status = 'sending'",
                {"now": _iso(now or utc_now())},
            )
        return ids

    def forget_future_waits(self, now: dt.datetime) -> int:
        """Retry and hold times set by a clock that was days fast are brought back to `now` (held-until-released
        rows stay held); returns how many. Call before `due`."""
        horizon = _iso(now + CLOCK_CHANGED_AFTER)
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE deliveries SET next_attempt_at = :now, hold_until = CASE WHEN hold_until IS NULL THEN NULL "
                "ELSE :now END WHERE status IN ('pending', 'held') AND next_attempt_at > :horizon "
                "AND next_attempt_at < '9000'",
                {"now": _iso(now), "horizon": horizon},
            ).rowcount
        return changed

    def due(self, now: dt.datetime, channel: str | None = None) -> list[int]:
        """Rows whose turn has come, oldest report first (of one channel, or of all)."""
        stamp = _iso(now)
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, channel, next_attempt_at FROM deliveries WHERE status IN ('pending', 'held') "
                "ORDER BY report_date, id"
            ).fetchall()
        return [row["id"] for row in rows
                if row["next_attempt_at"] <= stamp and (channel is None or row["channel"] == channel)]

    def due_channels(self, now: dt.datetime) -> list[str]:
        """Channels with something due, in the order their first due row was queued."""
        stamp = _iso(now)
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT channel, next_attempt_at FROM deliveries WHERE status IN ('pending', 'held') "
                "ORDER BY report_date, id"
            ).fetchall()
        return list(dict.fromkeys(row["channel"] for row in rows if row["next_attempt_at"] <= stamp))

    def claim(self, delivery_id: int, now: dt.datetime,
              render: Callable[[Delivery], list[str]]) -> Delivery | None:
        """Mark one due row `sending` and commit, before anything goes on the wire.

        `render` turns the row into message parts; parts are frozen once the first part was sent,
        so a resumed send continues the same message. None when the row is no longer due
        (the owner skipped it, another revision replaced it).
        """
        with self._write() as conn:
            row = self._row(conn, delivery_id)
            if row["status"] not in ("pending", "held") or row["next_attempt_at"] > _iso(now):
                return None
            delivery = Delivery.from_row(row)
            if not delivery.message_ids:
                delivery.parts = render(delivery)
            conn.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, parts = :parts WHERE id = :id",
                {"parts": json.dumps(delivery.parts, ensure_ascii=False), "id": delivery_id},
            )
        delivery.status, delivery.attempts = "sending", delivery.attempts + 1
        return delivery

    def record_part(self, delivery_id: int, message_id: int | str) -> None:
        """One part is out (Telegram message id, email Message-ID, WhatsApp wamid): commit its id at once
        so a retry never sends it again."""
        with self._write() as conn:
            ids = json.loads(self._row(conn, delivery_id)["message_ids"])
            conn.execute("UPDATE deliveries SET message_ids = :ids WHERE id = :id",
                         {"ids": json.dumps([*ids, message_id]), "id": delivery_id})

    def mark_sent(self, delivery_id: int, now: dt.datetime, note: str | None = None) -> None:
        """Delivered; `note` says what did not fully go (some recipients refused, WhatsApp's text part)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = 'sent', sent_at = :now, error_kind = NULL, "
                "last_error = COALESCE(:note, CASE WHEN possible_duplicate = 1 THEN last_error END) WHERE id = :id",
                {"now": _iso(now), "note": note, "id": delivery_id},
            )

    def mark_retry(self, delivery_id: int, when: dt.datetime, error: str, kind: ErrorKind, *,
                   maybe_sent: bool = False) -> None:
        """A transient failure: back to `pending`, next try at `when`.

        `maybe_sent`: the connection broke during the send itself, so Telegram may have the part
        already; the retry is then flagged as a possible duplicate rather than silently doubled.
        """
        with self._write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = :when, last_error = :error, "
                "error_kind = :kind, possible_duplicate = CASE WHEN :maybe_sent = 1 THEN 1 ELSE possible_duplicate "
                "END WHERE id = :id AND status = 'sending'",
                {"when": _iso(when), "error": error, "kind": kind, "maybe_sent": int(maybe_sent), "id": delivery_id},
            )

    def postpone(self, delivery_ids: Sequence[int], when: dt.datetime, error: str, kind: ErrorKind) -> None:
        """Rows not tried in this run (the network is down, nobody is signed in): wait without using an attempt."""
        with self._write() as conn:
            for delivery_id in delivery_ids:
                conn.execute(
                    "UPDATE deliveries SET next_attempt_at = CASE WHEN next_attempt_at > :when THEN next_attempt_at "
                    "ELSE :when END, last_error = :error, error_kind = :kind WHERE id = :id AND status = 'pending'",
                    {"when": _iso(when), "error": error, "kind": kind, "id": delivery_id},
                )

    def note(self, delivery_ids: Sequence[int], error: str, kind: ErrorKind) -> None:
        """Say why waiting rows are not going out, without changing when they are due."""
        with self._write() as conn:
            for delivery_id in delivery_ids:
                conn.execute("UPDATE deliveries SET last_error = :error, error_kind = :kind WHERE id = :id "
                             "AND status IN ('pending', 'held')", {"error": error, "kind": kind, "id": delivery_id})

    def mark_failed(self, delivery_id: int, error: str, kind: ErrorKind) -> None:
        """A permanent failure: never retried until the owner (or a new sign-in) says so."""
        with self._write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = 'failed', last_error = :error, error_kind = :kind "
                "WHERE id = :id AND status IN ('sending', 'pending', 'held')",
                {"error": error, "kind": kind, "id": delivery_id},
            )

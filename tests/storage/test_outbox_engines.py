"""The deliveries outbox on both engines: the PC's SQLite history file (the default) and a PostgreSQL database.

Every state change of a delivery's life, the SQL that differs between the dialects (the earlier/later of two
times, RETURNING the new id) and the transaction that rolls back whole, with the same assertions on both.
"""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox, OutboxError
from tests.desktop_app.outbox_helpers import DAY, SIX_PM, make_report

LATER = SIX_PM + dt.timedelta(hours=1)


@pytest.fixture
def box(engine_name, tmp_path, request):
    history = tmp_path / "history.sqlite3"
    if engine_name == "sqlite":
        outbox = Outbox(history)
    else:
        database = request.getfixturevalue("pg_database")
        outbox = Outbox(history, url=database.url, password=database.password)
    assert outbox.db.dialect == engine_name
    yield outbox
    outbox.db.dispose()


def test_deliveries_are_queued_newest_first_with_their_ids(box):
    ids = box.enqueue(make_report(), 1, ["@owner_ramesh", ("email", "owner@example.com")], now=SIX_PM)
    assert len(set(ids)) == 2 and all(isinstance(i, int) for i in ids)
    rows = box.deliveries()
    assert [row.id for row in rows] == sorted(ids, reverse=True)
    assert [(row.channel, row.destination) for row in reversed(rows)] == [("telegram", "@owner_ramesh"),
                                                                        ("email", "owner@example.com")]
    assert rows[1].text == make_report().html and rows[0].text == make_report().text
    assert all(row.status == "pending" and row.computed_at == SIX_PM and row.report_date == DAY for row in rows)
    assert box.pending_count() == 2 and box.failed_count() == 0 and box.for_day(DAY) == list(reversed(rows))
    assert box.due(SIX_PM) == sorted(ids) and box.due_channels(SIX_PM) == ["telegram", "email"]
    assert box.due(SIX_PM, "email") == [ids[1]] and box.next_attempt_at() == SIX_PM


def test_a_new_revision_replaces_the_unsent_row_but_not_an_alert_or_a_sent_one(box):
    (alert,) = box.enqueue_alert_in_own(DAY, "<b>alert</b>", "alert", ["@owner_ramesh"], now=SIX_PM)
    (first,) = box.enqueue(make_report(total=100), 1, ["@owner_ramesh"], now=SIX_PM)
    (second,) = box.enqueue(make_report(total=200), 2, ["@owner_ramesh"], now=SIX_PM)
    assert box.get(first).status == "skipped" and "replaced by revision 2" in box.get(first).last_error
    assert box.get(alert).status == "pending" and box.get(alert).report_revision == 0
    assert box.claim(second, SIX_PM, lambda row: ["part 1", "part 2"]).parts == ["part 1", "part 2"]
    box.record_part(second, 7)
    box.record_part(second, "wamid.8")
    box.mark_sent(second, SIX_PM)
    (third,) = box.enqueue(make_report(total=300), 3, ["@owner_ramesh"], now=SIX_PM)
    sent = box.get(second)
    assert sent.status == "sent" and sent.message_ids == [7, "wamid.8"] and sent.sent_at == SIX_PM
    assert box.get(third).status == "pending" and box.pending_count() == 2


def test_hold_release_skip_retry_and_the_owners_edit(box):
    (held,) = box.enqueue(make_report(), 1, ["@owner_ramesh"], hold_until=LATER, now=SIX_PM)
    assert box.get(held).status == "held" and box.get(held).hold_until == LATER
    assert box.due(SIX_PM) == [] and box.due(LATER) == [held]
    with pytest.raises(OutboxError, match="cannot be retried"):
        box.retry(held)
    box.release(held, now=SIX_PM)
    assert box.get(held).status == "pending" and box.due(SIX_PM) == [held]
    box.hold(held, LATER)
    assert box.get(held).status == "held" and box.next_attempt_at() == LATER
    box.replace_text(held, "Sales <b>up</b> & down")
    assert box.get(held).text == "Sales &lt;b&gt;up&lt;/b&gt; &amp; down" and box.get(held).edited
    box.skip(held)
    assert box.get(held).status == "skipped" and box.pending_count() == 0
    with pytest.raises(OutboxError, match="no delivery #999"):
        box.get(999)


def test_retry_postpone_and_wake_keep_the_later_or_earlier_time(box):
    a, b = box.enqueue(make_report(), 1, ["@a", "@b"], now=SIX_PM)
    box.claim(a, SIX_PM, lambda row: ["x"])
    box.mark_retry(a, LATER, "network down", "network", maybe_sent=True)
    row = box.get(a)
    assert (row.status, row.next_attempt_at, row.error_kind, row.possible_duplicate) == ("pending", LATER,
                                                                                       "network", True)
    box.claim(a, LATER, lambda row: ["x"])
    box.mark_retry(a, LATER, "again", "network", maybe_sent=False)
    assert box.get(a).possible_duplicate  # once flagged, stays flagged
    box.postpone([a, b], SIX_PM + dt.timedelta(minutes=30), "no sign-in", "credentials")
    assert box.get(a).next_attempt_at == LATER  # already later: kept
    assert box.get(b).next_attempt_at == SIX_PM + dt.timedelta(minutes=30)  # moved later
    assert box.wake(now=SIX_PM) == 2
    assert box.get(a).next_attempt_at == SIX_PM and box.get(b).next_attempt_at == SIX_PM
    box.postpone([b], LATER, "no sign-in", "credentials")
    assert box.requeue_auth_failures(now=SIX_PM + dt.timedelta(minutes=5)) == 0
    assert box.get(b).next_attempt_at == SIX_PM + dt.timedelta(minutes=5)
    box.note([a], "waiting for the owner", "off")
    assert box.get(a).last_error == "waiting for the owner" and box.get(a).next_attempt_at == SIX_PM


def test_failures_the_owner_must_fix_and_a_new_sign_in(box):
    a, b = box.enqueue(make_report(), 1, ["@a", ("slack", "#sales")], now=SIX_PM)
    box.claim(a, SIX_PM, lambda row: ["x"])
    box.mark_failed(a, "the session was revoked: sign in again", "auth")
    box.claim(b, SIX_PM, lambda row: ["x"])
    box.mark_sent(b, SIX_PM, note="one recipient refused")
    assert box.failed_count() == 1 and box.get(b).last_error == "one recipient refused"
    assert box.owner_problems() == {"telegram": ("the session was revoked: sign in again", "auth")}
    assert box.requeue_auth_failures(now=LATER) == 1
    assert box.get(a).status == "pending" and box.get(a).next_attempt_at == LATER and box.owner_problems() == {}
    box.claim(a, LATER, lambda row: ["x"])
    box.mark_failed(a, "chat not found", "destination")
    box.retry(a, now=LATER)
    assert box.get(a).status == "pending" and box.get(a).error_kind is None


def test_an_interrupted_send_goes_again_flagged_and_a_fast_clock_is_forgotten(box):
    a, b = box.enqueue(make_report(), 1, ["@a", "@b"], now=SIX_PM)
    assert box.claim(a, SIX_PM, lambda row: ["x"]).status == "sending"
    assert box.claim(a, SIX_PM, lambda row: ["x"]) is None  # no longer due
    assert box.recover_interrupted(now=SIX_PM) == [a]
    row = box.get(a)
    assert row.status == "pending" and row.possible_duplicate and row.attempts == 1
    box.postpone([b], SIX_PM + dt.timedelta(days=5), "later", "network")
    assert box.forget_future_waits(SIX_PM) == 1 and box.get(b).next_attempt_at == SIX_PM


def test_a_transaction_that_fails_leaves_no_delivery(box):
    with pytest.raises(RuntimeError), box._write() as conn:
        box.enqueue_in(conn, make_report(), 1, ["@owner_ramesh"], now=SIX_PM)
        raise RuntimeError("the report's save failed after the delivery was written")
    assert box.deliveries() == [] and box.pending_count() == 0


def test_the_report_a_delivery_carries_is_read_from_this_pcs_history(box):
    store = HistoryStore(box.path)
    with store.transaction() as conn:
        revision = store.save_in(conn, make_report(total=4321))
    (row,) = box.enqueue(make_report(total=4321), revision, [("email", "owner@example.com")], now=SIX_PM)
    assert box.report_for(box.get(row)).sales.total == 4321


def test_on_the_pcs_own_files_neither_store_imports_sqlalchemy(tmp_path):
    """The tray's path: a day of deliveries and fetched records on current files runs on sqlite3 alone."""
    import subprocess
    import sys
    from pathlib import Path

    from connectors.store import RecordStore

    history, records = tmp_path / "history.sqlite3", tmp_path / "live.sqlite3"
    Outbox(history)
    RecordStore(records).count("Shopify")  # both files made and migrated here, as on any earlier start
    code = f"""
import datetime as dt, sys
from pathlib import Path
from connectors.base import Record
from connectors.store import RecordStore
from desktop_app.outbox import Outbox
from tests.desktop_app.outbox_helpers import SIX_PM, make_report
box = Outbox(Path({str(history)!r}))
(row,) = box.enqueue(make_report(), 1, ["@owner_ramesh"], now=SIX_PM)
box.claim(row, SIX_PM, lambda delivery: ["x"]); box.mark_sent(row, SIX_PM); box.wake(now=SIX_PM)
assert box.get(row).status == "sent" and box.pending_count() == 0
store = RecordStore(Path({str(records)!r}))
store.save_fetch("Shopify", "a", [Record("1", {{"id": 1}})], since=None, until=SIX_PM, finished_at=SIX_PM)
assert store.records("Shopify") == [{{"id": 1}}] and store.state("Shopify").records == 1
print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'pg8000')))
"""
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

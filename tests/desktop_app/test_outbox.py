"""The outbox: delivery rows share the report's transaction; replacing, holding, editing, skipping."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox, OutboxError
from desktop_app.pipeline import run_report
from desktop_app.settings import Settings

from .outbox_helpers import DAY, SIX_PM, make_report, paths, queue, telegram_settings


def outbox() -> Outbox:
    return Outbox(paths().history_db)


def test_report_and_its_deliveries_land_in_one_transaction():
    ids = queue(make_report(), ["@owner_ramesh", "me"])
    rows = outbox().deliveries()
    assert [row.id for row in rows] == sorted(ids, reverse=True)
    assert {row.destination for row in rows} == {"@owner_ramesh", "me"}
    assert all(row.status == "pending" and row.attempts == 0 and row.report_date == DAY for row in rows)
    assert rows[0].text == make_report().html and rows[0].computed_at == SIX_PM
    assert outbox().pending_count() == 2


def test_a_failed_save_leaves_neither_report_nor_delivery():
    store = HistoryStore(paths().history_db)
    box = outbox()
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        revision = store.save_in(conn, make_report())
        box.enqueue_in(conn, make_report(), revision, ["@owner_ramesh"])
        conn.execute("INSERT INTO reports (date, revision, generated_at, engine, body) VALUES (?, 1, '', 'rules', '')",
                     (DAY.isoformat(),))  # same date and revision: the transaction fails after both writes
    assert store.get(DAY) is None
    assert box.deliveries() == [] and box.pending_count() == 0


def test_regenerating_replaces_the_pending_delivery_instead_of_sending_both():
    first = queue(make_report(total=100), ["@owner_ramesh"])[0]
    second = queue(make_report(total=200), ["@owner_ramesh"])[0]
    box = outbox()
    assert box.get(first).status == "skipped" and "replaced by revision 2" in box.get(first).last_error
    assert box.get(second).status == "pending" and box.get(second).report_revision == 2
    assert box.pending_count() == 1
    assert box.due(SIX_PM + dt.timedelta(minutes=1)) == [second]


def test_a_report_already_sent_is_not_replaced_its_correction_goes_too():
    first = queue(make_report(total=100), ["@owner_ramesh"])[0]
    box = outbox()
    assert box.claim(first, SIX_PM, lambda row: ["part"]) is not None
    box.record_part(first, 7)
    box.mark_sent(first, SIX_PM)
    second = queue(make_report(total=200), ["@owner_ramesh"])[0]
    assert box.get(first).status == "sent" and box.get(first).message_ids == [7]
    assert box.get(second).status == "pending"


def test_held_report_waits_for_approval_and_goes_by_itself_when_the_hold_ends():
    hold_until = SIX_PM + dt.timedelta(minutes=30)
    (held,) = queue(make_report(), ["@owner_ramesh"], hold_until=hold_until, now=SIX_PM)
    box = outbox()
    assert box.get(held).status == "held" and box.get(held).hold_until == hold_until
    assert box.due(SIX_PM + dt.timedelta(minutes=29)) == []
    assert box.due(hold_until) == [held]
    assert box.next_attempt_at() == hold_until


def test_release_sends_a_held_report_now_and_skip_drops_it():
    (held,) = queue(make_report(), ["@owner_ramesh"], hold_until=SIX_PM + dt.timedelta(hours=1), now=SIX_PM)
    box = outbox()
    box.release(held, now=SIX_PM)
    assert box.get(held).status == "pending" and box.due(SIX_PM) == [held]
    with pytest.raises(OutboxError, match="cannot be released"):
        box.release(held)
    box.skip(held)
    assert box.get(held).status == "skipped" and box.due(SIX_PM) == [] and box.pending_count() == 0


def test_owner_edit_is_escaped_and_refused_once_sent():
    (row,) = queue(make_report(), ["@owner_ramesh"])
    box = outbox()
    box.replace_text(row, "Sales <b>up</b> & leads down")
    assert box.get(row).text == "Sales &lt;b&gt;up&lt;/b&gt; &amp; leads down" and box.get(row).edited
    box.replace_text(row, "<b>Sales</b> up", html=True)
    assert box.get(row).text == "<b>Sales</b> up"
    box.claim(row, SIX_PM, lambda delivery: [delivery.text])
    box.mark_sent(row, SIX_PM)
    with pytest.raises(OutboxError, match="is sent"):
        box.replace_text(row, "too late")


def test_pipeline_queues_only_when_sending_is_wanted_and_telegram_is_on(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text("date,order_id,amount\n2026-11-24,1,1200\n", encoding="utf-8")
    from connectors.base import SourceSpec

    specs = [SourceSpec(name="sales.csv", domain="sales", path=str(sales))]
    settings = telegram_settings("@owner_ramesh", "-1001234567890")
    run_report(settings, paths(), DAY, specs=specs, offline=True, send=False)
    assert outbox().deliveries() == []
    run_report(Settings(), paths(), DAY, specs=specs, offline=True, send=True)  # telegram off
    assert outbox().deliveries() == []
    report = run_report(settings, paths(), DAY, specs=specs, offline=True, send=True)
    rows = outbox().deliveries()
    assert sorted(row.destination for row in rows) == ["-1001234567890", "@owner_ramesh"]
    assert all(row.text == report.html and row.report_revision == 3 for row in rows)

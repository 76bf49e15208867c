"""The shared history on both engines (a SQLite file and the test PostgreSQL server): keys, revisions, listing,
the outbox of rows and its push, an unreachable database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop_app.history import HistoryStore
from desktop_app.report import Report, SalesKpis
from desktop_app.storage.push import push_pending, waiting
from desktop_app.storage.shared import BranchRow, SharedHistory, SharedUnavailable
from tests.pg_server import free_port

DAY = dt.date(2026, 3, 2)


def report(day: dt.date, total: float, *, at: str = "19:00:00+05:30") -> Report:
    return Report(date=day, currency="INR", business="Shree Traders",
                  sales=SalesKpis(total=total, orders=3, avg_order=round(total / 3, 2)), leads=None, attendance=None,
                  generated_at=dt.datetime.fromisoformat(f"{day.isoformat()}T{at}"))


def row(branch: str, day: dt.date, revision: int, total: float, *, pc: str = "PC-1") -> BranchRow:
    body = report(day, total)
    return BranchRow(branch=branch, date=day, revision=revision, pc=pc,
                     generated_at=body.generated_at.isoformat(timespec="seconds"), engine="rules", demo=False,
                     body=json.dumps(body.to_dict()))


def totals(shared: SharedHistory, first=DAY, last=DAY + dt.timedelta(days=30)) -> dict:
    return {branch: {day: r.sales.total for day, r in days.items()}
            for branch, days in shared.branch_reports(first, last).items()}


def test_branches_have_separate_keys_and_the_highest_revision_is_current(shared):
    put = shared.put([row("Naroda", DAY, 1, 1000.0), row("Maninagar", DAY, 1, 2500.5),
                      row("Naroda", DAY, 2, 1100.25)])
    assert (put.added, put.already, put.conflicts) == (3, 0, [])
    assert totals(shared) == {"Naroda": {DAY: 1100.25}, "Maninagar": {DAY: 2500.5}}
    assert shared.branch_reports(DAY, DAY, branches=["Maninagar"]).keys() == {"Maninagar"}
    assert shared.branch_reports(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=9)) == {}


def test_a_replayed_row_is_kept_once_and_a_different_one_is_not_written_over(shared):
    shared.put([row("Naroda", DAY, 1, 1000.0)])
    again = shared.put([row("Naroda", DAY, 1, 1000.0)])
    assert (again.added, again.already, again.conflicts) == (0, 1, [])
    other = shared.put([row("Naroda", DAY, 1, 99.0, pc="PC-9")])
    assert other.added == 0 and len(other.conflicts) == 1
    assert "already holds revision 1 of Naroda's report for 2026-03-02 from PC PC-1" in other.conflicts[0][1]
    assert totals(shared) == {"Naroda": {DAY: 1000.0}}


def test_branches_lists_each_branch_with_its_newest_day_and_pc(shared):
    shared.put([row("Naroda", DAY, 1, 1.0, pc="NARODA-PC"), row("Naroda", DAY + dt.timedelta(days=1), 1, 2.0,
                                                                   pc="NARODA-PC2"),
                row("Maninagar", DAY, 1, 3.0, pc="MANI-PC")])
    listed = {info.branch: (info.last_date, info.pc, info.days, info.last_generated_at.utcoffset())
              for info in shared.branches()}
    assert listed == {"Naroda": (DAY + dt.timedelta(days=1), "NARODA-PC2", 2, dt.timedelta(hours=5, minutes=30)),
                      "Maninagar": (DAY, "MANI-PC", 1, dt.timedelta(hours=5, minutes=30))}


def test_a_branch_pushes_its_history_once_and_nothing_twice(shared, tmp_path: Path):
    store = HistoryStore(tmp_path / "history.sqlite3", branch="Naroda", pc="NARODA-PC")
    for offset in range(5):
        store.save(report(DAY + dt.timedelta(days=offset), 1000.0 + offset))
    store.save(report(DAY, 777.77))  # a correction: revision 2 of the first day
    assert waiting(store.path) == 6
    first = push_pending(store.path, shared, branch="Naroda")
    assert (first.pushed, first.already, first.waiting, first.error) == (6, 0, 0, None)
    assert push_pending(store.path, shared, branch="Naroda").pushed == 0
    got = totals(shared)["Naroda"]
    assert got[DAY] == 777.77 and len(got) == 5
    assert shared.branches()[0].pc == "NARODA-PC"


def test_history_from_before_branches_is_offered_on_the_first_push(shared, tmp_path: Path):
    store = HistoryStore(tmp_path / "history.sqlite3")  # no branch stamped: the pusher's branch names the rows
    store.save(report(DAY, 10.0))
    from desktop_app.db import write_transaction

    with write_transaction(store.path) as conn:
        conn.execute("DELETE FROM row_outbox")  # as a history file migrated from before issue 19 has it
    result = push_pending(store.path, shared, branch="Vastral", pc="VASTRAL-PC")
    assert result.pushed == 1
    assert shared.branches()[0].branch == "Vastral" and shared.branches()[0].pc == "VASTRAL-PC"


def test_an_unreachable_database_keeps_the_rows_waiting_and_says_why(shared, engine_name, tmp_path: Path):
    store = HistoryStore(tmp_path / "history.sqlite3", branch="Naroda")
    store.save(report(DAY, 10.0))
    if engine_name == "postgresql":
        down = SharedHistory.open(f"postgresql://nobody@127.0.0.1:{free_port()}/business", password="x",
                                  timeout_s=5, migrate=False)
    else:
        down = SharedHistory.open(f"sqlite:///{tmp_path / 'missing-folder' / 'x' / 'shared.sqlite3'}", migrate=False)
        (tmp_path / "missing-folder").rename(tmp_path / "moved")  # the share went away after the engine was made
    result = push_pending(store.path, down, branch="Naroda")
    assert result.pushed == 0 and result.waiting == 1
    assert result.error.startswith("the shared history at ")
    if engine_name == "postgresql":
        assert "password" not in result.error.replace("password authentication", "") and "x@" not in result.error
    later = push_pending(store.path, shared, branch="Naroda")
    assert (later.pushed, later.waiting) == (1, 0)


def test_a_push_without_a_branch_name_waits_with_a_sentence(shared, tmp_path: Path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.save(report(DAY, 10.0))
    result = push_pending(store.path, shared, branch="")
    assert result.error == "set [business] branch (this shop's name) before using a shared history"
    assert result.waiting == 1


def test_a_url_with_a_password_is_refused():
    with pytest.raises(ValueError, match="remove it from the URL"):
        SharedHistory.open("postgresql://branch_naroda:secret@server/business")


def test_the_password_never_shows_in_the_label(pg_database):
    shared = SharedHistory.open(pg_database.url, password=pg_database.password)
    assert pg_database.password not in shared.label and shared.label == pg_database.url
    assert pg_database.password not in repr(shared.engine.url)
    shared.dispose()


def test_a_wrong_password_is_a_sentence_without_it(pg_database):
    with pytest.raises(SharedUnavailable) as caught:
        SharedHistory.open(pg_database.url, password="not-the-password")
    assert "password authentication failed" in str(caught.value)
    assert "not-the-password" not in str(caught.value)


def test_a_head_offices_whole_business_report_is_never_queued_as_a_branch_row(tmp_path: Path):
    from desktop_app.consolidated import consolidate

    whole = consolidate({"Naroda": {DAY: report(DAY, 100.0)}, "Maninagar": {DAY: report(DAY, 250.5)}}, DAY)
    assert whole.consolidated is not None and whole.sales.total == 350.5
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.save(whole)
    store.save(report(DAY, 1.0))  # while a branch's own report is
    assert waiting(store.path) == 1

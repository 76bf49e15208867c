from __future__ import annotations

import csv
import datetime as dt

from desktop_app.history import CSV_LOG_COLUMNS, HistoryStore, append_csv_log
from desktop_app.report import LeadsKpis, Report, SalesKpis


def make_report(day: dt.date, total: float) -> Report:
    sales = SalesKpis(total=total, orders=2, avg_order=total / 2)
    return Report(date=day, currency="INR", business="Shop", sales=sales,
                  leads=LeadsKpis(count=3, by_source={"Web": 3}), attendance=None)


def test_regenerating_replaces_the_current_report_and_keeps_revisions(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    day = dt.date(2026, 11, 24)
    assert store.save(make_report(day, 100.0)) == 1
    assert store.save(make_report(day, 250.0)) == 2
    assert store.get(day).sales.total == 250.0
    assert store.revisions(day) == 2
    assert list(store.bodies(day, day)) == [day]
    reopened = HistoryStore(tmp_path / "h.sqlite3")  # a real file survives a new connection
    assert reopened.get(day).leads.by_source == {"Web": 3}


def test_csv_log_appends_with_the_seed_columns(tmp_path):
    path = tmp_path / "business_summary_log.csv"
    append_csv_log(path, make_report(dt.date(2026, 11, 23), 100.0))
    append_csv_log(path, make_report(dt.date(2026, 11, 24), 300.0))
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_LOG_COLUMNS
    assert [row["total_sales"] for row in rows] == ["100.0", "300.0"]
    assert rows[1]["attendance_rate"] == ""  # no attendance: blank, not zero


def test_last_generated_at_compares_moments_not_text_across_a_dst_change(tmp_path):
    """London, 25 Oct 2026: 01:50 BST (+01:00) is 00:50 UTC, earlier than 01:10 GMT (+00:00) after the
    clocks went back. As text, '...T01:50:00+01:00' sorts after '...T01:10:00+00:00'."""
    store = HistoryStore(tmp_path / "h.sqlite3")
    earlier = dt.datetime.fromisoformat("2026-10-25T01:50:00+01:00")
    later = dt.datetime.fromisoformat("2026-10-25T01:10:00+00:00")
    for day, moment in ((dt.date(2026, 10, 24), earlier), (dt.date(2026, 10, 25), later)):
        report = make_report(day, 100.0)
        report.generated_at = moment
        store.save(report)
    assert store.last_generated_at() == later
    imported = make_report(dt.date(2026, 10, 26), 1.0)
    imported.engine, imported.generated_at = "imported", dt.datetime.fromisoformat("2026-10-27T00:00:00+00:00")
    store.save(imported)
    assert store.last_generated_at() == later  # imported seed rows are not runs of this app


def test_a_csv_log_that_cannot_be_written_keeps_its_rows_for_next_time(tmp_path):
    """Excel on Windows locks an open CSV: the report is saved, its CSV row waits and is written later."""
    store = HistoryStore(tmp_path / "h.sqlite3")
    blocked = tmp_path / "log-is-a-folder"
    blocked.mkdir()  # opening it for appending fails with an OSError, as a locked file would
    with store.transaction() as conn:
        store.save_in(conn, make_report(dt.date(2026, 11, 24), 300.0), csv_log=True)
    assert store.flush_csv_log(blocked) == 0
    path = tmp_path / "business_summary_log.csv"
    assert store.flush_csv_log(path) == 1
    assert store.flush_csv_log(path) == 0
    with path.open(newline="", encoding="utf-8") as handle:
        assert [row["total_sales"] for row in csv.DictReader(handle)] == ["300.0"]

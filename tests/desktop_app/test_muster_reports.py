"""Reports on a monthly attendance sheet: a row is a person's month, so an unreadable cell is judged by its own
day, and leaving it out must not take the person's other days with it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from connectors.base import SourceSpec
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.settings import Settings

DATA = Path(__file__).parents[1] / "connectors" / "data" / "attendance"
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def report_on(path: Path, day: dt.date):
    settings = Settings()
    settings.business.open_weekdays = EVERY_DAY
    return run_report(settings, app_paths().ensure(), day,
                      specs=[SourceSpec(name=path.name, domain="attendance", path=str(path))])


def write(tmp_path: Path, body: str) -> Path:
    header = ",".join(f"2025-06-{day:02d}" for day in range(1, 21))
    path = tmp_path / "june.csv"
    path.write_text(f"Emp Code,{header}\n{body}", encoding="utf-8")
    return path


def test_a_real_muster_workbook_reports_the_hand_count():
    report = report_on(DATA / "atliq_muster_apr-jun2022.xlsx", dt.date(2022, 4, 5))
    assert (report.attendance.present, report.attendance.headcount) == (77, 78)  # one PL; one joiner's blank
    assert report.attendance.prev_rate_pct == 100.0
    seventh = report_on(DATA / "atliq_muster_apr-jun2022.xlsx", dt.date(2022, 4, 7))
    assert (seventh.attendance.present, seventh.attendance.headcount) == (70, 78)


def test_a_missing_mark_on_a_day_the_report_reads_fails_attendance_and_says_which_cell(tmp_path):
    # 8 June 2022: six people have no mark, between marks on other days; they are 6 of the 50 cells past the list
    report = report_on(DATA / "atliq_muster_apr-jun2022.xlsx", dt.date(2022, 6, 8))
    assert report.attendance is None
    failure = next(w for w in report.warnings if "no mark for this person on this day" in w)
    assert "on sheet 'June 2022'" in failure and "more)" in failure


def test_an_old_unreadable_mark_leaves_out_that_day_only(tmp_path):
    """E1's mark on 2 June is unknown. A report on the 20th leaves that cell out: before, the whole spreadsheet
    row went with it, and E1 would not have been counted on the 20th at all."""
    days = ["P"] * 20
    path = write(tmp_path, "E1," + ",".join(["P", "??", *days[2:]]) + "\nE2," + ",".join(["A", *days[1:]]) + "\n")
    report = report_on(path, dt.date(2025, 6, 20))
    assert (report.attendance.present, report.attendance.headcount) == (2, 2)
    assert any("1 unreadable cell(s) in rows dated before 2025-06-12" in w for w in report.warnings)
    on_the_day = report_on(path, dt.date(2025, 6, 2))
    assert on_the_day.attendance is None
    assert any("row 2, column '2025-06-02': cannot read attendance mark '??'" in w for w in on_the_day.warnings)


def test_an_unreadable_mark_after_the_report_day_does_not_fail_it(tmp_path):
    path = write(tmp_path, "E1," + ",".join(["P"] * 15 + ["??"] + ["P"] * 4) + "\nE2," + ",".join(["A"] * 20) + "\n")
    report = report_on(path, dt.date(2025, 6, 10))
    assert (report.attendance.present, report.attendance.absent) == (1, 1)


def test_the_cache_keeps_each_cells_day(tmp_path):
    path = shutil.copy(DATA / "atliq_muster_apr-jun2022.xlsx", tmp_path / "muster.xlsx")
    first = report_on(Path(path), dt.date(2022, 6, 8))
    again = report_on(Path(path), dt.date(2022, 6, 8))  # read from the source cache
    assert first.attendance is None and again.attendance is None
    assert report_on(Path(path), dt.date(2022, 4, 5)).attendance.present == 77

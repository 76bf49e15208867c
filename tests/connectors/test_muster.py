"""Monthly attendance sheets (muster rolls): a row or an eSSL block per person, a column per day.

The counts asserted on the real files were made by hand from the cells (see SOURCES.md beside them), not with
the app's code: present = P, WFH, WOP, ½P, HP, WO½P and the half-day leaves; absent = A, PL, SL, LWP, Leave...
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from connectors import SourceReadError, read_source
from connectors.base import unlisted_count
from connectors.registry import recognise

from .conftest import spec, write

DATA = Path(__file__).parent / "data" / "attendance"
ESSL_NOV = DATA / "essl_monthly_status_nov2025.xls"
ESSL_AUG = DATA / "essl_monthly_status_aug2025_2sheets.xlsx"
ATLIQ = DATA / "atliq_muster_apr-jun2022.xlsx"
ROSTER = DATA / "office_roster_jan2024.xlsx"
ROSTER_MARKS = {"present_marks": ["Backup", "Other Projects", "HD Other Projects", "HD WATI", "HDL", "WFH Testing"],
                "absent_marks": ["Leave"]}


def counts(frame: pd.DataFrame, day: str) -> tuple[int, int]:
    """(present, absent) on a day, from the frame's marked rows."""
    rows = frame[(frame["date"] == day) & frame["present"].notna()]
    return int(rows["present"].astype(bool).sum()), int((~rows["present"].astype(bool)).sum())


def test_essl_monthly_status_report_from_its_xls_is_read_block_by_block():
    result = read_source(spec(ESSL_NOV, "attendance"))
    assert result.connector == "muster" and result.issues == []
    assert counts(result.frame, "2025-11-24") == (26, 11)
    assert counts(result.frame, "2025-11-22") == (0, 10)  # the other 27 are WO that Saturday: not counted
    assert result.notes == ["read as a monthly sheet: 37 people, 01 Nov 2025 to 30 Nov 2025"]


def test_essl_prints_its_days_on_the_first_sheet_only_and_the_next_sheets_use_them():
    result = read_source(spec(ESSL_AUG, "attendance"))
    assert counts(result.frame, "2025-08-05") == (28, 3)
    assert counts(result.frame, "2025-08-04") == (26, 5)
    assert counts(result.frame, "2025-08-29") == (24, 7)  # one ½P: half a day at work is a day present
    assert result.frame["employee"].nunique() == 31  # 8 people on Sheet1, 23 on Sheet2, which has no Days row
    assert result.notes[0].endswith("from 2 sheets")


def test_a_muster_workbook_with_a_sheet_a_month_and_codes_given_to_two_people():
    result = read_source(spec(ATLIQ, "attendance"))
    assert counts(result.frame, "2022-05-20") == (74, 5)
    assert counts(result.frame, "2022-05-13") == (62, 15)
    assert counts(result.frame, "2022-04-01")[0] > 0 and counts(result.frame, "2022-06-08")[0] > 0
    assert any("'Atq -335' rows 13, 20 of 'June 2022'" in w and "counted as its own person" in w
               for w in result.warnings)
    # the next month's 1st after 30 June is a spare column nobody is marked in: no rows, no missing marks
    assert not [i for i in result.issues if i.day == dt.date(2022, 6, 1) and i.column.startswith("2022-06-01' on "
                                                                                                   "sheet 'May")]


def test_blanks_between_marks_are_missing_marks_for_their_own_day():
    result = read_source(spec(ATLIQ, "attendance"))
    listed = [i for i in result.issues if i.row is not None]
    assert all("no mark for this person on this day" in i.message for i in listed)
    # rows 20, 70 and 72 are blank on 8 June after working days; rows 68, 69 and 85 had only WO before: joiners
    assert {(i.row, i.column) for i in listed if i.day == dt.date(2022, 6, 8)} == {
        (row, "2022-06-08' on sheet 'June 2022") for row in (20, 70, 72)}
    # 20 June was filled in for a few people only: listed 50 a day, the rest counted for their day
    on_the_20th = [i for i in result.issues if i.day == dt.date(2022, 6, 20)]
    assert len(on_the_20th) == 51 and unlisted_count(on_the_20th[-1]) > 0


def test_hours_under_the_days_are_marks_and_an_offices_own_marks_are_taught_in_options():
    result = read_source(spec(ROSTER, "attendance", options=ROSTER_MARKS))
    assert result.issues == []
    assert counts(result.frame, "2024-01-10") == (64, 16)
    assert counts(result.frame, "2024-01-09") == (62, 18)
    assert counts(result.frame, "2024-01-03") == (61, 17)
    assert "rows 85 to 97 of sheet 'Sheet1', under row 84 ('Count'), were taken for totals, not people" in result.notes


def test_unknown_marks_say_how_to_teach_them():
    result = read_source(spec(ROSTER, "attendance"))
    unknown = {re.search(r"mark '([^']+)'", i.message)[1] for i in result.issues if i.row is not None}
    assert unknown <= {"Backup", "Other Projects", "HD Other Projects", "HD WATI", "HDL", "WFH Testing", "Leave"}
    first = next(i for i in result.issues if i.row is not None)
    assert "(nor 'Backup'" in first.message or "(nor 'HD WATI'" in first.message  # every unknown mark, at once
    assert "in the list for its meaning under this source's options: present_marks = [...]" in first.message
    assert first.day is not None


def muster_csv(tmp_path: Path, days: list[str], title: str = "", name: str = "muster.csv") -> Path:
    top = f"{title}\n" if title else ""
    return write(tmp_path / name, top + "Emp Code,Name," + ",".join(days) + "\n"
                 + "E1,Asha," + ",".join("P" for _ in days) + "\n"
                 + "E2,Bina," + ",".join("A" if i % 2 else "P" for i, _ in enumerate(days)) + "\n")


def test_day_numbers_take_their_month_from_the_title_and_the_weekdays_must_agree(tmp_path):
    days = ["1 F", "2 St", "3 S", "4 M", "5 T", "6 W", "7 Th"]
    path = muster_csv(tmp_path, days, "Monthly Status Report,Aug 01 2025  To  Aug 31 2025")
    frame = read_source(spec(path, "attendance")).frame
    assert sorted(frame["date"].dt.strftime("%Y-%m-%d").unique())[0] == "2025-08-01"
    assert counts(frame, "2025-08-02") == (1, 1)
    wrong = muster_csv(tmp_path, days, "Monthly Status Report,Sep 01 2025  To  Sep 30 2025", "wrong.csv")
    with pytest.raises(SourceReadError, match=re.escape("says day 1 is a 'F', but 01 September 2025 is a Monday: "
                                                        "the month was taken from the title")):
        read_source(spec(wrong, "attendance"))
    assert counts(read_source(spec(wrong, "attendance", options={"month": "2025-08"})).frame, "2025-08-07") == (2, 0)


def test_the_month_comes_from_the_file_name_or_must_be_set(tmp_path):
    days = [str(day) for day in range(1, 11)]
    named = muster_csv(tmp_path, days, name="attendance_march_2024.csv")
    assert counts(read_source(spec(named, "attendance")).frame, "2024-03-02") == (1, 1)
    unnamed = muster_csv(tmp_path, days, name="muster.csv")
    with pytest.raises(SourceReadError, match=r"does not say which month and year.*set month = \"YYYY-MM\""):
        read_source(spec(unnamed, "attendance"))


def test_a_pay_cycle_from_the_26th_runs_into_the_next_month(tmp_path):
    days = [str(day) for day in (*range(26, 32), *range(1, 6))]
    path = muster_csv(tmp_path, days, "Attendance from 26/07/2025 to 25/08/2025")
    frame = read_source(spec(path, "attendance")).frame
    assert frame["date"].min() == pd.Timestamp("2025-07-26") and frame["date"].max() == pd.Timestamp("2025-08-05")


def test_a_day_column_nobody_is_marked_in_is_not_filled_in_yet_and_a_joiner_is_not_absent(tmp_path):
    header = ",".join(f"2025-06-0{day}" for day in range(1, 9))
    path = write(tmp_path / "june.csv", f"Emp Code,{header}\nE1,P,P,P,P,P,P,P,\nE2,,,P,P,A,P,P,\n"
                                        f"E3,P,P,,P,P,P,P,\n")
    result = read_source(spec(path, "attendance"))
    assert counts(result.frame, "2025-06-08") == (0, 0)  # today, not marked for anyone yet: no rows
    assert counts(result.frame, "2025-06-01") == (2, 0)  # E2 joined on the 3rd
    missing = [(i.row, i.day) for i in result.issues]
    assert missing == [(4, dt.date(2025, 6, 3))]  # E3's blank between marks


def test_totals_below_the_staff_are_not_people(tmp_path):
    header = ",".join(f"{day:02d}/06/2025" for day in range(1, 9))
    path = write(tmp_path / "june.csv", f"Employee ID,Name,{header}\nE1,Asha,8,8,0,8,8,8,8,8\n"
                                        f"E2,Bina,8,4.5,8,8,0,8,8,8\nTotal,,16,12.5,8,16,8,16,16,16\n")
    frame = read_source(spec(path, "attendance")).frame
    assert set(frame["employee"]) == {"E1", "E2"}
    assert counts(frame, "2025-06-03") == (1, 1)  # 0 hours: absent; 4.5 hours: present


def test_sales_and_leads_with_a_column_per_day_are_still_refused_with_what_to_export(tmp_path):
    days = [f"2022-06-0{day}" for day in range(1, 8)]
    path = write(tmp_path / "sheet.csv", "Item," + ",".join(days) + "\nCement,100,200,300,400,500,600,700\n")
    with pytest.raises(SourceReadError, match=r"sheet\.csv has one column per day.*export the bills or orders"):
        read_source(spec(path, "sales"))


def test_the_muster_is_recognised_over_the_generic_readers(tmp_path):
    copy = shutil.copy(ESSL_NOV, tmp_path / "report.xls")
    assert recognise(spec(Path(copy), "attendance")).key == "muster"


def test_own_marks_work_for_daily_registers_too(tmp_path):
    path = write(tmp_path / "register.csv", "Emp ID,Date,Status\nE1,2025-06-02,OT Duty\nE2,2025-06-02,A\n")
    untaught = read_source(spec(path, "attendance"))
    assert [i.row for i in untaught.issues] == [2]
    assert untaught.issues[0].message.startswith("cannot read attendance mark 'OT Duty': put it in the list")
    taught = read_source(spec(path, "attendance", options={"present_marks": ["ot duty"]}))
    assert taught.issues == [] and counts(taught.frame, "2025-06-02") == (1, 1)
    with pytest.raises(SourceReadError, match="listed under two meanings"):
        read_source(spec(path, "attendance", options={"present_marks": ["X"], "absent_marks": ["x"]}))


def test_kekas_monthly_performance_report_reads_each_days_status_column():
    """Keka HR: a block of nine columns under each date (Shift, IN, OUT, hours... Status), marks with qualifiers
    in brackets (P(R) regularised, P(MS) missed swipe, A(R), CL(R)). Before: 'no column for the employee'."""
    result = read_source(spec(DATA / "keka_monthly_performance_jan2025.xlsx", "attendance"))
    assert result.connector == "muster" and result.issues == []
    assert counts(result.frame, "2025-01-17") == (36, 2)
    assert counts(result.frame, "2025-01-31") == (30, 8)


def test_a_qualifier_in_brackets_keeps_its_mark(tmp_path):
    header = ",".join(f"2025-06-{day:02d}" for day in range(1, 8))
    path = write(tmp_path / "june.csv", f"Emp Code,{header}\nE1,P(R),P(MS)(R),A(R),CL(R),WOH,P,P\n"
                                        f"E2,P,P,P,P,WO,Early Leave(EL),Absence(A)\n")
    frame = read_source(spec(path, "attendance")).frame
    assert [counts(frame, f"2025-06-0{day}") for day in range(1, 8)] == [
        (2, 0), (2, 0), (1, 1), (1, 1), (0, 0), (2, 0), (1, 1)]


def test_on_the_first_day_filled_in_an_unmarked_person_is_a_missing_mark(tmp_path):
    """1 June, marked for two of three people by the evening: E3 has no mark yet, anywhere. Counting 2 of 2 would
    be a wrong number; by the 2nd, E3 never marked on a filled day is someone not on June's staff."""
    header = ",".join(f"2025-06-{day:02d}" for day in range(1, 8))
    first = write(tmp_path / "june.csv", f"Emp Code,{header}\nE1,P,,,,,,\nE2,A,,,,,,\nE3,,,,,,,\n")
    result = read_source(spec(first, "attendance"))
    assert [(i.row, i.day) for i in result.issues] == [(4, dt.date(2025, 6, 1))]
    later = write(tmp_path / "june2.csv", f"Emp Code,{header}\nE1,P,P,,,,,\nE2,A,P,,,,,\nE3,,,,,,,\n")
    result = read_source(spec(later, "attendance"))
    assert result.issues == [] and counts(result.frame, "2025-06-02") == (2, 0)

"""Attendance tables from ZKTeco BioTime and a hand-kept muster, checked against real files
(data/attendance/SOURCES.md; hand counts from the cells, not the app's code).

Before: a BioTime transaction log's night shift (in 22:58, out 08:02 next morning) made the person present on
the next day too, its daily status words ('Absence(A)', 'Early Leave(EL)') were unknown marks, and a muster whose
first sheet is a blank copy of the month was read as a plain table ("no column for the employee").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors import read_source

from .conftest import spec

DATA = Path(__file__).parent / "data" / "attendance"


def counts(frame: pd.DataFrame, day: str) -> tuple[int, int]:
    rows = frame[(frame["date"] == day) & frame["present"].notna()]
    return int(rows["present"].astype(bool).sum()), int((~rows["present"].astype(bool)).sum())


def present(frame: pd.DataFrame, day: str) -> set[str]:
    return set(frame[(frame["date"] == day) & frame["present"].astype(bool)]["employee"])


def test_a_punch_table_counts_a_night_shift_on_the_day_it_began():
    result = read_source(spec(DATA / "biotime_transactions_feb2023.xlsx", "attendance"))
    assert len(present(result.frame, "2023-02-08")) == 10  # Hussein's 08:02 punch-out closes 7 Feb's shift
    assert "7" not in present(result.frame, "2023-02-08") and "7" in present(result.frame, "2023-02-07")
    assert len(present(result.frame, "2023-02-14")) == 11
    assert any("after midnight counted on the day their shift began" in note for note in result.notes)


def test_a_night_shift_is_paired_however_the_punch_time_is_written(tmp_path):
    times = pd.DataFrame({"Employee ID": ["7", "7", "10", "10"],
                          "Punch Time": ["2023-02-07 22:58", "2023-02-08 04:30", "2023-02-08 14:02",
                                         "2023-02-08 23:03"]})
    path = tmp_path / "punches.csv"
    times.to_csv(path, index=False)
    frame = read_source(spec(path, "attendance")).frame
    assert present(frame, "2023-02-08") == {"10"} and present(frame, "2023-02-07") == {"7"}


def test_biotime_daily_status_words_are_marks():
    result = read_source(spec(DATA / "biotime_daily_status_2025-01-06_07.csv", "attendance"))
    assert result.issues == []
    assert counts(result.frame, "2025-01-06") == (61, 27)  # Present(P) 43, Late(LT) 13, Early Leave(EL) 5
    assert counts(result.frame, "2025-01-07") == (56, 32)  # and one Half Day(HD)


def test_a_muster_behind_a_blank_copy_of_the_month_is_found_and_its_month_read_from_two_cells():
    result = read_source(spec(DATA / "Attendance Sheet.xlsx", "attendance"))
    assert result.connector == "muster"  # "Month | July" and "Year | 2023" in cells of their own
    assert counts(result.frame, "2023-07-04") == (11, 4)
    assert counts(result.frame, "2023-07-11") == (13, 2)
    assert any("says 01 July is a 'Sun', but 01 July 2023 is a Saturday" in w for w in result.warnings)

"""Real ZKTeco device files (tests/connectors/data/zkteco, see its SOURCES.md) through read_source.

Expected numbers were worked out by hand from the files (reasoning in the comments); present = a shift
began that day.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from connectors import read_source
from connectors.base import SourceReadError
from connectors.registry import preview

from .conftest import spec, write

DATA = Path(__file__).parent / "data" / "zkteco"
SAVED = pd.Timestamp("2024-01-01").timestamp()  # a fixed "file saved" time: the date-order evidence never moves


def present_by_day(frame: pd.DataFrame) -> dict[str, list[str]]:
    rows = frame[frame["present"].astype(bool)]
    return {str(day.date()): sorted(group["employee"], key=int) for day, group in rows.groupby("date")}


def present_on(frame: pd.DataFrame, day: str) -> list[str]:
    return present_by_day(frame).get(day, [])


def copied(name: str, folder: Path) -> Path:
    """The sample copied with a fixed modification time (the date-order resolver looks at the file's age)."""
    path = shutil.copyfile(DATA / name, folder / name)
    os.utime(path, (SAVED, SAVED))
    return Path(path)


# --- D3: a group exit at 02:23 closes the day before's shift, however long it was ---------------------


def test_night_exit_closes_the_previous_days_shift():
    sf = read_source(spec(DATA / "thrawn_night_exit_0223.dat", "attendance"))
    assert sf.connector == "zkteco"
    # id 5 in at 07:07 on the 15th, out 02:23 (19.3 h later); id 3 in 12:34, out 02:23 (13.8 h): both the 15th's
    assert present_by_day(sf.frame) == {"2016-11-15": ["3", "5"], "2016-11-16": ["7"]}
    assert any("2 punch(es) after midnight" in note for note in sf.notes)


def test_night_exit_in_the_real_log_head():
    sf = read_source(spec(DATA / "thrawn_attlog_lines_1-18.dat", "attendance"))
    # 15th: ids 5, 4, 2, 6, 1, 3 come in. 02:23 on the 16th: 1, 3, 6, 5 out (4 went out at 17:04, 2 never).
    # 16th: 4 in 06:51, 1 in 12:43, 6 in 13:58, 7 in 14:09 -> 1, 4, 6, 7 (5 is not there that day)
    assert present_on(sf.frame, "2016-11-15") == ["1", "2", "3", "4", "5", "6"]
    assert present_on(sf.frame, "2016-11-16") == ["1", "4", "6", "7"]


def test_night_ends_hour_setting_moves_the_cut_off():
    def on_16th(hour: float) -> list[str]:
        options = {"night_ends_hour": hour}
        return present_on(read_source(spec(DATA / "thrawn_night_exit_0223.dat", "attendance",
                                            options=options)).frame, "2016-11-16")

    assert on_16th(2.5) == ["7"]  # 02:23 is before 02:30: id 5's punch-out
    # before 02:00 only: the 14-hour limit decides, and id 5's 02:23 (19.3 h after 07:07) is a new shift
    assert on_16th(2) == ["5", "7"]


# --- D2: a record the device wrote wrongly is left out with a warning --------------------------------


def test_corrupt_record_inside_the_log_is_left_out_with_a_warning():
    sf = read_source(spec(DATA / "thrawn_attlog_lines_7170-7180.dat", "attendance"))
    assert sf.issues == []
    # 22nd: 1 06:46, 4 06:59, 5 06:59 in; 9 16:00 and 3 18:51 are new shifts (21 h and 23.8 h after the
    # 21st's 19:02/19:03, not before 05:00); 7 18:13 in -> 1, 3, 4, 5, 7, 9
    assert present_on(sf.frame, "2019-11-22") == ["1", "3", "4", "5", "7", "9"]
    assert present_on(sf.frame, "2019-11-21") == ["3", "9"]
    (warning,) = sf.warnings
    assert warning.startswith("row 6 of thrawn_attlog_lines_7170-7180.dat is not a punch")
    assert "'9 1990-00--8 -16:-29:-40 1 255 1 0'" in warning
    assert "cannot be placed on any day" in warning and "the device wrote it wrongly" in warning


def test_corrupt_last_line_stays_an_issue():
    """A bad last line may be a copy cut off half-way (punches after it missing): not skipped silently."""
    sf = read_source(spec(DATA / "thrawn_badline_last.dat", "attendance"))
    assert [(issue.row, issue.message) for issue in sf.issues] == [
        (7, "cannot read punch line '9 1990-00--8 -16:-29:-40 1 255 1 0'")]
    assert sf.warnings == []
    assert present_on(sf.frame, "2016-11-22") == ["1", "2", "3", "4", "5", "6"]


def test_many_unplaced_rows_are_named_briefly():
    from connectors.zkteco import unplaced_warning  # here, so the other tests run on a reader without it

    lines = pd.Series(["  9\t1990-00--8 -16:-29:-40\t1"] * 7, index=[3, 8, 11, 20, 31, 40, 52])
    warning = unplaced_warning("1_attlog.dat", lines)
    assert warning.startswith("rows 3, 8, 11, 20, 31 and 2 more of 1_attlog.dat are not punches: the first reads")


# --- D1: attlog with a name column ------------------------------------------------------------------


def test_attlog_with_a_name_column():
    sf = read_source(spec(DATA / "vadimsa_attlog_first10.dat", "attendance"))
    assert sf.connector == "zkteco"
    assert sf.issues == [] and sf.warnings == []
    assert present_by_day(sf.frame) == {"2013-04-20": ["9", "12", "19"]}
    shown = " ".join([*sf.frame.astype(str).to_numpy().ravel(), *sf.notes])
    assert "Kravchen" not in shown  # the name is not counted, nor kept in what the report sees


def test_attlog_with_a_name_column_whole_file():
    sf = read_source(spec(DATA / "vadimsa_attlog.dat", "attendance"))
    # distinct ids in column 1 (cut -f1 | sort -u | wc -l): 35, all on 2013-04-20
    assert len(present_on(sf.frame, "2013-04-20")) == 35
    assert sf.issues == []


def test_attlog_name_column_preview_names_its_columns():
    raw, _sf = preview(spec(DATA / "vadimsa_attlog_first10.dat", "attendance"), rows=3)
    assert list(raw.columns[:3]) == ["user id", "name", "timestamp"]
    assert raw.iloc[0][["user id", "timestamp"]].tolist() == ["9", "2013-04-20 09:36:49"]


def test_a_tab_separated_table_with_a_header_is_not_taken_for_a_device_log(tmp_path):
    rows = "".join(f"{n}\t2026-11-2{n % 3} 09:0{n}:00\n" for n in range(1, 10))
    path = write(tmp_path / "punches.txt", "Employee ID\tPunch Time\n" + rows)
    sf = read_source(spec(path, "attendance"))
    assert sf.connector != "zkteco"


# --- D4: the older "TMNo" USB export (AGL_001.TXT / GLG_001.TXT) ---------------------------------------


def test_tmno_export_month_first_from_the_column(tmp_path):
    sf = read_source(spec(copied("vipasha_GLG_001.TXT", tmp_path), "attendance"))
    assert sf.connector == "zkteco_tmno"
    assert sf.issues == []
    # 02/25/2020 shows month/day; EnNo 36, 37, 38, 39 punch on the 25th (33's one punch is 07/03/2015)
    assert present_by_day(sf.frame) == {"2015-07-03": ["33"], "2020-02-25": ["36", "37", "38", "39"]}


def test_tmno_export_year_first_with_names_joined_to_gmno(tmp_path):
    sf = read_source(spec(copied("chelseo_AGL_001_2023-01-17_to_19.TXT", tmp_path), "attendance"))
    assert sf.connector == "zkteco_tmno"
    assert sf.issues == []
    day = present_on(sf.frame, "2023-01-19")
    assert len(day) == 32  # 52 punches that day, 32 distinct EnNo (cut -f3 | sort -u), none a 19th-morning exit
    assert {"9", "16", "59"} <= set(day)
    assert not sf.frame["employee"].str.contains(r"\D").any()  # ids, never the names


def test_tmno_export_with_ambiguous_dates_is_refused_naming_column_and_setting(tmp_path):
    with pytest.raises(SourceReadError) as refused:
        read_source(spec(copied("akshay_AGL_001.TXT", tmp_path), "attendance"))
    message = str(refused.value)
    # 03-03, 03-05 and 05-05: every date fits both orders, and the file's age tells nothing
    assert "column 'DateTime'" in message and "date_format" in message


def test_tmno_export_with_a_date_format(tmp_path):
    path = copied("akshay_AGL_001.TXT", tmp_path)
    sf = read_source(spec(path, "attendance", options={"date_format": "%m-%d-%Y  %I:%M:%S%p"}))
    assert sf.issues == []
    # 03-03: EnNo 1 (3 punches, 2 double taps), 2, 3; 03-05 and 05-05: EnNo 2
    assert present_by_day(sf.frame) == {"2015-03-03": ["1", "2", "3"], "2015-03-05": ["2"], "2015-05-05": ["2"]}


def test_tmno_preview_lines_names_up_with_the_rows(tmp_path):
    raw, _sf = preview(spec(copied("vipasha_GLG_001.TXT", tmp_path), "attendance"), rows=2)
    assert list(raw.columns) == ["No", "TMNo", "EnNo", "Name", "GMNo", "Mode", "DateTime"]
    assert raw.iloc[1][["EnNo", "DateTime"]].tolist() == ["36", "02/25/2020 14:31:11"]

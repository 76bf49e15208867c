"""What the owner is told about a file that reads, but not the way they may think (found on real exports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import SourceReadError, read_source

from .conftest import spec, write


def test_leads_without_a_source_column_say_why_every_lead_is_unknown(tmp_path):
    """A Marketo/Salesforce export whose source sits under UTM_Campaign read as "Unknown 175 (100%)" with no word."""
    path = write(tmp_path / "leads.csv", "Lead Id;Created Date;UTM_Campaign\n1;12/16/2022;x\n2;12/16/2022;y\n")
    result = read_source(spec(path, "leads"))
    assert set(result.frame["source"]) == {"Unknown"}
    assert any(w.startswith("no lead source column: every lead is listed as Unknown") for w in result.warnings)
    named = write(tmp_path / "named.csv", "Lead Id;Created Date;UTM_Source\n1;12/16/2022;google\n")
    assert not any("no lead source column" in w for w in read_source(spec(named, "leads")).warnings)


def test_a_file_not_recognised_says_what_to_set(tmp_path):
    path = write(tmp_path / "log.dat", "x\ty\n1\t2\n")
    with pytest.raises(SourceReadError) as caught:
        read_source(spec(path, "attendance"))
    text = str(caught.value)
    assert "cannot recognise log.dat as attendance (columns: 'x', 'y'); name its columns under" in text
    assert "set format to it: " in text and "zkteco" in text
    assert "as a attendance" not in text


PYZK = Path(__file__).parent / "data" / "attendance" / "pyzk_punches_2022-09-06.csv"
US_STAMPS = {"date_format": "%m/%d/%Y %H:%M"}


def present_on(frame, day: str) -> set[str]:
    rows = frame[(frame["date"] == day) & frame["present"].astype(bool)]
    return set(rows["employee"])


def test_a_punch_logs_device_status_codes_are_not_attendance_marks():
    """pyzk's Status is how the person was verified (0 = password): read as a mark, id 1 was 'absent'."""
    result = read_source(spec(PYZK, "attendance", options=US_STAMPS))
    assert present_on(result.frame, "2022-09-06") == {"1", "2", "3", "4", "6", "7", "9"}
    assert any("'Status' holds the device's codes (0, 1), not attendance marks" in w for w in result.warnings)
    marks = read_source(spec(PYZK, "attendance", options=US_STAMPS,
                             columns={"employee": "User ID", "time": "Timestamp", "status": "Status"}))
    assert "1" not in present_on(marks.frame, "2022-09-06")  # mapped by the owner: read as marks, as asked


def test_an_empty_mapping_switches_a_column_off(tmp_path):
    path = write(tmp_path / "register.csv", "Employee,Date,Status,Remarks\nAsha,2026-11-24,P,\nBina,2026-11-24,A,\n")
    assert present_on(read_source(spec(path, "attendance")).frame, "2026-11-24") == {"Asha"}
    punches = write(tmp_path / "punches.csv", "Employee,Punch Time,Status\nAsha,2026-11-24 09:00,IN\n"
                                               "Bina,2026-11-24 09:05,OUT\n")
    assert [issue.column for issue in read_source(spec(punches, "attendance")).issues] == ["Status", "Status"]
    off = read_source(spec(punches, "attendance", columns={"status": ""}))  # IN/OUT are not marks
    assert off.issues == [] and present_on(off.frame, "2026-11-24") == {"Asha", "Bina"}


@pytest.mark.parametrize("days", [["2022-06-01", "2022-06-02", "2022-06-03", "2022-06-04", "2022-06-05",
                                   "2022-06-06", "2022-06-07"],
                                  ["1 F", "2 St", "3 S", "4 M", "5 T", "6 W", "7 Th"]])
def test_a_monthly_sheet_with_a_column_per_day_read_as_a_plain_table_says_what_to_do(tmp_path, days):
    """An AtliQ muster roll and eSSL's Monthly Status Report: before, the owner was told to map a day column as
    the date, or an employee column that the sheet has only in its blocks. Recognised, such a sheet is read by
    the muster connector (test_muster.py); set to the plain CSV reader, it is refused with what to set."""
    path = write(tmp_path / "muster.csv", "Employee Code,Name," + ",".join(days) + "\n"
                 "Atq -406,Thanos,P,P,P,WO,WO,P,P\nAtq -462,Jarvis,P,A,P,WO,WO,P,P\n")
    with pytest.raises(SourceReadError, match=r"muster\.csv has one column per day") as caught:
        read_source(spec(path, "attendance", format="csv"))
    assert "set this source's format to muster" in str(caught.value)


def test_essl_daily_reports_punch_records_are_punches(tmp_path):
    path = write(tmp_path / "daily.csv", "Emp Code,Emp Name,Attendance Date,Punch Records\n"
                                         "1001,Asha,10-Dec-2024,\"09:12:in(TD),18:30:out(TD)\"\n"
                                         "1002,Bina,10-Dec-2024,\n1003,Dev,10-Dec-2024,09:40:in(TD)\n")
    assert present_on(read_source(spec(path, "attendance")).frame, "2024-12-10") == {"1001", "1003"}


@pytest.mark.parametrize("header", ["User Registration Date", "Submission Date", "Inquiry Date"])
def test_lead_form_date_headers_are_dates(tmp_path, header):
    path = write(tmp_path / "leads.csv", f"Name,{header},Lead Source\nAna,2025-05-12 10:00,YouTube\n"
                                         "Bo,2025-05-11 09:00,Google\n")
    result = read_source(spec(path, "leads"))
    assert result.has_dates and result.frame["received_at"].dt.day.tolist() == [12, 11]

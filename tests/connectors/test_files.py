"""Generic csv/json/excel reading through read_source: encodings, delimiters, rows, mappings."""

from __future__ import annotations

import datetime as dt
import json
import os

import openpyxl
import pandas as pd
import pytest

from connectors import SourceReadError, read_source

from .conftest import spec, write


def test_utf8_bom_header_is_clean(tmp_path):
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\nA1,2025-04-03,100\n", encoding="utf-8-sig")
    sf = read_source(spec(path, "sales"))
    assert sf.connector == "csv"
    assert sf.frame["order_id"].tolist() == ["A1"]  # "\ufeffOrder ID" would not have matched an alias
    assert sf.frame["ordered_at"][0] == pd.Timestamp("2025-04-03")


def test_utf16_tab_separated_excel_unicode_text(tmp_path):
    path = write(tmp_path / "sales.txt", "Bill No\tBill Date\tNet Amount\nB-1\t2025-04-03\t₹1,200\n",
                 encoding="utf-16")
    frame = read_source(spec(path, "sales")).frame
    assert frame[["order_id", "amount"]].values.tolist() == [["B-1", 1200.0]]


def test_cp1252_file(tmp_path):
    path = write(tmp_path / "sales.csv", "Invoice No,Product,Amount\n1,Café latte,£5\n", encoding="cp1252")
    frame = read_source(spec(path, "sales")).frame
    assert frame["product"][0] == "Café latte"
    assert frame["amount"][0] == 5.0


def test_semicolon_with_decimal_comma(tmp_path):
    path = write(tmp_path / "sales.csv", "Order No;Order Date;Total\n1;2025-04-03;1.234,56\n2;2025-04-03;-3,50\n")
    sf = read_source(spec(path, "sales", options={"decimal": ","}))
    # 1234.56 - 3.50 = 1231.06
    assert sf.frame["amount"].sum() == pytest.approx(1231.06)


def test_indian_amounts_and_negatives_sum(tmp_path):
    path = write(
        tmp_path / "sales.csv",
        'Invoice No,Invoice Date,Invoice Amount\n1,2025-04-03,"₹2,35,000"\n2,2025-04-03,Rs. 500\n'
        '3,2025-04-03,INR 1500.50\n4,2025-04-03,"(1,200)"\n5,2025-04-03,300-\n',
    )
    frame = read_source(spec(path, "sales")).frame
    # 235000 + 500 + 1500.50 - 1200 - 300 = 235500.50
    assert frame["amount"].sum() == pytest.approx(235500.50)
    assert frame["amount"].tolist() == [235000.0, 500.0, 1500.5, -1200.0, -300.0]


def test_embedded_newline_crlf_and_garbage_amount_row(tmp_path):
    text = (
        "Bill No,Bill Date,Net Amount,Notes\n"
        'B1,03/04/2025,100,"line one\nline two"\n'  # spreadsheet row 2 (one record, two lines)
        "B2,15/04/2025,12O0,oops\n"  # row 3: letter O instead of zero
        ",,,\n"  # row 4: fully blank record, skipped
        "B3,16/04/2025,50,\n"  # row 5
    )
    path = write(tmp_path / "sales.csv", text, newline="\r\n")
    sf = read_source(spec(path, "sales", name="Counter sales"))
    frame = sf.frame
    assert frame["order_id"].tolist() == ["B1", "B2", "B3"]
    assert frame["_row"].tolist() == [2, 3, 5]
    assert len(sf.issues) == 1
    issue = sf.issues[0]
    assert (issue.source, issue.row, issue.column) == ("Counter sales", 3, "Net Amount")
    assert "12O0" in issue.message
    assert str(issue).startswith("'Counter sales', row 3, column 'Net Amount'")
    assert pd.isna(frame["amount"][1])  # row kept, value NaN
    # 15/04 and 16/04 decide day-first, so 03/04 is 3 April; no warning
    assert frame["ordered_at"][0] == pd.Timestamp("2025-04-03")
    assert sf.warnings == []


def test_ambiguous_dates_with_no_evidence_are_refused(tmp_path):
    """03/04 and 05/06 fit both orders; the file was saved long after either reading: no silent guess."""
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n1,03/04/2025,10\n2,05/06/2025,20\n")
    os.utime(path, (dt.datetime(2025, 9, 1).timestamp(),) * 2)
    with pytest.raises(SourceReadError, match=r"could be day/month or month/day .* set date_format"):
        read_source(spec(path, "sales"))


def test_ambiguous_dates_are_decided_by_when_the_file_was_saved(tmp_path):
    """Saved on 6 June: day-first (5 June) is just before it; month-first would be 6 May."""
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n1,03/04/2025,10\n2,05/06/2025,20\n")
    os.utime(path, (dt.datetime(2025, 6, 6, 12).timestamp(),) * 2)
    sf = read_source(spec(path, "sales"))
    assert sf.frame["ordered_at"].tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-06-05")]
    assert "read as day/month because" in sf.warnings[0]
    us = write(tmp_path / "us.csv", "Order ID,Date,Amount\n1,11/03/2025,10\n2,11/04/2025,20\n")
    os.utime(us, (dt.datetime(2025, 11, 4, 20).timestamp(),) * 2)  # day-first would be 11 April: far back
    assert read_source(spec(us, "sales")).frame["ordered_at"].tolist() == [
        pd.Timestamp("2025-11-03"), pd.Timestamp("2025-11-04")]


def test_ambiguous_dates_follow_another_date_column(tmp_path):
    path = write(tmp_path / "sales.csv", "Order ID,Date,Ship Date,Amount\n1,03/04/2025,03/25/2025,10\n")
    sf = read_source(spec(path, "sales"))
    assert sf.frame["ordered_at"].tolist() == [pd.Timestamp("2025-03-04")]
    assert "column 'Ship Date' of the same file is written month/day" in sf.warnings[0]


def test_inconsistent_dates_give_issues(tmp_path):
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n1,15/04/2025,10\n2,16/04/2025,10\n3,04/20/2025,10\n")
    sf = read_source(spec(path, "sales"))
    assert [(i.row, i.column) for i in sf.issues] == [(4, "Date")]
    assert sf.frame["ordered_at"].isna().tolist() == [False, False, True]


def test_explicit_date_format_honoured(tmp_path):
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n1,04/03/2025,10\n2,04/05/2025,10\n")
    sf = read_source(spec(path, "sales", options={"date_format": "%m/%d/%Y"}))
    assert sf.frame["ordered_at"].tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-04-05")]
    assert sf.warnings == []


def test_quantity_times_unit_price_from_settings_mapping(tmp_path):
    path = write(
        tmp_path / "tally.csv",
        "Bill #,Bill Dt,Item,Qty Sold,Rate (₹),Remark\nT1,01-04-2025,Soap,3,40,\nT1,01-04-2025,Oil,2,\"1,250\",\n"
        "T2,01-04-2025,Soap,-1,40,return\n",
    )
    columns = {"order_id": "Bill #", "date": "Bill Dt", "quantity": "Qty Sold", "unit_price": "Rate (₹)",
               "product": "Item"}
    os.utime(path, (dt.datetime(2025, 4, 1, 20).timestamp(),) * 2)  # 01-04-2025 is then 1 April, not 4 January
    frame = read_source(spec(path, "sales", columns=columns)).frame
    # 3*40 = 120; 2*1250 = 2500; return -1*40 = -40 -> 120 + 2500 - 40 = 2580
    assert frame["amount"].tolist() == [120.0, 2500.0, -40.0]
    assert frame["amount"].sum() == 2580.0
    assert frame["ordered_at"][0] == pd.Timestamp("2025-04-01")


def test_returns_negative_and_cancelled_status(tmp_path):
    path = write(
        tmp_path / "sales.csv",
        "Order ID,Order Date,Total,Order Status\n1,2025-04-03,500,Delivered\n2,2025-04-03,300,Canceled\n"
        "3,2025-04-03,-200,Returned\n4,2025-04-03,100,VOID\n5,2025-04-03,50,Payment Failed\n",
    )
    frame = read_source(spec(path, "sales")).frame
    assert frame["status"].tolist() == ["completed", "cancelled", "returned", "voided", "failed"]
    assert frame.loc[frame["status"] == "returned", "amount"].item() == -200.0


def test_mapped_column_missing_names_it_and_lists_columns(tmp_path):
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n1,2025-04-03,10\n")
    with pytest.raises(SourceReadError) as err:
        read_source(spec(path, "sales", columns={"amount": "Grand Total"}))
    text = str(err.value)
    assert "'Grand Total'" in text and "'Order ID', 'Date', 'Amount'" in text
    assert err.value.issue.column == "Grand Total"


def test_issues_are_capped(tmp_path):
    rows = "".join(f"{i},2025-04-03,bad{i}\n" for i in range(60))
    path = write(tmp_path / "sales.csv", "Order ID,Date,Amount\n" + rows)
    issues = read_source(spec(path, "sales")).issues
    # 60 bad cells: 50 listed + 1 summary of the other 10
    assert len(issues) == 51
    assert issues[-1].row is None and issues[-1].message.startswith("10 more")


def test_excel_mixed_datetime_and_string_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Invoice No", "Invoice Date", "Amount", "Status"])
    ws.append([1001, dt.datetime(2025, 4, 3, 10, 30), 1200, "Paid"])  # row 2: real datetime, number
    ws.append(["1002", "15/04/2025", "₹2,35,000", "paid"])  # row 3: text date and text amount
    ws.append([None, None, None, None])  # row 4: blank
    ws.append([1003, "16/04/2025", "abc", "Cancelled"])  # row 5: garbage amount
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    sf = read_source(spec(path, "sales"))
    frame = sf.frame
    assert sf.connector == "excel"
    assert frame["order_id"].tolist() == ["1001", "1002", "1003"]  # not "1001.0"
    assert frame["ordered_at"].tolist() == [
        pd.Timestamp("2025-04-03 10:30"), pd.Timestamp("2025-04-15"), pd.Timestamp("2025-04-16")
    ]
    assert frame["amount"].iloc[:2].tolist() == [1200.0, 235000.0]
    assert frame["_row"].tolist() == [2, 3, 5]
    assert [(i.row, i.column) for i in sf.issues] == [(5, "Amount")]
    assert frame["status"].tolist() == ["paid", "paid", "cancelled"]


def test_json_nested_records_flattened(tmp_path):
    doc = {
        "status": "ok",
        "data": {"orders": [
            {"order_no": "W1", "created_at": "2025-04-03T10:00:00+05:30", "payment": {"amount": "₹499"}},
            {"order_no": "W2", "created_at": "2025-04-04T11:00:00+05:30", "payment": {"amount": "oops"}},
        ]},
    }
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    sf = read_source(spec(path, "sales", columns={"amount": "payment.amount"}))
    assert sf.connector == "json"
    assert sf.frame["order_id"].tolist() == ["W1", "W2"]
    assert sf.frame["ordered_at"][0] == pd.Timestamp("2025-04-03 10:00")  # wall clock kept
    assert [(i.row, i.column) for i in sf.issues] == [(2, "payment.amount")]  # 1-based record index


def test_leads_blank_source_is_unknown(tmp_path):
    path = write(tmp_path / "leads.csv", "Lead Date,Lead Source,Name\n2025-04-03,Walk-in,Asha\n2025-04-03,,Ravi\n")
    frame = read_source(spec(path, "leads")).frame
    assert frame["source"].tolist() == ["Walk-in", "Unknown"]


def test_attendance_status_column_drops_weekly_off_and_reports_unknown(tmp_path):
    path = write(
        tmp_path / "register.csv",
        "Emp ID,Date,Status\nE1,2025-04-03,P\nE2,2025-04-03,A\nE3,2025-04-03,WO\nE4,2025-04-03,??\n"
        "E1,2025-04-04,Half Day\n",
    )
    sf = read_source(spec(path, "attendance"))
    frame = sf.frame
    # the unreadable mark stays as a row of its own (present unknown), so the report can tell its day
    assert frame[["employee", "present"]].astype(object).values.tolist() == [
        ["E1", True], ["E2", False], ["E1", True], ["E4", pd.NA]]
    assert frame["_row"].tolist() == [2, 3, 6, 5]
    assert [(i.row, i.column) for i in sf.issues] == [(5, "Status")]
    clean = read_source(spec(write(tmp_path / "ok.csv", "Emp ID,Date,Status\nE1,2025-04-03,P\n"), "attendance"))
    assert clean.frame["present"].dtype == bool


def test_attendance_from_punches_one_row_per_employee_day(tmp_path):
    path = write(
        tmp_path / "punches.csv",
        "Employee ID,Punch Time\n7,2025-04-03 09:01\n7,2025-04-03 09:01\n7,2025-04-03 18:05\n8,2025-04-03 09:30\n"
        "7,2025-04-04 09:00\n",
    )
    frame = read_source(spec(path, "attendance")).frame
    # day 3: employees 7 and 8 (7 punched three times); day 4: employee 7 -> 3 rows
    assert frame[["employee", "date"]].values.tolist() == [
        ["7", pd.Timestamp("2025-04-03")], ["8", pd.Timestamp("2025-04-03")], ["7", pd.Timestamp("2025-04-04")]
    ]
    assert frame["present"].all() and frame["_row"].tolist() == [2, 5, 6]

"""Register-style exports of any program: title rows above the header, two-row headers, row filters."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from connectors import SourceReadError, preview, read_source
from connectors.registers import find_header
from desktop_app.settings import SourceSettings, parse_settings, render_settings
from tests.connectors.conftest import spec, write

TITLED = ("Busy Accounting Software\nSharma Electricals, Ahmedabad\nSales Invoice List\n01/04/2024 to 03/04/2024\n\n"
          "Invoice No,Invoice Date,Customer,Branch,Net Amount\n"
          "S-1,01/04/2024,Asha,Naroda,1200.00\n"
          "S-2,02/04/2024,Bina,Vatva,800.50\n"
          "S-3,03/04/2024,Chetan,Naroda,300.00\n")
# Saved the evening the period ends: 01/04..03/04 fit day/month and month/day alike, and robust-data's
# dates.py refuses such a column unless something tells the order; an export holds no rows from after
# it was saved, so the file's age does (month-first would put the newest row a month before saving).
SAVED = dt.datetime(2024, 4, 3, 19, 0).timestamp()


def exported(path: Path) -> Path:
    os.utime(path, (SAVED, SAVED))
    return path


def test_header_below_title_rows_is_found_in_a_csv(tmp_path):
    result = read_source(spec(exported(write(tmp_path / "invoices.csv", TITLED)), "sales"))
    assert result.connector == "csv"
    assert result.frame["amount"].tolist() == [1200.0, 800.5, 300.0]
    assert result.frame["_row"].tolist() == [7, 8, 9]  # the header is row 6


def test_header_below_title_rows_is_found_in_excel(tmp_path):
    book = openpyxl.Workbook()
    for row in TITLED.splitlines():
        book.active.append(row.split(",") if row else [])
    path = tmp_path / "invoices.xlsx"
    book.save(path)
    result = read_source(spec(exported(path), "sales"))
    assert result.frame["amount"].tolist() == [1200.0, 800.5, 300.0]
    assert result.frame["_row"].tolist() == [7, 8, 9]


def test_header_row_option_overrides_the_guess(tmp_path):
    text = "Report,of,sales\nOrder ID,Date,Amount\n1,2024-04-01,10\n2,2024-04-02,20\n"
    path = write(tmp_path / "odd.csv", text)
    # Row 1 has three text cells, so it looks like a header; the owner says the header is row 2.
    with pytest.raises(SourceReadError):
        read_source(spec(path, "sales"))
    fixed = read_source(spec(path, "sales", options={"header_row": 2}))
    assert fixed.frame["amount"].tolist() == [10.0, 20.0] and fixed.frame["_row"].tolist() == [3, 4]
    with pytest.raises(SourceReadError, match="header_row"):
        read_source(spec(path, "sales", options={"header_row": -1}))


def test_ordinary_files_keep_row_one_as_the_header(tmp_path):
    path = write(tmp_path / "orders.csv", "order_id,date,amount\n1,2024-04-01,10\n")
    assert read_source(spec(path, "sales")).frame["_row"].tolist() == [2]
    assert find_header([["2024", "x"], ["1", "2"]]).row == 0  # nothing looks like a header: row 1, as before


def test_two_row_header_names():
    layout = find_header([["Company"], ["Date", "Particulars", "Amount", ""], ["", "", "Debit", "Credit"],
                          ["1-Apr-24", "Cash", "100", ""]])
    assert layout.row == 1 and layout.sub and layout.first_data_row == 4
    assert layout.names == ("Date", "Particulars", "Amount Debit", "Amount Credit")


def test_filter_keeps_matching_rows_in_a_generic_file(tmp_path):
    path = exported(write(tmp_path / "invoices.csv", TITLED))
    naroda = read_source(spec(path, "sales", filter={"branch": ("naroda",)}))
    assert naroda.frame["amount"].tolist() == [1200.0, 300.0]
    raw, read = preview(spec(path, "sales", filter={"Branch": ("Vatva",)}))
    assert len(raw) == 3 and read.frame["amount"].tolist() == [800.5]


def test_filter_and_list_options_round_trip_through_settings_toml(tmp_path):
    source = SourceSettings(name="Tally", domain="sales", path="C:/Tally/DayBook.xlsx",
                            options={"sales_voucher_types": ["Sales", "GST Supply"], "header_row": 6},
                            filter={"voucher_type": ["Sales", "GST Supply"]})
    from desktop_app.settings import Settings

    text = render_settings(Settings(sources=[source]))
    assert 'voucher_type = ["Sales", "GST Supply"]' in text
    again = parse_settings(text, tmp_path / "settings.toml").sources[0]
    assert again.filter == {"voucher_type": ["Sales", "GST Supply"]}
    assert again.spec().filter == {"voucher_type": ("Sales", "GST Supply")}
    single = parse_settings(text.replace('voucher_type = ["Sales", "GST Supply"]', 'voucher_type = "Sales"'),
                            tmp_path / "settings.toml")
    assert single.sources[0].filter == {"voucher_type": ["Sales"]}


def test_tab_separated_register_with_title_rows(tmp_path):
    text = ("Patel Traders\nDay Book\n1-Apr-24 to 1-Apr-24\n"
            "Date\tParticulars\tVch Type\tVch No.\tDebit Amount\tCredit Amount\n"
            "1-Apr-24\tShah & Co\tSales\t1\t1,180.00\t\n1-Apr-24\tCash\tReceipt\t2\t\t500.00\n")
    result = read_source(spec(write(tmp_path / "daybook.txt", text), "sales"))
    assert result.connector == "tally" and result.frame["amount"].tolist() == [1180.0]


# --- title rows together with robust-data's checks (the merge of india and main) --------------------

BUSY = "Busy Accounting Software\nSharma Electricals\n\nInvoice No,Invoice Date,Customer,Net Amount\n"


def test_a_cut_off_last_line_below_title_rows_names_its_spreadsheet_row(tmp_path):
    path = write(tmp_path / "cut.csv", BUSY + "S-1,2024-04-01,Asha,1200\nS-2,2024-04-02,Bi")
    with pytest.raises(SourceReadError, match=r"the last line of cut\.csv \(row 6\) is cut off"):
        read_source(spec(path, "sales"))
    whole = write(tmp_path / "whole.csv", BUSY + "S-1,2024-04-01,Asha,1200\nS-2,2024-04-02,Bina,800")
    assert read_source(spec(whole, "sales")).frame["_row"].tolist() == [5, 6]  # no final line break is fine


def test_a_row_longer_than_the_header_below_title_rows_is_refused_not_shifted(tmp_path):
    # An unquoted "1,200" would otherwise put 1 in Net Amount and 200 in a column of its own.
    path = write(tmp_path / "long.csv", BUSY + "S-1,2024-04-01,Asha,1200\nS-2,2024-04-02,Bina,1,200\n")
    with pytest.raises(SourceReadError, match=r"row 6 of long\.csv has 5 values but its header \(row 4\) has 4"):
        read_source(spec(path, "sales"))
    trailing = write(tmp_path / "trailing.csv", BUSY.replace("Amount\n", "Amount,\n") + "S-1,2024-04-01,Asha,1200,\n")
    assert read_source(spec(trailing, "sales")).frame["amount"].tolist() == [1200.0]


def test_excel_sheet_facts_below_title_rows_use_spreadsheet_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Sharma Electricals"])
    sheet.merge_cells("A1:D1")  # a merged title is not data
    sheet.append(["Sales Register"])
    sheet.append([])
    sheet.append(["Invoice No", "Invoice Date", "Customer", "Net Amount", "Qty", "Rate"])
    sheet.append(["S-1", dt.datetime(2024, 4, 1), "Asha", 1200, 1, 1200])
    sheet.append(["S-2", dt.datetime(2024, 4, 2), "Bina", None, 2, 400])
    sheet["D6"] = "=E6*F6"  # never calculated: not ₹0
    sheet.append(["S-3", dt.datetime(2024, 4, 2), "Chetan", 300, 1, 300])
    sheet.append(["S-4", dt.datetime(2024, 4, 2), None, 100, 1, 100])
    sheet.merge_cells("C7:C8")
    path = tmp_path / "register.xlsx"
    book.save(path)
    result = read_source(spec(path, "sales"))
    assert [(issue.row, issue.column) for issue in result.issues] == [(6, "Net Amount")]
    assert "=E6*F6" in result.issues[0].message
    assert any("cells C7:C8 of column 'Customer' are merged" in w for w in result.warnings)
    assert result.frame["_row"].tolist() == [5, 6, 7, 8]

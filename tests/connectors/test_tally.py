"""Tally Day Book and Sales Register exports: recognised with no configuration, only sales counted.

The three real exports and their origin are described in data/tally/SOURCES.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from connectors import SourceReadError, preview, read_source, recognise
from connectors.tally import DEFAULT_RETURN_TYPES, DEFAULT_SALES_TYPES, classify_type
from desktop_app.cli import main
from tests.connectors.conftest import spec, write

DATA = Path(__file__).parent / "data" / "tally"
JINKRUPA = DATA / "jinkrupa_day_book_dec23_jan24.xlsx"
HOTEL = DATA / "hotel_sales_register_jun26.xlsx"
CUBIX = DATA / "cubix_day_book_2022-05-09.xlsx"

# The sales vouchers of 9 May 2022 in the Cubix Day Book, read off the sheet one by one (Debit Amount):
CUBIX_SALES = [  # Sales 22-23/1387 .. 22-23/1415
    37588.59, 23817.12, 24154.70, 4021.44, 6177.30, 1741.68, 1191.54, 3540.00, 14649.94, 184249.80,
    2403.66, 18880.00, 22582.00, 9381.00, 3481.00, 17700.00, 828.36, 3327.60, 129469.60, 10053.60,
    6136.00, 3558.88, 5111.76, 12744.00, 20532.00, 74694.00, 16815.00, 1770.00, 12043.08,
]
CUBIX_BHOSARI_SALES = 1888.00  # Bhosari Sales B/22-23/080
CUBIX_CREDIT_NOTE = 9221.00  # Credit Note CN/22-23/004 (Credit Amount)
# 29 Sales = 6,72,643.65; + 1,888.00 Bhosari Sales = 6,74,531.65; - 9,221.00 credit note = 6,65,310.65.
# The 29 Sales Orders (22,65,403.18), 21 Receipts, 24 purchases, journals, delivery notes... never count.
CUBIX_EXPECTED = 665310.65


def test_hand_sum_is_what_the_sheet_says():
    assert round(sum(CUBIX_SALES), 2) == 672643.65
    assert round(sum(CUBIX_SALES) + CUBIX_BHOSARI_SALES - CUBIX_CREDIT_NOTE, 2) == CUBIX_EXPECTED


def test_day_book_with_mixed_voucher_types_gives_the_hand_sum_with_no_configuration(tmp_path):
    source = spec(CUBIX, "sales")
    assert recognise(source).key == "tally"
    result = read_source(source)
    frame = result.frame
    assert round(frame["amount"].sum(), 2) == CUBIX_EXPECTED
    assert len(frame) == 31  # 29 Sales + 1 Bhosari Sales + 1 Credit Note
    assert set(frame["channel"]) == {"Sales", "Bhosari Sales", "Credit Note"}
    credit = frame[frame["channel"] == "Credit Note"].iloc[0]
    assert credit["amount"] == -CUBIX_CREDIT_NOTE and credit["status"] == "returned"
    assert credit["order_id"] == "Credit Note CN/22-23/004"
    # five title rows, two header rows (7 and 8): `_row` is the row the owner sees in Excel
    sheet = openpyxl.load_workbook(CUBIX, read_only=True).worksheets[0]
    cells = {row[0].row: row for row in sheet.iter_rows(min_row=1) if row and row[0].row in set(frame["_row"])}
    pairs = zip(frame["_row"], frame["order_id"], strict=True)
    assert all(f"{cells[r][6].value} {cells[r][7].value}" == order for r, order in pairs)
    assert not result.issues and not result.warnings
    assert any("Sales Order ×29 22,65,403.18" in note for note in result.notes)


def test_report_for_the_day_equals_the_hand_sum(tmp_path, capsys):
    code = main(["generate", "--date", "2022-05-09", "--source", f"sales={CUBIX}", "--offline", "--no-send",
                 "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 3)  # 3: leads and attendance have no source here
    assert report["sales"]["total"] == CUBIX_EXPECTED
    assert report["sales"]["orders"] == 30  # the credit note is not an order
    assert report["sales"]["returns"] == CUBIX_CREDIT_NOTE
    status = next(s for s in report["sources"] if s["domain"] == "sales")
    assert status["connector"] == "tally" and "invoice value, GST included" in status["message"]


def test_title_rows_and_two_row_header_of_a_real_day_book():
    result = read_source(spec(JINKRUPA, "sales"))
    frame = result.frame
    assert len(frame) == 28 and set(frame["channel"]) == {"GST Supply"}
    assert frame["_row"].tolist() == list(range(8, 36))
    assert frame.loc[0, "order_id"] == "GST Supply 114" and frame.loc[0, "amount"] == 422581.77
    assert str(frame["ordered_at"].min().date()) == "2023-12-04"
    assert round(frame["amount"].sum(), 2) == 5727783.30


def test_sales_register_counts_invoice_value_by_default_and_taxable_value_on_request():
    # Tally's own Grand Total row (not a voucher, left out) says Gross Total 7,63,988.73 and Value 7,17,123.17.
    invoice = read_source(spec(HOTEL, "sales"))
    assert round(invoice.frame["amount"].sum(), 2) == 763988.73
    assert len(invoice.frame) == 638
    assert any("invoice value, GST included (column 'Gross Total')" in n for n in invoice.notes)
    taxable = read_source(spec(HOTEL, "sales", options={"gst": "taxable"}))
    assert round(taxable.frame["amount"].sum(), 2) == 717123.17
    assert any("before GST" in n for n in taxable.notes)
    with pytest.raises(SourceReadError, match="gst must be"):
        read_source(spec(HOTEL, "sales", options={"gst": "net"}))


def test_register_without_gross_total_adds_the_tax_columns(tmp_path):
    path = write(tmp_path / "register.csv", "My Shop\nSales Register\n1-Apr-24 to 2-Apr-24\n"
                 "Date,Particulars,Voucher Type,Voucher No.,Value,Output CGST 9%,Output SGST 9%\n"
                 "1-Apr-24,Asha Traders,Sales,1,1000.00,90.00,90.00\n"
                 "02-04-2024,Bina Stores,Sales,2,500.00,45.00,45.00\n")
    result = read_source(spec(path, "sales"))
    assert result.frame["amount"].tolist() == [1180.0, 590.0]
    assert [str(d.date()) for d in result.frame["ordered_at"]] == ["2024-04-01", "2024-04-02"]
    taxable = read_source(spec(path, "sales", options={"gst": "taxable"}))
    assert taxable.frame["amount"].tolist() == [1000.0, 500.0]


def test_amount_over_debit_and_credit_with_dr_cr_suffixes(tmp_path):
    path = write(tmp_path / "DayBook.csv", "Patel Traders\nAhmedabad\nDay Book\n1-Apr-24 to 1-Apr-24\n"
                 "Date,Particulars,Vch Type,Vch No.,Amount,\n"
                 ",,,,Debit,Credit\n"
                 "1-Apr-24,Shah & Co,Sales,101,\"1,18,000.00 Dr\",\n"
                 "1-Apr-24,Cash,Receipt,7,,50000.00 Cr\n"
                 "1-Apr-24,Mehta Bros,Credit Note,3,,2360.00 Cr\n"
                 "1-Apr-24,Supplier Ltd,Purchase,44,,80000.00\n"
                 "1-Apr-24,(cancelled),Sales,102,,\n"
                 "1-Apr-24,Rajesh,Sales (Optional),103,999.00,\n"
                 ",Grand Total,,,\"1,19,000.00\",\"1,32,360.00\"\n")
    source = spec(path, "sales")
    assert recognise(source).key == "tally"
    result = read_source(source)
    frame = result.frame
    live = frame[frame["status"] != "cancelled"]
    assert live["amount"].tolist() == [118000.0, -2360.0]
    assert frame[frame["status"] == "cancelled"]["order_id"].tolist() == ["Sales 102"]
    assert any("1 cancelled voucher" in n for n in result.notes)
    assert any("1 optional voucher" in n for n in result.notes)
    assert any(n.startswith("Not sales, left out: Purchase ×1 80,000.00; Receipt ×1 50,000.00") for n in result.notes)


@pytest.mark.parametrize("name", ["Sales", "GST Sales", "Bhosari Sales", "GST Supply", "Sales - Local",
                                  "Sales - Bosch", "Nashik Sales", "Tax Invoice", "Retail Sale", "POS Sale",
                                  "Export Sales", "sales  ", "SALES"])
def test_custom_sales_types_count(name):
    assert classify_type(name) == "sale"


@pytest.mark.parametrize("name", ["Credit Note", "Sales Return", "Credit Note : Bhosari", "GST Sales Return"])
def test_credit_notes_and_sales_returns_reduce(name):
    assert classify_type(name) == "return"


@pytest.mark.parametrize("name", ["Receipt", "Payment", "Purchase", "Purchase  Nanded", "Journal", "Contra",
                                  "Debit Note", "Debit Note : TDS", "Sales Order", "Delivery Note",
                                  "Bhosari  Delivery Note", "Stock Journal", "Rejections In", "Physical Stock",
                                  "Purchase Order", "Purchase Return", "Sales Quotation", "Delivery Challan",
                                  "Memorandum", "Payroll", "Manufacturing Journal", "Material In",
                                  "Nashik Reciept", "MEI PO : Vikram.Ghanekar", ""])
def test_other_vouchers_never_count(name):
    assert classify_type(name) == "ignored"


def test_exact_names_in_the_setting_win_and_replace_the_default():
    assert classify_type("Counter Bill", ["Counter Bill"], DEFAULT_RETURN_TYPES) == "sale"
    assert classify_type("Sales Order Invoice", ["Sales Order Invoice"], DEFAULT_RETURN_TYPES) == "sale"
    assert classify_type("Sales", ["GST Supply"], DEFAULT_RETURN_TYPES) == "ignored"
    assert classify_type("Counter Bill", DEFAULT_SALES_TYPES, DEFAULT_RETURN_TYPES) == "ignored"


def test_sales_voucher_types_option(tmp_path):
    only_branch = read_source(spec(CUBIX, "sales", options={"sales_voucher_types": ["Bhosari Sales"]}))
    assert round(only_branch.frame["amount"].sum(), 2) == round(CUBIX_BHOSARI_SALES - CUBIX_CREDIT_NOTE, 2)
    as_text = read_source(spec(CUBIX, "sales", options={"sales_voucher_types": "Sales, Bhosari Sales"}))
    assert round(as_text.frame["amount"].sum(), 2) == CUBIX_EXPECTED


def test_row_filter_on_voucher_type(tmp_path):
    result = read_source(spec(CUBIX, "sales", filter={"voucher_type": ("sales",)}))
    assert round(result.frame["amount"].sum(), 2) == round(sum(CUBIX_SALES), 2)
    with pytest.raises(SourceReadError, match="filter names column 'branch_code'"):
        read_source(spec(CUBIX, "sales", filter={"branch_code": ("X",)}))


def test_no_sales_vouchers_is_a_warning_naming_the_types(tmp_path):
    path = write(tmp_path / "receipts.csv", "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
                 "01-04-2024,Cash,Receipt,1,,500\n01-04-2024,Bank,Payment,2,300,\n")
    result = read_source(spec(path, "sales"))
    assert result.frame.empty
    assert "no sales vouchers found" in result.warnings[0] and "'Receipt'" in result.warnings[0]


def test_preview_shows_counted_and_left_out_types_with_totals_of_the_whole_file():
    raw, read = preview(spec(CUBIX, "sales"), rows=5)
    assert list(raw.columns[:4]) == ["Date", "Particulars", "SO No", "SO Date"]
    assert len(read.frame) <= 5
    assert read.notes[1] == "Counted as sales (₹): Sales ×29 6,72,643.65; Bhosari Sales ×1 1,888.00 = 6,74,531.65"
    assert read.notes[2] == "Taken off sales (₹): Credit Note ×1 9,221.00 = 9,221.00"
    assert read.notes[3].startswith("Not sales, left out: Sales Order ×29 22,65,403.18")


def test_corrupt_excel_named_like_a_day_book_is_a_sentence(tmp_path):
    path = tmp_path / "DayBook.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SourceReadError):
        read_source(spec(path, "sales", format="tally"))


def test_excel_day_book_written_by_openpyxl_with_text_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Acme Pvt Ltd"], ["Day Book"], ["1-Apr-24 to 30-Apr-24"], [],
                ["Date", "Particulars", "Vch Type", "Vch No.", "Debit Amount", "Credit Amount"],
                ["1-Apr-24", "Asha", "GST Sales", "1", 1000, None],
                ["30-Apr-24", "Bina", "Sales Return", "2", None, 200]):
        sheet.append(row)
    path = tmp_path / "Day Book.xlsx"
    book.save(path)
    frame = read_source(spec(path, "sales")).frame
    assert frame["amount"].tolist() == [1000.0, -200.0]
    assert [str(d.date()) for d in frame["ordered_at"]] == ["2024-04-01", "2024-04-30"]


def test_a_sales_voucher_without_an_amount_is_named_not_counted_as_zero(tmp_path):
    path = write(tmp_path / "DayBook.csv", "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
                 "01-04-2024,Asha,Sales,1,500,\n01-04-2024,Bina,Sales,2,,\n01-04-2024,Cash,Receipt,3,,\n")
    result = read_source(spec(path, "sales"))
    assert [str(issue) for issue in result.issues] == [
        "'test source', row 3: the Sales voucher 2 has no amount; check it in Tally"]

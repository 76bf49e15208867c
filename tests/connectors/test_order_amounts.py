"""Registers with one row per item: the order's amount is counted once, however the export writes it.

Found on real exports the app had never seen (data/invoices/SOURCES.md): a bill's total repeated on each of
its item lines was added once per line (a Kolkata distributor's day read as 2.4x its sales), a Zoho export's
trailing comma slid every value one column to the left, its draft invoices counted as sales, and a
WooCommerce file whose date column was named `date_created` was counted as undated, all on the day it was saved.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from connectors import SourceReadError, read_source
from connectors.base import NOT_SALE_STATUSES, CellIssue
from desktop_app.pipeline import _describe_issues

from .conftest import spec, write

DATA = Path(__file__).parent / "data" / "invoices"


def day_sales(frame: pd.DataFrame, day: str) -> tuple[float, int]:
    """The day's total and its orders above zero, as the report counts them (kpis.daily_sales)."""
    rows = frame[(frame["ordered_at"].dt.date == dt.date.fromisoformat(day))
                 & ~frame["status"].isin(NOT_SALE_STATUSES)]
    per_order = rows.groupby("order_id")["amount"].sum()
    return round(float(rows["amount"].sum()), 2), int((per_order > 0).sum())


def test_a_bill_total_repeated_on_each_item_line_counts_once():
    result = read_source(spec(DATA / "sales_register_kolkata_2lines.csv", "sales"))
    # 1,967 (one line) + 57,392 (written on each of four lines), not 1,967 + 4 x 57,392 = 2,31,535
    assert day_sales(result.frame, "2025-04-02") == (59359.0, 2)
    assert any("'Invoice Amount' repeats each order's total on every line" in w for w in result.warnings)


def test_the_real_zoho_export_trailing_comma_totals_and_drafts():
    result = read_source(spec(DATA / "zoho_invoices_kesans.csv", "sales"))
    assert result.issues == []
    # 14 Sep 2021: BOS-000005 paid 92,468 + INV-000021 overdue 30; the drafts BOS-000004 and INV-000020 are no sales
    assert day_sales(result.frame, "2021-09-14") == (92498.0, 2)
    # 16 Sep 2021: BOS-000006 (two lines, Total 372 on each) is 372; four drafts are left out
    assert day_sales(result.frame, "2021-09-16") == (372.0, 1)
    assert any("'Total' repeats each order's total" in w for w in result.warnings)


def test_line_amounts_that_differ_are_added_up(tmp_path):
    path = write(tmp_path / "lines.csv", "Invoice No,Date,Product,Amount\n"
                                        "A1,2026-11-24,Tea,100\nA1,2026-11-24,Sugar,50\n"
                                        "A2,2026-11-24,Tea,100\nA2,2026-11-24,Tea,100\n"  # same amount, one order
                                        "A3,2026-11-24,Milk,30\n")
    result = read_source(spec(path, "sales"))
    assert day_sales(result.frame, "2026-11-24") == (380.0, 3)
    assert not any("repeats" in w for w in result.warnings)


def test_one_order_of_equal_lines_in_an_amount_column_is_added_up(tmp_path):
    """With a single order of several lines, equal amounts may be two equal items: only a column named for the
    whole bill says otherwise."""
    text = "Invoice No,Date,Product,{}\nA1,2026-11-24,Tea,100\nA1,2026-11-24,Sugar,100\nA2,2026-11-24,Milk,30\n"
    line = read_source(spec(write(tmp_path / "line.csv", text.format("Amount")), "sales"))
    bill = read_source(spec(write(tmp_path / "bill.csv", text.format("Bill Amount")), "sales"))
    assert day_sales(line.frame, "2026-11-24") == (230.0, 2)
    assert day_sales(bill.frame, "2026-11-24") == (130.0, 2)


def test_an_invoice_number_used_again_on_another_day_is_another_bill(tmp_path):
    """Indian invoice numbers restart every financial year: the lines of one bill share its day."""
    path = write(tmp_path / "fy.csv", "Invoice No,Date,Product,Invoice Amount\n"
                                     "1,2025-03-31,Tea,500\n1,2025-03-31,Sugar,500\n"
                                     "2,2025-03-31,Tea,70\n2,2025-03-31,Milk,70\n"
                                     "1,2025-04-01,Tea,900\n")
    result = read_source(spec(path, "sales"))
    assert day_sales(result.frame, "2025-03-31") == (570.0, 2)
    assert day_sales(result.frame, "2025-04-01") == (900.0, 1)


def test_the_total_on_the_first_item_row_only_is_not_a_missing_amount(tmp_path):
    path = write(tmp_path / "woo.csv", "order_number,order_date,status,order_total,product_name,quantity\n"
                                      "10001,2026-04-26 21:32:57,completed,855.25,A,2\n"
                                      "10001,2026-04-26 21:32:57,completed,,B,2\n"
                                      "10001,2026-04-26 21:32:57,completed,,C,1\n"
                                      "10002,2026-04-26 22:00:00,completed,,D,1\n")
    result = read_source(spec(path, "sales"))
    # 10002 has no amount on any row: that is still an unreadable cell, named by its row
    assert [(issue.row, issue.column) for issue in result.issues] == [(5, "order_total")]
    assert day_sales(result.frame, "2026-04-26") == (855.25, 1)
    assert "2 row(s) without 'order_total' are further lines of orders whose amount is on their first line: " \
           "counted in those orders" in result.warnings


def test_a_blank_line_amount_among_line_amounts_is_still_missing(tmp_path):
    """Where the lines of an order carry their own amounts, a blank one is a missing amount, not a further line."""
    path = write(tmp_path / "lines.csv", "Invoice No,Date,Product,Amount\nA1,2026-11-24,Tea,100\n"
                                        "A1,2026-11-24,Sugar,50\nA2,2026-11-24,Tea,100\nA2,2026-11-24,Milk,\n")
    result = read_source(spec(path, "sales"))
    assert [(issue.row, issue.column) for issue in result.issues] == [(5, "Amount")]


def test_rows_one_value_wider_than_the_header_keep_their_columns(tmp_path):
    path = write(tmp_path / "trailing.csv", "Invoice No,Date,Amount\nA1,2026-11-24,100,\nA2,2026-11-24,50,\n")
    assert day_sales(read_source(spec(path, "sales")).frame, "2026-11-24") == (150.0, 2)
    shifted = write(tmp_path / "shifted.csv", "Invoice No,Date,Amount\nA1,2026-11-24,1,200\nA2,2026-11-24,50,\n")
    refusal = re.escape("row 2 of shifted.csv has 4 values but its first row has 3 columns")
    with pytest.raises(SourceReadError, match=refusal):
        read_source(spec(shifted, "sales"))


def test_woocommerce_api_columns_are_dated(tmp_path):
    path = write(tmp_path / "wc_orders.csv", "id,number,status,date_created,date_created_gmt,currency,total\n"
                                            "92705,92705,processing,2026-06-29T21:28:15,2026-06-29T17:28:15,INR,1000.00\n"
                                            "92706,92706,completed,2026-05-01T01:00:00,2026-04-30T21:00:00,INR,500.00\n")
    result = read_source(spec(path, "sales"))
    assert result.has_dates
    assert day_sales(result.frame, "2026-06-29") == (1000.0, 1)
    assert day_sales(result.frame, "2026-05-01") == (500.0, 1)  # the shop's day, not the GMT one


def test_a_file_with_dates_under_an_unknown_name_is_never_counted_as_undated(tmp_path):
    path = write(tmp_path / "orders.csv", "ref,placed,value\n1,29/06/2026 21:28,1000\n2,01/05/2026 10:00,500\n")
    with pytest.raises(SourceReadError, match=re.escape("none of the columns of orders.csv has a name the app knows "
                                                        "as the date, but 'placed' holds dates: set it as this "
                                                        "source's date")):
        read_source(spec(path, "sales"))
    mapped = read_source(spec(path, "sales", columns={"date": "placed"}))
    assert day_sales(mapped.frame, "2026-06-29") == (1000.0, 1)
    undated = write(tmp_path / "sales_today.csv", "order_id,amount\n1,1200\n2,3500.50\n")
    assert not read_source(spec(undated, "sales")).has_dates  # the seed's file still counts on the day it was saved


def test_a_capped_issue_list_says_how_many_cells_in_all_and_names_the_source_once():
    issues = [CellIssue("orders.csv", row, "Date", f"cannot read date 'x{row}'") for row in range(2, 52)]
    issues.append(CellIssue("orders.csv", None, None, "43000 more unreadable cells not listed"))
    text = _describe_issues(issues)
    assert text.startswith("row 2, column 'Date': cannot read date 'x2'; row 3")
    assert text.endswith("(and 43047 more)")  # 50 listed - 3 shown + 43,000 never listed
    assert "orders.csv" not in text
    assert _describe_issues(issues[:2]) == "row 2, column 'Date': cannot read date 'x2'; row 3, column 'Date': " \
                                           "cannot read date 'x3'"


def test_bills_flagged_as_returns_take_off_sales():
    """A billing system writing each return as a bill with a positive amount and is_return = Y: the day's three
    returns (1,46,160) were added to its four sales (1,31,550)."""
    result = read_source(spec(DATA / "zipone_bills_and_returns_2026-07-16.csv", "sales"))
    assert result.issues == []
    assert day_sales(result.frame, "2026-07-16") == (131550.0 - 146160.0, 4)
    returned = result.frame[result.frame["status"] == "returned"]
    assert sorted(returned["order_id"]) == ["50018", "50019", "50020"] and (returned["amount"] < 0).all()
    assert "3 bill(s) marked as returns in 'is_return' were taken off sales" in result.warnings


def test_a_return_column_that_is_not_yes_or_no_changes_nothing(tmp_path):
    path = write(tmp_path / "bills.csv", "Bill No,Date,Amount,Return\nB1,2026-11-24,500,20\nB2,2026-11-24,300,\n")
    assert day_sales(read_source(spec(path, "sales")).frame, "2026-11-24") == (800.0, 2)


def test_an_amount_column_named_with_its_currency_is_in_that_currency():
    """Infor M3 lines: 'Invoice Amount INR' beside 'Invoice Amount FCN', whose currency the Currency Code column
    gives (EUR): the rupee amounts were refused as euros, and no setting could say otherwise."""
    result = read_source(spec(DATA / "m3_invoice_lines_inr_and_fcn.csv", "sales",
                              columns={"order_id": "Invoice No", "date": "Invoice Date",
                                       "amount": "Invoice Amount INR"}, options={"date_format": "%m/%d/%Y"}))
    assert result.currencies == ("INR",)
    assert round(float(result.frame["amount"].sum()), 2) == 34801.27  # eleven lines that differ: added up


def test_the_converted_amount_takes_the_converted_currency():
    result = read_source(spec(DATA / "stripe_payments_converted.csv", "sales",
                              columns={"order_id": "Invoice Number", "date": "Created date (UTC)",
                                       "amount": "Converted Amount"}))
    assert result.currencies == ("THB",)
    assert day_sales(result.frame, "2024-06-01") == (4025.8, 9)
    buyers = read_source(spec(DATA / "stripe_payments_converted.csv", "sales",
                              columns={"order_id": "Invoice Number", "date": "Created date (UTC)", "amount": "Amount"}))
    assert set(buyers.currencies) >= {"EUR", "MXN"}  # the buyers' own currencies: refused by the report, as before


@pytest.mark.parametrize("header", ["Sale Date", "Creation Date", "Created Date", "Inv Date", "Purchase Date"])
def test_plain_english_date_headers_are_dates(tmp_path, header):
    path = write(tmp_path / "sales.csv", f"Order ID,{header},Amount\n1,2022-07-14,10\n2,2022-07-13,5\n")
    assert day_sales(read_source(spec(path, "sales")).frame, "2022-07-14") == (10.0, 1)


@pytest.mark.parametrize(("header", "currency"), [("Amount (Rs.)", "INR"), ("Amount (₹)", "INR"),
                                                  ("Total Value (PKR)", "PKR"), ("Sales Value", None),
                                                  ("Invoice Value", None)])
def test_amount_headers_of_hand_kept_and_erp_sheets(tmp_path, header, currency):
    """'Amount (Rs.)' was refused while the message listed 'amount' as expected; SwilERP writes 'Sales Value',
    GSTR-1 sheets 'Invoice Value'. A unit in brackets is the amounts' currency."""
    path = write(tmp_path / "sheet.csv", f"Date,Bill No,Party Name,{header}\n2024-04-01,101,Sharma Traders,"
                                         f"\"1,23,456.00\"\n2024-04-01,102,Gupta & Sons,\"2,500.50\"\n")
    result = read_source(spec(path, "sales"))
    assert day_sales(result.frame, "2024-04-01") == (125956.5, 2)
    assert result.currencies == ((currency,) if currency else ())


def test_the_files_total_value_beats_quantity_times_price(tmp_path):
    """A Pakistani item-wise register: one line's Total Value is not Qty x Unit Price (a discount); the file's
    value is the sale."""
    path = write(tmp_path / "register.csv", "Invoice No.,Invoice Date,Qty,Unit Price (PKR),Total Value (PKR)\n"
                                            "SI-1,2025-10-30,125,177,22125\nSI-1,2025-10-30,10,10,64\n")
    assert day_sales(read_source(spec(path, "sales")).frame, "2025-10-30") == (22189.0, 1)

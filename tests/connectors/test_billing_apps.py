"""Bill-wise exports of Indian billing apps, found on real files the app had never seen (data/invoices/SOURCES.md).

Swipe's bill list: a "Totals" row, then a summary block (TOTAL AMOUNT, NET AMOUNT, CGST, CASH... one a line),
and both Net Amount (before GST) and Total Amount (Net + Tax). Before, the summary lines failed the file ("the
amount is blank; fill it in"), and once they were deleted as advised the day was counted before GST without a
word: 26,33,089.88 for 30,48,142.75. Petpooja's orders report dates its bills in a column named `Created`: the
file was "undated". The hand counts come from the cells, not the app's code.
"""

from __future__ import annotations

from pathlib import Path

from connectors import read_source

from .conftest import spec, write
from .test_order_amounts import day_sales

DATA = Path(__file__).parent / "data" / "invoices"
SWIPE = DATA / "swipe_bills_2024-11-11_to_17.xlsx"
PETPOOJA = DATA / "petpooja_orders_2025-11-18_19.csv"


def test_a_billing_apps_summary_under_its_totals_is_not_bills_and_the_bill_value_is_with_gst():
    result = read_source(spec(SWIPE, "sales"))
    assert result.issues == []
    assert day_sales(result.frame, "2024-11-12") == (3048142.75, 7)
    assert day_sales(result.frame, "2024-11-11") == (563483.09, 27)
    assert any("row 37 looks like a total row" in w and "rows 39 to 53 below it, which have no date either" in w
               for w in result.warnings)
    assert result.notes == ["sales counted with tax: 'Total Amount', which is 'Net Amount' plus 'Tax Amount' on "
                            "the bills (set amount under [sources.columns] to count without)"]


def test_an_amount_the_owner_named_is_kept_as_named():
    result = read_source(spec(SWIPE, "sales", columns={"amount": "Net Amount"}))
    assert day_sales(result.frame, "2024-11-12") == (2633089.88, 7)  # before GST, as asked
    assert result.notes == []


def test_a_net_amount_after_discount_is_not_replaced(tmp_path):
    """Many POS exports write Total Amount (before discount) - Discount = Net Amount (what was paid, with tax):
    Net Amount stays the amount, because no column is it plus the tax."""
    path = write(tmp_path / "pos.csv", "Bill No,Bill Date,Total Amount,Discount,Tax,Net Amount\n"
                                       "1,2025-06-02,1180,100,162,1080\n2,2025-06-02,590,0,90,590\n")
    result = read_source(spec(path, "sales"))
    assert day_sales(result.frame, "2025-06-02") == (1670.0, 2) and result.notes == []


def test_rows_with_dates_after_a_total_row_are_still_bills(tmp_path):
    path = write(tmp_path / "days.csv", "Bill No,Date,Amount\n1,2025-06-02,100\nTotal,,100\n2,2025-06-03,250\n"
                                        "Total,,250\n")
    result = read_source(spec(path, "sales"))
    assert day_sales(result.frame, "2025-06-03") == (250.0, 1)
    summary = write(tmp_path / "summary.csv", "Bill No,Date,Amount,Tax\n1,2025-06-02,100,18\nTotal,,100,18\n"
                                              ",,CASH,100\n,,UPI,0\n")
    result = read_source(spec(summary, "sales"))
    assert result.issues == [] and day_sales(result.frame, "2025-06-02") == (100.0, 1)


def test_a_restaurant_pos_dates_its_bills_in_created():
    result = read_source(spec(PETPOOJA, "sales"))
    assert day_sales(result.frame, "2025-11-19") == (224822.0, 153)  # 154 bills, one Cancelled
    assert day_sales(result.frame, "2025-11-18") == (152028.0, 86)


def test_a_billing_apps_item_lines_make_bills_at_the_price_paid():
    """Swipe's item report: before, each line was an order at Qty x Unit Price, before GST and discount
    (76,52,730.65 from 23 'orders'); the bills are its Serial Numbers, the price paid a unit is with tax."""
    result = read_source(spec(DATA / "swipe_items_2024-11-11_to_17.csv", "sales"))
    assert day_sales(result.frame, "2024-11-12") == (8941823.75, 8)
    assert day_sales(result.frame, "2024-11-11") == (563496.01, 27)

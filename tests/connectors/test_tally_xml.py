"""A Day Book exported from Tally as XML reads like its Excel export and like the live gateway (data/tally/SOURCES.md).

Before, the XML export was "not recognised (columns: '<ENVELOPE>')" and no format setting could read it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from connectors import SourceReadError, read_source, recognise
from tests.connectors.conftest import spec, write

DATA = Path(__file__).parent / "data" / "tally"


def sales_by_day(frame: pd.DataFrame) -> dict[str, tuple[float, int]]:
    counted = frame[frame["status"] != "not_sale"] if "status" in frame else frame
    return {str(day.date()): (round(float(rows["amount"].sum()), 2), int((rows.groupby("order_id")["amount"].sum()
                                                                          > 0).sum()))
            for day, rows in counted.groupby(counted["ordered_at"].dt.normalize())}


def test_the_xml_export_equals_the_excel_export_of_the_same_vouchers():
    xml = read_source(spec(DATA / "day_book_test_p_ltd_apr23.xml", "sales"))  # UTF-16, as Tally writes it
    excel = read_source(spec(DATA / "day_book_test_p_ltd_apr23.xlsx", "sales"))
    assert (xml.connector, excel.connector) == ("tally_xml", "tally")
    assert sales_by_day(xml.frame) == sales_by_day(excel.frame) == {"2023-04-01": (14405.5, 2)}  # 3,294.50 + 11,111


def test_only_the_sale_counts_and_a_renamed_sales_type_is_a_sale():
    """"GST Sale Invoice" is Tally's own Sales type renamed (RESERVEDNAME); "Expense" is made from Purchase."""
    result = read_source(spec(DATA / "day_book_uttam_polyrubs_mar25.xml", "sales"))
    assert result.issues == []
    assert sales_by_day(result.frame[result.frame["amount"] != 0]) == {"2025-03-08": (48091.0, 1)}
    summary = "; ".join(result.notes)
    assert "Counted as sales (₹): GST Sale Invoice ×1 48,091.00" in summary
    assert "Not sales, left out: Expense ×2 41,214.00; Purchase ×1 12,107.00" in summary


def test_an_xml_file_that_is_not_a_day_book_says_so(tmp_path):
    broken = write(tmp_path / "DayBook.xml", "<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER>"
                                             "<BODY><IMPORTDATA><TALLYMESSAGE><VOUCHER VCHTYPE=\"Sales\"><DATE>2025")
    assert recognise(spec(broken, "sales")).key == "tally_xml"
    with pytest.raises(SourceReadError, match=r"DayBook\.xml is not a Tally XML export that can be read"):
        read_source(spec(broken, "sales"))
    masters = write(tmp_path / "Masters.xml", "<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER>"
                                              "<BODY><IMPORTDATA><TALLYMESSAGE><LEDGER NAME=\"Cash\"/></TALLYMESSAGE>"
                                              "</IMPORTDATA></BODY></ENVELOPE>")
    with pytest.raises(SourceReadError, match=r"Masters\.xml holds no vouchers"):
        read_source(spec(masters, "sales"))

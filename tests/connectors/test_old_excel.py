"""Excel 97-2003 workbooks (.xls), as Tally.ERP 9, eSSL and many Indian billing tools still save them.

Before, every .xls was refused ("old Excel 97-2003 workbook: save it as .xlsx or CSV"). The two files are real
(data/*/SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from connectors import SourceReadError, read_source
from connectors.files import read_excel_table

from .conftest import spec, write

DATA = Path(__file__).parent / "data"
MARG = DATA / "invoices" / "marg_bill_wise_sales_apr-jun26.xls"
ESSL = DATA / "attendance" / "essl_monthly_status_nov2025.xls"


def test_a_real_xls_register_is_read_cell_for_cell():
    table = read_excel_table(spec(MARG, "sales", options={"header_row": 6}))
    assert {"Bill No.", "Date", "Qty.", "Sales Value"} <= set(table.columns)
    first = table.loc[table["Bill No."].astype(str).str.strip() == "SS000046"].iloc[0]
    assert str(first["Customer"]).strip() == "BANDHU MEDICAL HALL PRIVATE LI"
    assert first["Date"] == dt.datetime(2026, 4, 30) and first["Qty."] == 40 and first["Sales Value"] == 4122.72
    assert table.index[0] == 7  # the spreadsheet row, below the company and title rows


def test_an_xls_export_goes_through_the_readers_like_an_xlsx():
    """eSSL's monthly report read from its .xls, as eSSL saves it (the counts: tests/connectors/test_muster.py)."""
    result = read_source(spec(ESSL, "attendance"))
    assert result.connector == "muster" and result.frame["employee"].nunique() == 37


def test_files_with_the_wrong_excel_name_say_which_name_is_right(tmp_path):
    text = write(tmp_path / "sales.xls", "Bill No,Date,Amount\n1,2025-06-09,500\n")
    with pytest.raises(SourceReadError, match=re.escape("sales.xls is not an Excel workbook: it is a text (CSV) "
                                                        "file with an Excel name; rename it to .csv")):
        read_source(spec(text, "sales"))
    old_as_csv = tmp_path / "report.csv"
    shutil.copy(ESSL, old_as_csv)
    with pytest.raises(SourceReadError, match=re.escape("report.csv is an Excel 97-2003 workbook with a .csv name: "
                                                        "rename it to .xls")):
        read_source(spec(old_as_csv, "attendance"))
    old_as_xlsx = tmp_path / "report.xlsx"
    shutil.copy(ESSL, old_as_xlsx)
    with pytest.raises(SourceReadError, match=re.escape("with an .xlsx name: rename it to .xls")):
        read_source(spec(old_as_xlsx, "attendance"))

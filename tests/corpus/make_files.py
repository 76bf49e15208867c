"""Writes tests/corpus/files/* and manifest.toml (both committed).

Run: .venv/bin/python tests/corpus/make_files.py tests/corpus
"""
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import openpyxl
import tomlkit

ROOT = Path(sys.argv[1])
FILES = ROOT / "files"
shutil.rmtree(FILES, ignore_errors=True)
FILES.mkdir(parents=True)
CASES = []
D = "2026-11-24"


def put(rel, data, encoding="utf-8", newline="\n"):
    path = FILES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.replace("\n", newline).encode(encoding)
    path.write_bytes(data)
    return rel


def case(id, domain, note, file=None, date=D, **kw):
    entry = {"id": id, "domain": domain, "note": note}
    if file:
        entry["file"] = file
    entry["date"] = date
    entry.update(kw)
    CASES.append(entry)


SALES = ("Order ID,Order Date,Customer,Amount,Status\n"
         "1001,2026-11-23,Patel,1500,paid\n1002,2026-11-23,Shah,2500,paid\n"
         "1003,2026-11-24,Joshi,\"1,200\",paid\n1004,2026-11-24,Mehta,2800,paid\n"
         "1005,2026-11-24,Desai,999,cancelled\n")
OK = {"total": 4000.0, "orders": 2}


def sales(id, note, text, rel=None, encoding="utf-8", newline="\n", **kw):
    rel = rel or f"sales/{id.removeprefix('sales_')}.csv"
    put(rel, text, encoding, newline)
    if "fails" not in kw and "total" not in kw:
        kw.update(OK)
    case(id, "sales", note, rel, **kw)


# --- sales, CSV ----------------------------------------------------------------------------
sales("sales_base", "a clean export: the yardstick", SALES)
sales("sales_semicolon", "semicolon-delimited (European Excel)", SALES.replace(",", ";").replace('"1;200"', "1200"))
sales("sales_pipe", "pipe-delimited", SALES.replace(",", "|").replace('"1|200"', "1200"))
sales("sales_tab", "tab-delimited .tsv", SALES.replace(",", "\t").replace('"1\t200"', "1200"), rel="sales/tab.tsv")
sales("sales_tab_txt", "tab-delimited .txt", SALES.replace(",", "\t").replace('"1\t200"', "1200"), rel="sales/tab.txt")
sales("sales_bom", "UTF-8 with a byte-order mark", SALES, encoding="utf-8-sig")
sales("sales_utf16le", "UTF-16 LE with BOM, tab-separated (Excel 'Unicode text')",
      SALES.replace(",", "\t").replace('"1\t200"', "1200"), rel="sales/utf16le.txt", encoding="utf-16")
sales("sales_utf16be", "UTF-16 BE with BOM", "\ufeff" + SALES, encoding="utf-16-be")
sales("sales_cp1252", "Windows-1252 text (é, £-free) with Rs. amounts",
      SALES.replace("Patel", "Café Patel").replace('"1,200"', '"Rs. 1,200"'), encoding="cp1252")
sales("sales_crlf", "Windows line endings", SALES, newline="\r\n")
sales("sales_cr_only", "old Mac line endings (CR only)", SALES, newline="\r")
sales("sales_no_final_newline", "last line complete, no final line break", SALES.rstrip("\n"))
sales("sales_empty", "0 bytes", "", fails="is empty")
sales("sales_blank_lines", "only blank lines", "\n\n  \n", fails="is empty")
sales("sales_header_only", "the header and nothing else", SALES.splitlines()[0] + "\n", fails="no rows")
sales("sales_ragged_long_row", "a row with one value too many (unquoted comma)",
      SALES.replace("1004,2026-11-24,Mehta,2800,paid", "1004,2026-11-24,Mehta, Sons,2800,paid"),
      fails="row 5 of ragged_long_row.csv has 6 values but its first row has 5 columns")
sales("sales_ragged_short_row", "a report-day row missing its last cells",
      SALES.replace("1004,2026-11-24,Mehta,2800,paid", "1004,2026-11-24,Mehta"),
      fails="row 5, column 'Amount': the amount is blank")
sales("sales_total_row", "a Total row at the bottom (no date)", SALES + "Total,,,8999,\n",
      warns="like a total row")
sales("sales_grand_total_row", "'Grand Total' in another column", SALES + ",,Grand Total:,8999,\n",
      warns="like a total row")
sales("sales_repeated_header", "the header repeated mid-file (two exports pasted)",
      SALES + SALES.splitlines()[0] + "\n1006,2026-11-22,Rao,700,paid\n", warns="repeats the header")
sales("sales_nbsp", "non-breaking spaces in header and amounts",
      SALES.replace("Order Date", "Order\u00a0Date ").replace('"1,200"', "1\u00a0200")
      .replace("2800", "\u00a02800\u00a0"))
sales("sales_two_digit_years", "dd/mm/yy dates",
      SALES.replace("2026-11-23", "23/11/26").replace("2026-11-24", "24/11/26"))
sales("sales_truncated_last_line", "the export stopped mid-row (no final line break)",
      SALES + "1006,2026-11-24,Nai", fails="is cut off")
sales("sales_blank_amount_today", "a report-day order with no amount",
      SALES.replace("1004,2026-11-24,Mehta,2800,paid", "1004,2026-11-24,Mehta,,paid"),
      fails="row 5, column 'Amount': the amount is blank")
sales("sales_blank_amount_cancelled", "a cancelled order with no amount is fine",
      SALES.replace("1005,2026-11-24,Desai,999,cancelled", "1005,2026-11-24,Desai,,cancelled"))
sales("sales_blank_date", "an order with no date could be today's",
      SALES.replace("1004,2026-11-24,Mehta", "1004,,Mehta"), fails="the date is blank")
sales("sales_blank_amount_old_row", "an unreadable old row is left out with a warning",
      "Order ID,Order Date,Customer,Amount,Status\n0990,2026-11-01,Old,,paid\n" + SALES.split("\n", 1)[1],
      warns="were left out")
sales("sales_two_amount_columns", "two 'Amount' columns with different values",
      "Order ID,Order Date,Amount,Tax,Amount\n1,2026-11-24,1000,180,1180\n", fails="2 columns named 'Amount'")
sales("sales_two_amount_columns_same", "two identical 'Amount' columns",
      "Order ID,Order Date,Amount,Amount\n1,2026-11-24,1200,1200\n2,2026-11-24,2800,2800\n",
      total=4000.0, orders=2, warns="hold the same values")
US = ("Order ID,Order Date,Amount\n1,11/03/2026,500\n2,11/04/2026,700\n3,11/05/2026,1200\n4,11/05/2026,2800\n")
sales("sales_us_dates_by_file_age", "all dates fit both orders; saved on 5 Nov, so month/day",
      US, date="2026-11-05", saved="2026-11-05T21:00", warns="read as month/day")
sales("sales_us_dates_no_evidence", "all dates fit both orders and the file is months old",
      US, date="2026-11-05", saved="2027-03-01T10:00", fails="set date_format")
sales("sales_us_dates_with_format", "the same file with date_format set",
      US, date="2026-11-05", saved="2027-03-01T10:00", options={"date_format": "%m/%d/%Y"})
sales("sales_us_dates_other_column", "a Ship Date column shows month/day",
      "Order ID,Order Date,Ship Date,Amount\n1,11/05/2026,11/13/2026,1200\n2,11/05/2026,11/14/2026,2800\n",
      date="2026-11-05", saved="2027-03-01T10:00", warns="column 'Ship Date'")
IN = ("Order ID,Order Date,Amount\n1,03/11/2026,500\n2,04/11/2026,700\n3,05/11/2026,1200\n4,05/11/2026,2800\n")
sales("sales_in_dates_by_file_age", "Indian dd/mm dates early in the month, saved the same day",
      IN, date="2026-11-05", saved="2026-11-05T21:00", warns="read as day/month")
sales("sales_amount_1e308", "1e308 in a report-day amount", SALES.replace('"1,200"', "1e308"),
      fails="cannot read amount '1e308'")
sales("sales_amount_29_digits", "a 29-digit amount", SALES.replace('"1,200"', "12345678901234567890123456789"),
      fails="cannot read amount '12345678901234567890123456789'")
sales("sales_amount_1e308_old_row", "1e308 on an old row: left out, rest correct",
      "Order ID,Order Date,Customer,Amount,Status\n0990,2026-11-01,Old,1e308,paid\n" + SALES.split("\n", 1)[1],
      warns="were left out")
sales("sales_amount_inf", "'inf' and 'NaN' amounts", SALES.replace('"1,200"', "inf"), fails="cannot read amount 'inf'")
sales("sales_eur_symbol", "amounts written with €", SALES.replace('"1,200"', '"€1,200"').replace(",2800,", ",€2800,"),
      fails="amounts are in EUR, but the report is in INR")
sales("sales_eur_report_in_eur", "€ amounts in a business that reports in EUR",
      SALES.replace('"1,200"', '"€1,200"').replace(",2800,", ",€2800,"), currency="EUR")
sales("sales_bdt", "Bangladeshi taka amounts", SALES.replace('"1,200"', '"BDT 1,200"').replace(",2800,", ",৳2800,"),
      fails="amounts are in BDT")
sales("sales_currency_column", "a Currency column saying USD",
      "Order ID,Order Date,Amount,Currency\n1,2026-11-24,1200,USD\n2,2026-11-24,2800,USD\n",
      fails="amounts are in USD")
sales("sales_rupee_symbols", "₹ and Rs. and INR written in the cells",
      SALES.replace('"1,200"', '"₹1,200"').replace(",2800,", ",Rs.2800 ,"))
sales("sales_indian_grouping", "lakh grouping 1,20,000",
      SALES.replace('"1,200"', '"1,20,000"').replace(",2800,", ',"2,80,000",'), total=400000.0, orders=2)
sales("sales_accounting_negative", "a refund written (500)",
      SALES + '1006,2026-11-24,Rao,"(500)",refunded\n', total=3500.0, orders=2)
sales("sales_decimal_comma", "1.200,50 with decimal = ','",
      SALES.replace(",", ";").replace('"1;200"', "1.200,50").replace(";2800;", ";2.799,50;"),
      options={"decimal": ","})
sales("sales_quoted_newline", "a customer cell with a line break inside quotes",
      SALES.replace("Mehta", '"Mehta\nand Sons"'))
sales("sales_iso_offsets", "ISO timestamps with +05:30 offsets",
      SALES.replace("2026-11-24,", "2026-11-24T10:15:00+05:30,").replace("2026-11-23,", "2026-11-23T18:00:00+05:30,"))
sales("sales_month_names", "24 Nov 2026 style dates",
      SALES.replace("2026-11-24", "24 Nov 2026").replace("2026-11-23", "23-Nov-2026"))
sales("sales_title_line", "a title line above the header (the header is found below it)",
      "Sales Report November 2026\n" + SALES)
sales("sales_unclosed_quote", "a quote that never closes",
      SALES.replace('1004,2026-11-24,Mehta', '1004,2026-11-24,"Mehta'), fails="never closed")
sales("sales_no_amount_column", "no column that could be the amount",
      "Order ID,Order Date,Customer\n1,2026-11-24,Patel\n", fails="no column for the amount")
sales("sales_html_named_csv", "a web page saved as .csv",
      "<html><body><table><tr><td>Order</td></tr></table></body></html>\n", fails="no column for the amount")
sales("sales_quantity_price", "amount from Qty x Rate with a settings mapping",
      "Bill No,Bill Date,Qty,Rate\nB1,2026-11-24,2,600\nB2,2026-11-24,4,700\n",
      columns={"quantity": "Qty", "unit_price": "Rate"})
sales("sales_blank_quantity", "a report-day line with no quantity",
      "Bill No,Bill Date,Qty,Rate\nB1,2026-11-24,,600\nB2,2026-11-24,4,700\n",
      columns={"quantity": "Qty", "unit_price": "Rate"}, fails="the quantity is blank")
sales("sales_user_column_typo", "a mapping naming a column the file lacks",
      SALES, columns={"amount": "Amout"}, fails="column 'Amout' is not in the file")
sales("sales_no_dates_fresh", "an undated *_today file saved on the report day",
      "order_id,amount\n1,1200\n2,2800\n", rel="sales/sales_today.csv")
sales("sales_no_dates_stale", "an undated file saved the day before",
      "order_id,amount\n1,1200\n2,2800\n", rel="sales/stale_today.csv", saved="2026-11-23T20:00", fails="stale")
sales("sales_mixed_day_month", "dates in both orders in one column",
      "Order ID,Order Date,Amount\n1,24/11/2026,1200\n2,11/24/2026,2800\n", fails="cannot read date '11/24/2026'")
sales("sales_unreadable_date_today", "a garbled date", SALES.replace("1004,2026-11-24", "1004,2026-13-45"),
      fails="cannot read date '2026-13-45'")
sales("sales_garbage_amount", "text in the amount", SALES.replace(",2800,", ",two thousand,"),
      fails="cannot read amount 'two thousand'")
sales("sales_control_chars", "control characters inside a cell",
      SALES.replace("Mehta", "Me\x07h\x1bta"))

for kind, note, phrase in [
    ("nul_bytes_20mb", "20 MB of NUL bytes", "it looks like a binary file"),
    ("random_bytes", "200 KB of binary noise", "it looks like a binary file"),
    ("png_named_csv", "a photo named orders.csv", "it is a PNG image"),
    ("pdf_named_csv", "a PDF named orders.csv", "it is a PDF document"),
    ("xlsx_named_csv", "a workbook named .csv", "it is a ZIP file"),
    ("one_line_10mb", "one 10 MB line and no delimiter", "no column for the amount"),
    ("amount_cell_5mb", "a 5 MB amount", "cannot read amount '999"),
]:
    case(f"sales_{kind}", "sales", note, make=kind, name="orders.csv", fails=phrase)
case("sales_header_cell_5mb", "sales", "a 5 MB column name: the other columns still read",
     make="header_cell_5mb", name="orders.csv", total=100.0, orders=1)
case("sales_customer_cell_5mb", "sales", "a 5 MB customer cell: the numbers are still right",
     make="customer_cell_5mb", name="orders.csv", total=4000.0, orders=2)
case("sales_folder", "sales", "a folder chosen instead of a file", make="folder", name="exports",
     fails="is a folder, not a file")
case("sales_missing_file", "sales", "a path that does not exist", make="missing", name="gone.csv",
     fails="file not found")

# --- sales, JSON ---------------------------------------------------------------------------
RECORDS = [{"order_id": "1001", "order_date": "2026-11-23", "amount": 4000},
           {"order_id": "1003", "order_date": "2026-11-24", "amount": "1,200"},
           {"order_id": "1004", "order_date": "2026-11-24", "amount": 2800.0},
           {"order_id": "1005", "order_date": "2026-11-24", "amount": 999, "status": "cancelled"}]


def js(id, note, doc, raw=None, encoding="utf-8", **kw):
    rel = f"sales/{id.removeprefix('sales_')}.json"
    put(rel, raw if raw is not None else json.dumps(doc, ensure_ascii=False, indent=1), encoding)
    if "fails" not in kw and "total" not in kw:
        kw.update(OK)
    case(id, "sales", note, rel, **kw)


js("sales_json_list", "a list of records", RECORDS)
js("sales_json_wrapped", '{"orders": [...]}', {"orders": RECORDS, "count": 4})
js("sales_json_nested", '{"data": {"orders": [...]}}', {"data": {"orders": RECORDS}})
js("sales_json_numbers", "a list of numbers", [1200, 2800, 4000], fails="is a list of numbers")
js("sales_json_strings", "a list of strings", ["1200", "2800"], fails="is a list of texts")
js("sales_json_empty_list", "[]", [], fails="holds an empty list")
js("sales_json_truncated", "cut off mid-record", None, raw=json.dumps(RECORDS)[:-40], fails="is not valid JSON")
js("sales_json_no_list", "an object with no list in it", {"shop": "x", "total": 4000}, fails="holds no list of records")
js("sales_json_utf16", "UTF-16 with BOM", None, raw=json.dumps(RECORDS), encoding="utf-16")
js("sales_json_ndjson", "one object per line (not one JSON document)", None,
   raw="\n".join(json.dumps(r) for r in RECORDS) + "\n", fails="is not valid JSON")
js("sales_json_blank_amount", "a report-day record with amount null",
   [*RECORDS[:2], {"order_id": "1004", "order_date": "2026-11-24", "amount": None}], fails="the amount is blank")
js("sales_json_huge_number", "an amount of 1e308", [*RECORDS[:2], {"order_id": "9", "order_date": "2026-11-24",
                                                                 "amount": 1e308}], fails="cannot read amount")
js("sales_json_empty_file", "0 bytes", None, raw="", fails="is empty")

# --- sales, Excel --------------------------------------------------------------------------


def book(rel, rows, *, merged=(), formulas=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for rng in merged:
        ws.merge_cells(rng)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    path = FILES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return rel


XROWS = [["Order ID", "Order Date", "Customer", "Amount", "Status"],
         [1001, dt.datetime(2026, 11, 23, 10), "Patel", 1500, "paid"],
         [1002, dt.datetime(2026, 11, 23, 11), "Shah", 2500, "paid"],
         [1003, dt.datetime(2026, 11, 24, 9), "Joshi", 1200, "paid"],
         [1004, dt.datetime(2026, 11, 24, 12), "Mehta", 2800, "paid"],
         [1005, dt.datetime(2026, 11, 24, 13), "Desai", 999, "cancelled"]]
case("sales_xlsx_base", "sales", "a clean workbook with real date cells", book("sales_base.xlsx", XROWS), **OK)
case("sales_xlsx_text_dates", "sales", "dates typed as text dd/mm/yyyy",
     book("sales/text_dates.xlsx", [XROWS[0]] + [[r[0], r[1].strftime("%d/%m/%Y"), *r[2:]] for r in XROWS[1:]]), **OK)
case("sales_xlsx_text_amounts", "sales", "amounts typed as text with ₹",
     book("sales/text_amounts.xlsx", [XROWS[0]] + [[*r[:3], f"₹{r[3]:,}", r[4]] for r in XROWS[1:]]), **OK)
case("sales_xlsx_blank_cells", "sales", "blank status cells and a blank row in the middle",
     book("sales/blank_cells.xlsx", [XROWS[0], XROWS[1], XROWS[2], [None] * 5, [*XROWS[3][:4], None],
                                     [*XROWS[4][:4], None], XROWS[5]]), **OK)
case("sales_xlsx_blank_date", "sales", "a report-day row with an empty date cell (was \"cannot read date 'nan'\")",
     book("sales/blank_date.xlsx", [*XROWS[:4], [1004, None, "Mehta", 2800, "paid"], XROWS[5]]),
     fails="the date is blank")
case("sales_xlsx_formulas_uncalculated", "sales", "amounts are formulas never calculated (written by a script)",
     book("sales/formulas.xlsx", [["Order ID", "Order Date", "Qty", "Rate", "Amount"],
                                  [1, dt.datetime(2026, 11, 24), 2, 600, None],
                                  [2, dt.datetime(2026, 11, 24), 4, 700, None]],
          formulas={"E2": "=C2*D2", "E3": "=C3*D3"}), fails="open and save the file in Excel")
case("sales_xlsx_merged_amount", "sales", "one amount merged across two order rows",
     book("sales/merged_amount.xlsx", [XROWS[0], XROWS[1], XROWS[2], XROWS[3], [1004, dt.datetime(2026, 11, 24),
                                       "Mehta", None, "paid"]], merged=["D4:D5"]), fails="merged cells")
case("sales_xlsx_huge_number", "sales", "a 1e308 number cell",
     book("sales/huge_number.xlsx", [*XROWS[:4], [1004, dt.datetime(2026, 11, 24), "Mehta", 1e308, "paid"]]),
     fails="cannot read amount")
case("sales_xlsx_header_only", "sales", "the header row only", book("sales/header_only.xlsx", XROWS[:1]),
     fails="no rows")
case("sales_xlsx_empty_sheet", "sales", "a workbook with an empty sheet", book("sales/empty_sheet.xlsx", []),
     fails="no column for the amount")
case("sales_xlsx_title_rows", "sales", "two-digit-year text dates, amounts as numbers",
     book("sales/two_digit_years.xlsx", [XROWS[0]] + [[r[0], r[1].strftime("%d/%m/%y"), *r[2:]] for r in XROWS[1:]]),
     **OK)
case("sales_xlsx_named_sheet_missing", "sales", "a sheet name that the workbook lacks", "sales_base.xlsx",
     options={"sheet": "Orders"}, fails="has no sheet 'Orders'")
put("sales/csv_named.xlsx", SALES)
case("sales_csv_named_xlsx", "sales", "a CSV file renamed .xlsx", "sales/csv_named.xlsx",
     fails="it is a text (CSV) file with an Excel name")
put("sales/html_named.xlsx", "<html><table><tr><td>1</td></tr></table></html>")
case("sales_html_named_xlsx", "sales", "an HTML table saved as .xlsx (common 'Excel' export)",
     "sales/html_named.xlsx", fails="it is a web page (HTML)")
for kind, note, phrase in [("truncated_xlsx", "the first half of a workbook", "damaged or incomplete"),
                           ("xls_named_xlsx", "an Excel 97-2003 file named .xlsx", "old Excel 97-2003 workbook"),
                           ("empty_xlsx", "a 0-byte .xlsx", "is empty"),
                           ("zip_without_workbook", "a ZIP that is not a workbook", "damaged or incomplete")]:
    case(f"sales_{kind}", "sales", note, make=kind, name="orders.xlsx", fails=phrase)

# --- leads ---------------------------------------------------------------------------------
LEADS = ("Lead ID,Created Date,Lead Source,Name\nL1,2026-11-23,IndiaMART,A\nL2,2026-11-24,IndiaMART,B\n"
         "L3,2026-11-24,Website,C\nL4,2026-11-24,Website,D\n")
LOK = {"count": 3, "by_source": {"IndiaMART": 1, "Website": 2}}


def leads(id, note, text, rel=None, encoding="utf-8", **kw):
    rel = rel or f"leads/{id.removeprefix('leads_')}.csv"
    put(rel, text, encoding)
    if "fails" not in kw and "count" not in kw:
        kw.update(LOK)
    case(id, "leads", note, rel, **kw)


leads("leads_base", "a clean leads export", LEADS)
leads("leads_semicolon_bom", "semicolons and a BOM", LEADS.replace(",", ";"), encoding="utf-8-sig")
leads("leads_cp1252", "cp1252 names", LEADS.replace(",A\n", ",Zoë\n").replace(",B\n", ",José\n"), encoding="cp1252")
leads("leads_blank_date", "a lead with no date", LEADS.replace("L4,2026-11-24", "L4,"), fails="the date is blank")
leads("leads_blank_source", "a lead with no source counts as Unknown",
      LEADS.replace("L4,2026-11-24,Website", "L4,2026-11-24,"), count=3,
      by_source={"IndiaMART": 1, "Website": 1, "Unknown": 1})
leads("leads_us_dates", "month/day dates decided by the file's age",
      LEADS.replace("2026-11-23", "11/04/2026").replace("2026-11-24", "11/05/2026"), date="2026-11-05",
      saved="2026-11-05T19:00")
leads("leads_unreadable_date", "an unreadable date on a lead", LEADS.replace("L3,2026-11-24", "L3,yesterday"),
      fails="cannot read date 'yesterday'")
leads("leads_truncated", "cut off in the last row", LEADS + "L5,2026-11-2", fails="is cut off")
leads("leads_repeated_header", "header repeated", LEADS + LEADS.splitlines()[0] + "\n", warns="repeats the header")
leads("leads_nbsp_headers", "non-breaking spaces around headers",
      LEADS.replace("Lead Source", "\u00a0Lead\u00a0Source\u00a0"))
leads("leads_two_digit_years", "dd-mm-yy", LEADS.replace("2026-11-23", "23-11-26").replace("2026-11-24", "24-11-26"))
leads("leads_no_columns", "no usable column", "Foo,Bar\n1,2\n", fails="no column for the lead source or date")
js_leads = [{"id": "L1", "created_at": "2026-11-23 10:00", "source": "IndiaMART"},
            {"id": "L2", "created_at": "2026-11-24 11:00", "source": "IndiaMART"},
            {"id": "L3", "created_at": "2026-11-24 12:00", "source": "Website"},
            {"id": "L4", "created_at": "2026-11-24 13:00", "source": "Website"}]
put("leads/leads.json", json.dumps({"leads": js_leads}))
case("leads_json", "leads", "leads as JSON", "leads/leads.json", **LOK)
put("leads/numbers.json", "[1, 2, 3]")
case("leads_json_numbers", "leads", "a JSON list of numbers (was 'stale — the file has no dates')",
     "leads/numbers.json", fails="is a list of numbers")
case("leads_xlsx_merged_source", "leads", "merged 'Lead Source' cells (fill down)",
     book("leads/merged_source.xlsx", [["Lead ID", "Created Date", "Lead Source", "Name"],
                                       ["L1", dt.datetime(2026, 11, 23), "IndiaMART", "A"],
                                       ["L2", dt.datetime(2026, 11, 24), "IndiaMART", "B"],
                                       ["L3", dt.datetime(2026, 11, 24), "Website", "C"],
                                       ["L4", dt.datetime(2026, 11, 24), None, "D"]], merged=["C4:C5"]),
     warns="are merged", **LOK)
case("leads_xlsx_blank_dates", "leads", "blank Excel date cells on leads",
     book("leads/blank_dates.xlsx", [["Lead ID", "Created Date", "Lead Source"],
                                     ["L1", dt.datetime(2026, 11, 24), "Website"], ["L2", None, "Website"]]),
     fails="the date is blank")
case("leads_binary", "leads", "binary noise as a leads file", make="random_bytes", name="leads.csv",
     fails="it looks like a binary file")
case("leads_folder", "leads", "a folder", make="folder", name="leads_dir", fails="is a folder")

# --- attendance ----------------------------------------------------------------------------
ATT = "Emp ID,Date,Status\nE1,2026-11-24,P\nE2,2026-11-24,P\nE3,2026-11-24,A\nE4,2026-11-24,P\n"
AOK = {"present": 3, "absent": 1}


def att(id, note, text, rel=None, encoding="utf-8", **kw):
    rel = rel or f"attendance/{id.removeprefix('attendance_')}.csv"
    put(rel, text, encoding)
    if "fails" not in kw and "present" not in kw:
        kw.update(AOK)
    case(id, "attendance", note, rel, **kw)


att("attendance_base", "a clean register", ATT)
att("attendance_hindi", "Hindi marks", ATT.replace(",P\n", ",हाँ\n", 1)
    .replace("E2,2026-11-24,P", "E2,2026-11-24,उपस्थित").replace(",A\n", ",अनुपस्थित\n")
    .replace("E4,2026-11-24,P", "E4,2026-11-24,हाजिर"))
att("attendance_gujarati", "Gujarati marks", ATT.replace(",P\n", ",હાજર\n").replace(",A\n", ",ગેરહાજર\n"))
att("attendance_hindi_words_mixed", "P, हां, गैरहाजिर, हाज़िर",
    "Emp ID,Date,Status\nE1,2026-11-24,P\nE2,2026-11-24,हां\nE3,2026-11-24,गैरहाजिर\nE4,2026-11-24,हाज़िर\n")
att("attendance_unreadable_today", "an unreadable mark on the report day (was 1 of 2 present)",
    ATT.replace("E4,2026-11-24,P", "E4,2026-11-24,??"),
    fails="row 5, column 'Status': cannot read attendance mark '??'")
att("attendance_blank_mark_today", "a blank mark on the report day",
    ATT.replace("E4,2026-11-24,P", "E4,2026-11-24,"), fails="the attendance mark is blank")
att("attendance_unreadable_old", "an unreadable mark weeks ago is left out",
    "Emp ID,Date,Status\nE1,2026-11-01,xx\n" + ATT.split("\n", 1)[1], warns="were left out")
att("attendance_weekly_off", "WO and holiday marks are not counted",
    ATT + "E5,2026-11-24,WO\n", present=3, absent=1)
att("attendance_truncated", "the register was cut off in its last row", ATT + "E5,2026-11-2", fails="is cut off")
PUNCH = "Emp ID,Punch Time\nE1,2026-11-24 09:01\nE1,2026-11-24 18:05\nE2,2026-11-24 09:30\nE3,2026-11-23 09:10\n"
att("attendance_punches", "punch log: present = has a punch that day", PUNCH, present=2, absent=1)
att("attendance_truncated_punch", "a punch time cut short on the report day",
    PUNCH + "E4,2026-11-24 09:\n", fails="cannot read date '2026-11-24 09:'")
put("attendance/roster.csv", "Employee\nE1\nE2\nE3\nE4\n")
att("attendance_off_roster", "E9 is not on the roster: named, not counted",
    ATT + "E9,2026-11-24,P\n", roster="attendance/roster.csv", present=3, absent=1, headcount=4,
    warns="not on the roster and were not counted: E9")
att("attendance_utf16_tab", "a biometric export in UTF-16, tab-separated",
    ATT.replace(",", "\t"), rel="attendance/utf16.txt", encoding="utf-16")
att("attendance_two_digit_years", "dd/mm/yy", ATT.replace("2026-11-24", "24/11/26"))
att("attendance_yes_no", "Yes/No marks", ATT.replace(",P\n", ",Yes\n").replace(",A\n", ",No\n"))
att("attendance_no_status", "no presence or punch column", "Emp ID,Date\nE1,2026-11-24\n",
    fails="no column for presence or punch time")
att("attendance_blank_date", "a mark with no date", ATT.replace("E4,2026-11-24", "E4,"), fails="the date is blank")
case("attendance_xlsx_gujarati", "attendance", "an Excel register in Gujarati",
     book("attendance/gujarati.xlsx", [["Emp ID", "Date", "Status"], ["E1", dt.datetime(2026, 11, 24), "હાજર"],
                                       ["E2", dt.datetime(2026, 11, 24), "હાજર"],
                                       ["E3", dt.datetime(2026, 11, 24), "ગેરહાજર"],
                                       ["E4", dt.datetime(2026, 11, 24), "હાજર"]]), **AOK)
case("attendance_xlsx_blank_cells", "attendance", "blank cells in an Excel register",
     book("attendance/blank_cells.xlsx", [["Emp ID", "Date", "Status"], ["E1", dt.datetime(2026, 11, 24), "P"],
                                          [None, None, None], ["E2", dt.datetime(2026, 11, 24), "P"],
                                          ["E3", dt.datetime(2026, 11, 24), "A"],
                                          ["E4", dt.datetime(2026, 11, 24), "P"]]), **AOK)
put("attendance/records.json", json.dumps([{"employee": f"E{i}", "date": "2026-11-24", "status": s}
                                           for i, s in enumerate("PPAP", start=1)]))
case("attendance_json", "attendance", "attendance as JSON records", "attendance/records.json", **AOK)
case("attendance_binary", "attendance", "a NUL-filled file", make="nul_bytes_20mb", name="attendance.csv",
     fails="it looks like a binary file")

doc = tomlkit.document()
doc.add(tomlkit.comment("Odd and broken inputs, each run through `generate --json` by tests/corpus/test_corpus.py."))
doc.add(tomlkit.comment("file: under files/ (or make: built in the test); date: report date; saved: the file's"))
doc.add(tomlkit.comment("modification time in IST (default: the report date, 20:00); then either the numbers the"))
doc.add(tomlkit.comment("report must show (total/orders, count/by_source, present/absent/headcount) or fails: a"))
doc.add(tomlkit.comment("phrase the domain's failure message must contain. warns: a phrase some warning contains."))
aot = tomlkit.aot()
for entry in CASES:
    aot.append(tomlkit.item(entry))
doc.add("case", aot)
(ROOT / "manifest.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
print(len(CASES), "cases")

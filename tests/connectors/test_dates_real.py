"""Date cells as real exports write them: a comma before the time, 12- and 24-hour times in one column,
compact YYYYMMDD, and refusal advice that works when followed.

The cells in NPF_*, META, AKSHAY and the YYYYMMDD dates are copied from public exports (only date cells, and
for MARKETSTAR two rows without personal data: the other files hold people's names, e-mails and phones); the
rest are made up to probe the edges:
- NPF: NoPaperForms registrations, Harsh220802/Daily_Leads : Leads.csv @ 02579d8fb69d2578ad57cc76c0967a6b11726b66,
  column "User Registration Date"; 24-hour up to 11 May 2025, then "12/05/2025, 11:58:06 PM" (appended daily).
- META: Meta Business Suite Leads Center, ClickCartLK/FB-Leads : leads.csv @ 2813df993c947f3f048b13fe7892a1fb4fbeb087,
  column "Created" (its form is named "created on Tue Oct 8, 2024": the day comes first, but the cells can't say so).
- MARKETSTAR: Salesforce-style lead table, Erik-Dickamore/MarketStarData : Leads.csv @
  b84adbb3d085c1414cffc7e44e46bdbf88bb116b, column "CreatedDate".
- AKSHAY: ZKTeco "TMNo" USB export, akshaykolhapure995c/payroll-system : AGL_001.TXT @
  08a5c2a7b94aff3d988441c141545416a1b1b4f4, column "DateTime" (all its dates fit both orders).
Files are written with a fixed modification time, so no test depends on today's date.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from connectors import SourceReadError, read_source
from connectors.dates import order_resolver
from connectors.parsing import parse_dates

from .conftest import spec, write

NPF_24H = ["07/05/2025, 23:57:03", "11/05/2025, 00:16:46", "11/05/2025, 00:04:34"]
NPF_12H = ["12/05/2025, 11:58:06 PM", "12/05/2025, 12:55:33 AM", "12/05/2025, 12:58:32 PM",
           "13/05/2025, 11:59:09 PM", "14/05/2025, 12:00:48 AM"]
META = ["08/10/2024, 21:35", "08/10/2024, 21:05", "08/10/2024, 19:21"]
AKSHAY = ["03-03-2015  12:15:44PM", "03-03-2015  12:15:47PM", "03-05-2015  10:53:05AM", "05-05-2015  10:53:05AM"]
SAVED = dt.datetime(2026, 1, 1, 12)  # long after every file's rows: the file's age tells no order


def cells(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def stamps(*values: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(v) for v in values]


def saved_file(path: Path, text: str) -> Path:
    write(path, text)
    os.utime(path, (SAVED.timestamp(),) * 2)
    return path


def refusal(tmp_path: Path, column: list[str], name: str = "DateTime") -> str:
    """The sentence order_resolver refuses `column` with (nothing in the file tells the order)."""
    raw = pd.DataFrame({name: cells(*column)})
    path = saved_file(tmp_path / "export.txt", "x")
    with pytest.raises(SourceReadError) as refused:
        parse_dates(raw[name], dayfirst=order_resolver(raw, name, spec(path, "attendance")), column=name)
    return str(refused.value)


# --- 1. a comma between date and time ------------------------------------------------------------


def test_a_comma_before_the_time_reads_like_a_space_and_the_column_decides_the_order():
    # 13/05 and 14/05 show day-first for the whole column (NPF)
    values, bad, warning = parse_dates(cells(*NPF_24H, "13/05/2025, 11:59:09 PM"), column="User Registration Date")
    assert not bad.any() and warning is None
    assert values.tolist() == stamps("2025-05-07 23:57:03", "2025-05-11 00:16:46", "2025-05-11 00:04:34",
                                     "2025-05-13 23:59:09")


def test_comma_dates_that_fit_both_orders_are_still_refused_with_advice_that_reads_them(tmp_path):
    path = saved_file(tmp_path / "leads.csv", "Created,Source\n" + "".join(f'"{c}",Paid\n' for c in META))
    with pytest.raises(SourceReadError) as refused:
        read_source(spec(path, "leads"))
    message = str(refused.value)
    assert "could be day/month or month/day (e.g. '08/10/2024, 21:35')" in message
    assert '"%d/%m/%Y, %H:%M" when the day comes first, "%m/%d/%Y, %H:%M" when the month does' in message
    followed = read_source(spec(path, "leads", options={"date_format": "%d/%m/%Y, %H:%M"})).frame
    assert followed["received_at"].tolist() == stamps("2024-10-08 21:35", "2024-10-08 21:05", "2024-10-08 19:21")


# --- 2. 12-hour and 24-hour times in one column ----------------------------------------------------


def test_a_column_switching_from_24_hour_to_12_hour_times_reads_both():
    values, bad, warning = parse_dates(cells(*NPF_24H, *NPF_12H))
    assert not bad.any() and warning is None
    assert values.tolist() == stamps(
        "2025-05-07 23:57:03", "2025-05-11 00:16:46", "2025-05-11 00:04:34",
        "2025-05-12 23:58:06", "2025-05-12 00:55:33", "2025-05-12 12:58:32",  # 12:xx AM is 00:xx, 12:xx PM noon
        "2025-05-13 23:59:09", "2025-05-14 00:00:48")


@pytest.mark.parametrize("fmt", ["%d/%m/%Y, %H:%M:%S", "%d/%m/%Y, %I:%M:%S %p", "%d/%m/%Y"])
def test_a_date_format_with_either_time_style_or_none_reads_both_styles(fmt):
    values, bad, _ = parse_dates(cells("11/05/2025, 00:04:34", "12/05/2025, 11:58:06 PM", "12/05/2025, 12:55:33 AM"),
                                 fmt=fmt)
    assert not bad.any()
    assert values.tolist() == stamps("2025-05-11 00:04:34", "2025-05-12 23:58:06", "2025-05-12 00:55:33")


def test_a_date_format_still_fixes_the_day_month_order():
    values, bad, _ = parse_dates(cells("12/05/2025, 11:58:06 PM", "13/05/2025, 11:59:09 PM"), fmt="%m/%d/%Y, %H:%M:%S")
    assert values.iloc[0] == pd.Timestamp("2025-12-05 23:58:06")  # the owner's order, whatever the time style
    assert bad.tolist() == [False, True]  # month 13 is unreadable, not read day-first


def test_mixed_time_styles_that_fit_both_orders_are_refused(tmp_path):
    message = refusal(tmp_path, ["11/05/2025, 00:04:34", "12/05/2025, 11:58:06 PM"], name="User Registration Date")
    assert "could be day/month or month/day (e.g. '11/05/2025, 00:04:34')" in message
    assert '"%d/%m/%Y, %H:%M:%S" when the day comes first' in message


# --- 3. compact YYYYMMDD --------------------------------------------------------------------------


def test_compact_yyyymmdd_dates_are_read(tmp_path):
    values, bad, warning = parse_dates(cells("20210105", "20220929", "20220922"), column="CreatedDate")
    assert not bad.any() and warning is None
    assert values.tolist() == stamps("2021-01-05", "2022-09-29", "2022-09-22")
    path = saved_file(tmp_path / "leads.csv", "LeadId,Stage,CreatedDate,LeadSource\n"
                                              "1,Disqualified,20210105,Purchased List\n"
                                              "2,Disqualified,20210105,Purchased List\n")
    leads = read_source(spec(path, "leads")).frame
    assert leads["received_at"].tolist() == stamps("2021-01-05", "2021-01-05")


@pytest.mark.parametrize("other", ["20211305", "12345678", "18991231", "21010101"])
def test_eight_digit_numbers_are_read_only_when_every_one_is_a_date_from_1900_to_2100(other):
    assert parse_dates(cells("20210105"))[0].tolist() == stamps("2021-01-05")
    values, bad, _ = parse_dates(cells("20210105", other))  # ids or amounts, not dates: none is read
    assert values.isna().all() and bad.all()


@pytest.mark.parametrize("number", ["2021015", "202101050", "20210105.0", "2021 0105"])
def test_numbers_of_other_shapes_are_not_dates(number):
    values, bad, _ = parse_dates(cells("20210105", number))
    assert values.iloc[0] == pd.Timestamp("2021-01-05")
    assert bad.tolist() == [False, True]


# --- 4. refusal advice built from the file's own cells --------------------------------------------


def test_the_refusal_quotes_a_real_cell_and_offers_formats_that_then_read_the_column(tmp_path):
    message = refusal(tmp_path, AKSHAY)
    assert "(e.g. '03-05-2015  10:53:05AM')" in message
    assert '"%d-%m-%Y  %I:%M:%S%p" when the day comes first, "%m-%d-%Y  %I:%M:%S%p" when the month does' in message
    values, bad, warning = parse_dates(cells(*AKSHAY), fmt="%m-%d-%Y  %I:%M:%S%p")
    assert not bad.any() and warning is None
    assert values.tolist() == stamps("2015-03-03 12:15:44", "2015-03-03 12:15:47", "2015-03-05 10:53:05",
                                     "2015-05-05 10:53:05")
    assert parse_dates(cells(*AKSHAY), fmt="%d-%m-%Y  %I:%M:%S%p")[0].iloc[2] == pd.Timestamp("2015-05-03 10:53:05")


def test_the_note_for_a_column_read_from_evidence_names_a_format_that_reads_it(tmp_path):
    # another column of the file, written day-first ("25-05-2015", made up), decides the order
    raw = pd.DataFrame({"DateTime": cells(*AKSHAY), "Checked": cells("25-05-2015", "", "", "")})
    path = saved_file(tmp_path / "log.csv", "x")
    values, bad, note = parse_dates(raw["DateTime"], dayfirst=order_resolver(raw, "DateTime", spec(path, "sales")),
                                    column="DateTime")
    assert not bad.any() and values.iloc[2] == pd.Timestamp("2015-05-03 10:53:05")
    assert note is not None and "(e.g. '03-05-2015  10:53:05AM'); read as day/month" in note
    assert note.endswith('set date_format for this source to be sure ("%d-%m-%Y  %I:%M:%S%p")')


@pytest.mark.parametrize(("cell", "day_first", "month_first"), [
    ("03-05-2015  10:53:05AM", "%d-%m-%Y  %I:%M:%S%p", "%m-%d-%Y  %I:%M:%S%p"),
    ("08/10/2024, 21:35", "%d/%m/%Y, %H:%M", "%m/%d/%Y, %H:%M"),
    ("12/05/2025, 11:58:06 PM", "%d/%m/%Y, %I:%M:%S %p", "%m/%d/%Y, %I:%M:%S %p"),
    ("03.04.25", "%d.%m.%y", "%m.%d.%y"),
    ("03/04/2025 10:00:00.250 +05:30", "%d/%m/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S.%f"),
])
def test_the_offered_format_reads_the_cell_it_was_built_from(cell, day_first, month_first):
    from connectors.parsing import date_format_of

    assert (date_format_of(cell, True), date_format_of(cell, False)) == (day_first, month_first)
    for fmt in (day_first, month_first):
        assert not parse_dates(cells(cell), fmt=fmt)[1].any()
    assert date_format_of("03/04/2025 10 a.m.", True) is None  # no format of ours reads it: the old advice stands

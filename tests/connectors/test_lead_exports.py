"""Lead exports of CRMs, checked against real files (data/leads/SOURCES.md).

Before: Bitrix24's `DATE_CREATE` was not a date by its name, and the refusal proposed `BEGINDATE` (a deal's own
editable date), which moved leads to other days; a PostgreSQL timestamp with an hour-only offset
("13:29:28+00") could not be read at all, and no date_format could say it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from connectors import SourceReadError, read_source

from .conftest import spec

DATA = Path(__file__).parent / "data" / "leads"


def leads_on(frame, day: str) -> int:
    return int((frame["received_at"].dt.strftime("%Y-%m-%d") == day).sum())


def test_bitrix24_deals_count_on_the_day_they_were_created():
    frame = read_source(spec(DATA / "bitrix24_deals_cut.csv", "leads")).frame
    assert leads_on(frame, "2021-05-06") == 5  # two of them begin on the 7th
    assert leads_on(frame, "2021-05-07") == 0


def test_an_hour_only_offset_is_read_as_written():
    frame = read_source(spec(DATA / "crm_leads_plus00_cut.csv", "leads")).frame
    assert frame["received_at"].tolist() == [pd.Timestamp("2026-04-25 13:29:28")]


def test_rows_wider_than_the_header_are_blamed_from_the_first_one(tmp_path):
    """A CRM's export with an unquoted comma in its last column on every row ("New form 01/08/2025, 17:03"),
    and one row with two: before, the sentence named that later row and said the header had 8 columns (it has 7).
    The shape of a real file (anant114work/bopcrm leads_export.csv); the people in it are made up here."""
    rows = [f"{n},27{n:05d},2025-10-04T06:12:04+0000,lead{n}@example.in,Lead {n},,Avenue 9 form 01/08/2025, 17:03"
            for n in range(1, 60)]
    rows.append("60,2700060,2025-10-04T06:12:04+0000,lead60@example.in,Lead 60,,Avenue 9, form 01/08/2025, 17:03")
    path = tmp_path / "leads_export.csv"
    path.write_text("ID,Lead_ID,Created_Time,Email,Full_Name,Phone,Form_Name\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    with pytest.raises(SourceReadError, match=re.escape("row 2 of leads_export.csv has 8 values but its first row "
                                                        "has 7 columns")):
        read_source(spec(path, "leads"))


def test_repeated_column_names_are_all_named_at_once_and_a_contacts_second_phone_is_not_one(tmp_path):
    """HubSpot's contacts export with company columns: a second 'Phone Number' and 'Create Date' (the company's).
    Before, each repeated name was refused in turn (four edits of the file for one report)."""
    path = tmp_path / "contacts.csv"
    path.write_text("Lead ID,Created Date,Phone,Source,Company,Created Date,Phone,Source\n"
                    "1,2024-02-05 01:51,111,Web,Acme,2020-01-01 09:00,999,Fair\n", encoding="utf-8")
    with pytest.raises(SourceReadError) as refused:
        read_source(spec(path, "leads"))
    said = str(refused.value)
    assert "2 columns named 'Created Date' (columns B, F)" in said and "2 columns named 'Source' (columns D, H)" in said
    assert "Phone" not in said and "rename one of each" in said
    path.write_text("Record ID,Create Date,Phone Number,Lead Source,Company,Phone Number\n"
                    "1,2024-02-05 01:51,111,Web,Acme,999\n", encoding="utf-8")
    result = read_source(spec(path, "leads"))
    assert len(result.frame) == 1 and any("the first was kept as the phone" in w for w in result.warnings)

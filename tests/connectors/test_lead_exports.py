"""Lead exports of CRMs, checked against real files (data/leads/SOURCES.md).

Before: Bitrix24's `DATE_CREATE` was not a date by its name, and the refusal proposed `BEGINDATE` (a deal's own
editable date), which moved leads to other days; a PostgreSQL timestamp with an hour-only offset
("13:29:28+00") could not be read at all, and no date_format could say it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors import read_source

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

"""Unit tests of the vectorised cell parsers: the traps real Indian exports contain."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from connectors.parsing import (
    decode,
    parse_amounts,
    parse_bool_presence,
    parse_dates,
    parse_dates_formats,
    sniff_delimiter,
)


def s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("₹1,200", 1200.0),
        ("Rs. 2,35,000", 235000.0),
        ("Rs 500", 500.0),
        ("INR 1,00,000.50", 100000.5),
        ("1,234,567.50", 1234567.5),
        ("$12.5", 12.5),
        ("€ 9,95", None),  # decimal comma without decimal=",": unreadable, not silently 995
        ("1,23,4", None),  # no grouping style puts a single digit last
        ("£7", 7.0),
        ("USD 40", 40.0),
        ("40 EUR", 40.0),
        ("-500", -500.0),
        ("(1,200)", -1200.0),
        ("500-", -500.0),
        ("-₹300", -300.0),
        ("₹-300", -300.0),
        ("1\u00a0200", 1200.0),
        ("  75  ", 75.0),
    ],
)
def test_parse_amounts_formats(text, value):
    values, bad = parse_amounts(s(text))
    if value is None:
        assert np.isnan(values[0]) and bad[0]
    else:
        assert values[0] == pytest.approx(value)
        assert not bad[0]


def test_parse_amounts_empty_is_nan_but_not_bad_and_garbage_is_bad():
    values, bad = parse_amounts(s("", "12O0", "abc", "(5", "1.2.3", "100"))
    assert np.isnan(values[0]) and not bad[0]
    assert list(bad) == [False, True, True, True, True, False]
    assert values.iloc[1:5].isna().all()
    assert values.dtype == "float64"


def test_parse_amounts_decimal_comma():
    values, bad = parse_amounts(s("1.234,56", "€ 9,95", "-3,5"), decimal=",")
    assert values.tolist() == pytest.approx([1234.56, 9.95, -3.5])
    assert not bad.any()


def test_parse_amounts_excel_objects():
    values, bad = parse_amounts(pd.Series([1200, 99.5, "₹1,000", None], dtype=object))
    assert values.iloc[:3].tolist() == [1200.0, 99.5, 1000.0]
    assert np.isnan(values[3]) and not bad.any()


def test_dates_iso_with_t_and_offsets_keep_wall_clock():
    values, bad, warning = parse_dates(
        s("2025-05-11 09:55:16 -0400", "2025-05-11T23:30:00+05:30", "2026-02-23T20:55:00.000Z", "2025-05-12")
    )
    assert values.tolist() == [
        pd.Timestamp("2025-05-11 09:55:16"), pd.Timestamp("2025-05-11 23:30:00"),
        pd.Timestamp("2026-02-23 20:55:00"), pd.Timestamp("2025-05-12"),
    ]
    assert not bad.any() and warning is None
    assert values.dtype.kind == "M" and values.dt.tz is None


def test_dates_day_first_decided_by_data():
    # 15/04 can only be day/month, so 03/04 is 3 April, not 4 March
    values, bad, warning = parse_dates(s("03/04/2025", "15/04/2025"), column="Date")
    assert values.tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-04-15")]
    assert warning is None and not bad.any()


def test_dates_month_first_decided_by_data():
    values, _, warning = parse_dates(s("03/04/2025", "04/15/2025"))
    assert values.tolist() == [pd.Timestamp("2025-03-04"), pd.Timestamp("2025-04-15")]
    assert warning is None


def test_dates_ambiguous_default_day_first_with_warning():
    values, bad, warning = parse_dates(s("03/04/2025", "05/06/2025"), column="Date")
    assert not bad.any()
    assert values.tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-06-05")]
    assert warning == (
        "dates in column 'Date' are ambiguous (e.g. 03/04/2025); read as day/month; "
        "set date_format in settings.toml to be sure"
    )
    values, _, warning = parse_dates(s("03/04/2025"), dayfirst=False)
    assert values[0] == pd.Timestamp("2025-03-04") and warning is None


def test_dates_inconsistent_column_marks_cells_bad():
    # 15/04 says day-first, 04/20 says month-first: the column is inconsistent
    values, bad, warning = parse_dates(s("15/04/2025", "16/04/2025", "04/20/2025"), column="Date")
    assert bad.tolist() == [False, False, True]
    assert pd.isna(values[2])
    assert warning is not None and "mix" in warning


def test_dates_two_digit_years_12h_clock_dots_and_month_names():
    values, bad, _ = parse_dates(
        s("16-05-18 07:32 PM", "16.05.2018 12:05 AM", "16-May-2018", "5 Jun 2025 10:00", "31/02/2025")
    )
    assert values.iloc[:4].tolist() == [
        pd.Timestamp("2018-05-16 19:32"), pd.Timestamp("2018-05-16 00:05"),
        pd.Timestamp("2018-05-16"), pd.Timestamp("2025-06-05 10:00"),
    ]
    assert bad.tolist() == [False, False, False, False, True]  # 31 February does not exist


def test_dates_explicit_format_is_used_exactly():
    values, bad, warning = parse_dates(s("04/03/2025", "13/01/2025", ""), fmt="%m/%d/%Y")
    assert values[0] == pd.Timestamp("2025-04-03")
    assert bad.tolist() == [False, True, False]  # empty cells are missing, not bad
    assert warning is None


def test_dates_excel_objects_and_serials():
    cells = pd.Series([dt.datetime(2025, 4, 3, 10, 30), dt.date(2025, 4, 4), 45755, "05/04/2025", None],
                      dtype=object)
    values, bad, _ = parse_dates(cells, excel=True)
    # Excel serial 45658 is 2025-01-01; +31 (Jan) +28 (Feb) +31 (Mar) = 45748 = 2025-04-01; +7 = 45755 = 04-08
    assert values.iloc[:4].tolist() == [
        pd.Timestamp("2025-04-03 10:30"), pd.Timestamp("2025-04-04"),
        pd.Timestamp("2025-04-08"), pd.Timestamp("2025-04-05"),
    ]
    assert not bad.any()


def test_dates_with_formats_list():
    values, bad = parse_dates_formats(s("02/23/26 08:55 PM", "2026-02-23T20:55:00.000Z", "x"),
                                      ["ISO8601", "%m/%d/%y %I:%M %p"])
    assert values.iloc[:2].tolist() == [pd.Timestamp("2026-02-23 20:55")] * 2
    assert bad.tolist() == [False, False, True]


def test_presence_words():
    present, bad, off = parse_bool_presence(
        s("P", "Present", "yes", "1", "✓", "WFH", "Half day", "HD", "Late", "A", "absent", "Leave", "CL", "0",
          "WO", "Holiday", "??")
    )
    assert present.iloc[:9].tolist() == [True] * 9
    assert present.iloc[9:14].tolist() == [False] * 5
    assert off.iloc[14:16].tolist() == [True, True] and present.iloc[14:16].isna().all()
    assert bad.tolist() == [False] * 16 + [True]


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        ("Café,£5".encode("utf-8-sig"), "utf-8-sig", "Café,£5"),
        ("Café,£5".encode(), "utf-8", "Café,£5"),
        ("Café,£5".encode("utf-16"), "utf-16", "Café,£5"),
        ("Café,£5".encode("utf-16-be"), None, None),  # no BOM: not guessed as UTF-16
        ("Café,£5".encode("cp1252"), "cp1252", "Café,£5"),
    ],
)
def test_decode(raw, encoding, text):
    got, used = decode(raw)
    if encoding is not None:
        assert (got, used) == (text, encoding)
    else:
        assert used == "cp1252"


def test_decode_explicit_encoding_wins():
    assert decode("ü".encode("latin-1"), "latin-1") == ("ü", "latin-1")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\n\"2,35,000\"\t3\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('order,amount\n1,"2,35,000"\n', ","),
    ],
)
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_sniff_delimiter_explicit():
    assert sniff_delimiter("a,b;c\n", ";") == ";"
    assert sniff_delimiter("a,b\n", "\\t") == "\t"


def test_dates_outside_the_timestamp_range_are_unreadable_cells_not_a_crash():
    values, bad, _ = parse_dates(pd.Series(["1500-01-01", "2026-11-24 10:00", "9999-12-31"]), column="Date")
    assert bad.tolist() == [True, False, True]
    assert values[1] == pd.Timestamp("2026-11-24 10:00")
    values, bad, _ = parse_dates(pd.Series(["01/01/1500", "24/11/2026"]), fmt="%d/%m/%Y", column="Date")
    assert bad.tolist() == [True, False]


def test_dates_typed_with_indian_or_arabic_digits_read_as_those_dates(tmp_path):
    """A Hindi or Gujarati keyboard writes १२/०५/२०२५: it is 12 May, not a crash of the whole source."""
    from connectors import SourceSpec, read_source

    days = ["१२/05/2025", "૧૩/૦૫/૨૦૨૫", "١٤/05/2025", "15/05/2025", "१६-मई"]
    parsed, bad, _ = parse_dates(pd.Series(days, dtype="str"))
    assert list(parsed[:4].dt.day) == [12, 13, 14, 15] and set(parsed[:4].dt.month) == {5}
    assert list(bad) == [False, False, False, False, True]
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Amount\n" + "".join(f"{day},100\n" for day in days), encoding="utf-8")
    result = read_source(SourceSpec(name="Shop", domain="sales", path=str(sales)))
    assert result.frame["ordered_at"].notna().sum() == 4
    assert [issue.row for issue in result.issues] == [6] and "Date" in result.issues[0].column

"""Turn a raw table plus a column mapping into the canonical frame of a domain.

Every connector funnels through here so dtypes, status words, row numbers and cell issues mean
the same thing whichever file they came from. The raw frame's index is the row number a person
would see in a spreadsheet (header = row 1), or the 1-based record number for JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .base import (
    NOT_SALE_STATUSES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    UNLISTED,
    CellIssue,
    Domain,
    SourceFrame,
    SourceReadError,
    SourceSpec,
)
from .columns import ALIASES, UNIT_SUFFIX, _user_key, expected_columns, normalise_header
from .dates import order_resolver
from .parsing import (
    CURRENCY_CODES,
    as_text,
    blank_text,
    by_unique,
    mark_word,
    parse_amounts,
    parse_amounts_and_currencies,
    parse_bool_presence,
    parse_dates,
    text_or_na,
)
from .quoting import column_list, cut, quoted
from .shifts import shift_days, shift_options

MAX_ISSUES = 50

# Status words seen in exports -> canonical status. Anything else is kept, lower-case snake_case,
# so nothing a shop uses is lost ("on_hold", "processing", "partially_paid" ...).
STATUS_SYNONYMS: dict[str, str] = {
    "canceled": "cancelled", "cancel": "cancelled", "cancelled": "cancelled", "trash": "cancelled",
    "trashed": "cancelled", "deleted": "cancelled", "rejected": "cancelled",
    "void": "voided", "voided": "voided",
    "failed": "failed", "failure": "failed", "declined": "failed", "payment_failed": "failed",
    "draft": "draft", "checkout_draft": "draft", "auto_draft": "draft",
    # a payment never completed (Stripe's PaymentIntent statuses): no money came in
    "requires_payment_method": "draft", "requires_confirmation": "draft", "requires_action": "draft",
    "requires_capture": "draft", "incomplete": "draft", "expired": "draft", "abandoned": "draft",
    "paid": "paid", "success": "paid", "successful": "paid", "captured": "paid", "settled": "paid",
    "complete": "completed", "completed": "completed", "delivered": "completed", "closed": "completed",
    "pending": "pending", "pending_payment": "pending", "unpaid": "pending", "awaiting_payment": "pending",
    "refund": "refunded", "refunded": "refunded",
    "return": "returned", "returned": "returned", "rto": "returned", "credit_note": "returned",
    "return_to_origin": "returned",
    "lost": "cancelled",
}
REVERSED_STATUSES = frozenset({"returned", "refunded"})


def reversed_orders(frame: SourceFrame) -> None:
    """In a plain table, an order whose status says it was returned or refunded, written with its positive amount,
    is not a sale (Meesho's RTO, a Stripe payment refunded in full): the money went back. A preset knows its
    export's refunds (WooCommerce's refunds are rows of their own) and does not call this; a return written with
    a negative amount (a credit note) still takes its amount off."""
    out = frame.frame
    if "status" not in out:
        return
    reversed_ = out["status"].isin(REVERSED_STATUSES) & (out["amount"] > 0)
    if reversed_.any():
        out.loc[reversed_, "status"] = "reversed"
        frame.warnings.append(f"{int(reversed_.sum())} order(s) with a status of returned or refunded and a positive "
                              f"amount were not counted as sales (the money went back)")


class IssueLog:
    """Collects unreadable cells, keeping the first MAX_ISSUES and counting the rest (huge files).

    Cells of a known day (a monthly sheet's) are kept MAX_ISSUES a day, so the cells on the days a report
    reads are listed whatever the cells of other days are."""

    def __init__(self, source: str, cap: int = MAX_ISSUES):
        self.source = source
        self.cap = cap
        self.items: list[CellIssue] = []
        self.more = 0
        self.unlisted: dict[dt.date | None, int] = {}  # cells past the cap, by the day they stand for (or None)
        self._seen: set[tuple[int, str | None]] = set()

    def add(self, bad: pd.Series, values: pd.Series, column: str, what: str, reason: str | None = None,
            day: dt.date | None = None) -> None:
        """Record every True cell of `bad` (index = spreadsheet row) with the file's column name.

        The message says why (`reason`, or what `cell_message` makes of the value); a cell already
        recorded is not recorded twice. `day`: the date the column stands for (see CellIssue).
        """
        if not bad.any():
            return
        bad = bad & ~bad.index.isin([row for row, col in self._seen if col == column])
        count = int(bad.sum())
        if not count:
            return
        room = max(self.cap - sum(item.day == day for item in self.items), 0)
        shown = values[bad].iloc[:room]
        name = cut(column) if column is not None else None
        for row, value in zip(shown.index, shown, strict=True):
            self.items.append(CellIssue(self.source, int(row), name, reason or cell_message(what, value), day))
            self._seen.add((int(row), column))
        self.count_unlisted(count - len(shown), day)

    def count_unlisted(self, count: int, day: dt.date | None = None) -> None:
        """Count cells past the cap without listing them."""
        if count > 0:
            self.more += count
            self.unlisted[day] = self.unlisted.get(day, 0) + count

    def result(self) -> list[CellIssue]:
        """The listed cells, then a count of the rest: one for cells of no known day, one per day for cells whose
        day is known (so a report can tell whether any of them is on a day it reads)."""
        summaries = [CellIssue(self.source, None, None, UNLISTED.format(count), day)
                     for day, count in sorted(self.unlisted.items(), key=lambda item: item[0] or dt.date.max)]
        return [*self.items, *summaries]


def cell_message(what: str, value: object) -> str:
    """Why one cell could not be read, quoting it cut to a readable length."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
    if not text:
        return f"the {what} is blank; fill it in (or delete the row) and save the file"
    if text.startswith("=") and len(text) > 1:
        return (f"the {what} is a formula with no saved result ({quoted(text)}): open and save the file in Excel, "
                f"then try again")
    return f"cannot read {what} {quoted(text)}"


def canonical_status(series: pd.Series) -> pd.Series:
    """Lower-case snake_case status with common synonyms mapped (the KPI engine drops NOT_SALE_STATUSES)."""

    def one_each(unique: pd.Series) -> pd.Series:
        text = unique.str.lower().str.replace(r"^wc-", "", regex=True)
        text = text.str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
        text = text.str.replace(r"^rto(?:_[a-z_]+)?$", "rto", regex=True)  # return to origin, at any stage
        return text.map(STATUS_SYNONYMS).fillna(text)

    text = series.fillna("") if isinstance(series.dtype, pd.StringDtype) else as_text(series)
    (mapped,) = by_unique(text, lambda unique: one_each(as_text(unique)))  # strip the distinct ones only
    return mapped.where(mapped != "", None).astype("str")


def text_column(raw: pd.DataFrame, mapping: Mapping[str, str], key: str) -> pd.Series:
    """A mapped column as str with blanks as NA, or an all-NA column when the file lacks it."""
    if key not in mapping:
        return pd.Series(pd.NA, index=raw.index, dtype="str")
    return text_or_na(raw[mapping[key]])


def amount_column(raw: pd.DataFrame, col: str, issues: IssueLog, decimal: str = ".", *,
                  what: str = "amount", blank: pd.Series | None = None, currencies: set[str] | None = None,
                  ) -> pd.Series:
    """Parse a money column, recording unreadable cells; with `blank` (a row mask), empty cells on
    those rows are recorded too (an order with no amount is not an order of ₹0). The currency
    marks written in the cells that were read are added to `currencies`."""
    values, bad, codes = parse_amounts_and_currencies(raw[col], decimal=decimal)
    if currencies is not None:
        currencies |= codes
    issues.add(bad, raw[col], col, what)
    if blank is not None:
        issues.add(values.isna() & ~bad & blank, raw[col], col, what)
    return values


def blank_cells(raw: pd.DataFrame, col: str) -> pd.Series:
    """Cells with nothing in them (NaN, None or only spaces)."""
    series = raw[col]
    if isinstance(series.dtype, pd.StringDtype):
        return blank_text(series)  # a date column hardly repeats: no per-value hashing
    return as_text(series) == ""


def date_column(
    raw: pd.DataFrame, col: str, spec: SourceSpec, issues: IssueLog, warnings: list[str],
    *, excel: bool = False, dayfirst: bool | None = None, fmt: str | None = None, blank: bool = False,
) -> pd.Series:
    """Parse a date column; a date_format in the spec's options beats the connector's default.

    With `blank`, empty cells are issues too: a row without a date could be the report day's.
    """
    fmt = str(spec.options.get("date_format") or "") or fmt
    opt_dayfirst = spec.options.get("dayfirst")
    dayfirst = bool(opt_dayfirst) if opt_dayfirst is not None else dayfirst
    order = order_resolver(raw, col, spec) if dayfirst is None else dayfirst
    values, bad, warning = parse_dates(raw[col], fmt=fmt, dayfirst=order, column=col, excel=excel)
    issues.add(bad, raw[col], col, "date")
    if blank:
        issues.add(values.isna() & ~bad, raw[col], col, "date")
    if warning:
        warnings.append(warning)
    return values


def _no_column(spec: SourceSpec, what: str, keys: tuple[str, ...], raw: pd.DataFrame) -> SourceReadError:
    expected = "; ".join(expected_columns(spec.domain, k) for k in keys)
    hint = ("; if the column names are not on the first row, set header_row to the row they are on (Register "
            "layout in this source's settings) or remove the lines above them"
            if len(raw.columns) <= 2 else "")
    return SourceReadError(
        spec.name,
        f"cannot read {spec.file.name} as {spec.domain}: no column for {what} (expected one of: {expected}; "
        f"or map it under columns in settings.toml); the file has columns: {column_list(raw.columns)}{hint}",
    )


def _finish(
    out: pd.DataFrame, domain: Domain, spec: SourceSpec, key: str, has_dates: bool,
    issues: IssueLog, warnings: list[str], currencies: tuple[str, ...] = (),
) -> SourceFrame:
    """Order columns, add `_row`, reset the index."""
    columns = [*REQUIRED_COLUMNS[domain], *OPTIONAL_COLUMNS[domain]]
    frame = out.reindex(columns=columns)
    frame["_row"] = np.asarray(out.index, dtype="int64")
    return SourceFrame(frame.reset_index(drop=True), key, has_dates, issues.result(), warnings, currencies)


_MANGLED = re.compile(r"^(?P<base>.*)\.(?P<n>\d+)$")


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_duplicates(raw: pd.DataFrame, mapping: Mapping[str, str], spec: SourceSpec, warnings: list[str]) -> None:
    """Two columns with one name ("Amount" twice; pandas calls the second "Amount.1").

    Using the first one silently could add the wrong figure; if both hold the same values it does not matter
    (say so). For a column the report counts with (date, amount, employee...) the owner must say which one is
    meant; a contact detail kept beside a lead (a second "Phone Number", the company's) takes the first, said.
    Every such column is named at once, so the file is fixed in one go.
    """
    names = [str(c) for c in raw.columns]
    counted = set(REQUIRED_COLUMNS[spec.domain]) | {"date", "amount", "order_id", "status", "quantity", "unit_price"}
    problems: dict[str, str] = {}  # name -> its columns
    for key, col in mapping.items():
        base = col
        match = _MANGLED.match(col)
        if match and match["base"] in names:
            base = match["base"]
        twins = [c for c in names if c == base or ((m := _MANGLED.match(c)) and m["base"] == base)]
        if len(twins) < 2:
            continue
        letters = ", ".join(_column_letter(names.index(c)) for c in twins)
        texts = [as_text(raw[c]) for c in twins]
        if all(t.equals(texts[0]) for t in texts[1:]):
            warnings.append(f"{len(twins)} columns are named {quoted(base)} (columns {letters}); they hold the same "
                            f"values, so the first was used")
        elif key not in counted:
            warnings.append(f"{len(twins)} columns are named {quoted(base)} (columns {letters}); the first was kept "
                            f"as the {key.replace('_', ' ')}")
        else:
            problems[base] = f"{len(twins)} columns named {quoted(base)} (columns {letters})"
    if problems:
        raise SourceReadError(
            spec.name,
            f"{spec.file.name} has {'; '.join(problems.values())} with different values, and the report cannot tell "
            f"which one to use: rename {'one of them' if len(problems) == 1 else 'one of each'} in the file",
            column=cut(next(iter(problems))) if len(problems) == 1 else None,
        )


_TOTAL_WORD = re.compile(r"^\W*(?:grand|sub|net|day|daily)?[\s-]*totals?\W*$", re.IGNORECASE)


def _total_rows(raw: pd.DataFrame, mapping: Mapping[str, str], warnings: list[str]) -> pd.DataFrame:
    """Drop summary rows at the bottom of a report ("Total", "Grand Total" with no date).

    Adding them would double the day's sales; a row counts as a total only if it has no date
    (or the file has no date column) and one of its text cells starts with the word "total".
    """
    if raw.empty:
        return raw
    date_col = mapping.get("date")
    candidates = raw if date_col is None else raw[blank_cells(raw, date_col)]
    if candidates.empty:
        return raw
    totals = pd.Series(False, index=candidates.index)
    for col in candidates.columns:
        if col == mapping.get("amount"):
            continue
        (hit,) = by_unique(as_text(candidates[col]), lambda u: u.str.contains(_TOTAL_WORD, regex=True))
        totals |= hit.astype(bool)
    if not totals.any():
        return raw
    rows = [int(r) for r in totals[totals].index]
    listed = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
    said = (f"row{'s' if len(rows) > 1 else ''} {listed} look{'' if len(rows) > 1 else 's'} like a total row (the "
            f"word 'total' and no date): left out so it is not counted twice")
    below = raw.index > rows[-1]
    if date_col is not None and below.any() and blank_cells(raw, date_col)[below].all():
        # billing apps print a summary under the totals (TOTAL AMOUNT, CGST, CASH... one a line): not bills
        totals = totals.reindex(raw.index, fill_value=False) | pd.Series(below, index=raw.index)
        block = raw.index[below]
        said += f", and so are rows {int(block[0])} to {int(block[-1])} below it, which have no date either"
    warnings.append(said)
    return raw.drop(index=totals[totals].index)


TAX_HEADER = re.compile(r"(?<![a-z])(?:tax|gst|igst|vat)(?![a-z])", re.IGNORECASE)  # "Tax Amount", "Total Tax (₹)"


def _amount_with_tax(raw: pd.DataFrame, mapping: Mapping[str, str], spec: SourceSpec) -> tuple[str, str] | None:
    """(the column with tax, a note) when the amount found by name is before tax and another amount column is it
    plus a tax column on every row (Swipe's Net Amount + Tax Amount = Total Amount): a bill's value is with GST,
    as Tally's is by default. Only for an amount the owner did not name in settings."""
    amount = mapping.get("amount")
    if amount is None or any(_user_key(k, "sales") == "amount" for k in spec.columns):
        return None
    names = {normalise_header(alias) for alias in ALIASES["sales"]["amount"]}
    others = [c for c in raw.columns if c != amount and normalise_header(c) in names]
    taxes = [c for c in raw.columns if c != amount and TAX_HEADER.search(str(c))]
    if not others or not taxes:
        return None
    before = parse_amounts(raw[amount])[0]
    totals = {other: parse_amounts(raw[other])[0] for other in others}
    for tax in taxes:
        taxed = parse_amounts(raw[tax])[0]
        added = before + taxed
        rows = added.notna()
        if not (taxed[rows] != 0).any():
            continue
        for other, total in totals.items():
            if ((total[rows] - added[rows]).abs() <= 0.011).mean() >= 0.95:
                return other, (f"sales counted with tax: {quoted(other)}, which is {quoted(amount)} plus "
                               f"{quoted(tax)} on the bills (set amount under [sources.columns] to count without)")
    return None


def canonicalise(
    raw: pd.DataFrame, mapping: Mapping[str, str], spec: SourceSpec, key: str,
    *, excel: bool = False, dayfirst: bool | None = None, date_format: str | None = None,
    issues: IssueLog | None = None, warnings: list[str] | None = None,
) -> SourceFrame:
    """Build the SourceFrame of `spec.domain` from raw cells and a resolved mapping (see columns.py)."""
    issues = issues or IssueLog(spec.name)
    warnings = warnings if warnings is not None else []
    warnings.extend(raw.attrs.get("notes", ()))
    _check_duplicates(raw, mapping, spec, warnings)
    raw = _total_rows(raw, mapping, warnings)
    with_tax = _amount_with_tax(raw, mapping, spec) if spec.domain == "sales" else None
    if with_tax is not None:
        mapping = {**mapping, "amount": with_tax[0]}
    build = {"sales": _sales, "leads": _leads, "attendance": _attendance}[spec.domain]
    out, has_dates = build(raw, mapping, spec, issues, warnings, excel, dayfirst, date_format)
    currencies: tuple[str, ...] = ()
    if spec.domain == "sales":
        found = set(out.attrs.pop("currencies", ()))
        named = currency_in_name(mapping.get("amount", ""))
        column = None if named else _currency_column(raw, mapping)
        by_rows: list[str] = []
        if named:
            found.add(named)
        elif column is not None:
            # the currency of the amounts that count: a failed payment in another currency is not a sale
            added = out["amount"].notna() & ~out.get("status", pd.Series(None, index=out.index)).isin(NOT_SALE_STATUSES)
            written = as_text(raw.loc[added, column]).str.upper()
            by_rows = [code for code in written[written != ""].value_counts().index]
            found |= set(by_rows)
        # the one most rows are in first: what the owner is told to set, when it is not the business's
        currencies = tuple(sorted(found, key=lambda code: (by_rows.index(code) if code in by_rows else len(by_rows),
                                                           code)))
    result = _finish(out, spec.domain, spec, key, has_dates, issues, warnings, currencies)
    result.notes.extend(out.attrs.get("notes", ()))
    if with_tax is not None:
        result.notes.append(with_tax[1])
    return result


DATED_SAMPLE = 200  # cells looked at per column when a file has no column named like a date
DATE_SHAPE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"  # what every cell of such a column must contain


def _unnamed_date_column(raw: pd.DataFrame, mapping: Mapping[str, str]) -> str | None:
    """A column not named like a date whose cells are nevertheless nearly all dates.

    A file without dates is counted for the day it was saved (the seed's sales_today.csv); a year of
    orders whose date column has a name we do not know must never be counted that way.
    """
    used = set(mapping.values())
    for column in raw.columns:
        if column in used:
            continue
        cells = as_text(raw[column].head(DATED_SAMPLE * 5))
        cells = cells[cells != ""].head(DATED_SAMPLE)
        if cells.empty or not cells.str.contains(DATE_SHAPE, regex=True).all():
            continue
        if parse_dates(cells, dayfirst=True)[0].notna().mean() >= 0.9:
            return str(column)
    return None


# a date ("2022-06-01 00:00:00", "01/06/2022"), or a day of the month with its weekday ("1", "2 St", "3 S")
DAY_COLUMN = re.compile(rf"^\s*(?:{DATE_SHAPE}(?:\s+[\d:]+)?|(?P<day>\d{{1,2}})(?:\s*[A-Za-z]{{1,3}})?)\s*$")
MIN_DAY_COLUMNS = 7
ONE_ROW_PER_DAY = {
    "attendance": "the daily attendance report (a row per person and day, with the date and P/A) or the "
                  "device's punch log",
    "sales": "the bills or orders, one row each with its date and amount",
    "leads": "the leads, one row each with the date it came in",
}


def check_day_columns(raw: pd.DataFrame, spec: SourceSpec) -> None:
    """Refuse a monthly sheet with one column per day given to a reader of columns by name.

    Read by column names, its day columns would be taken for names or dates of something else. Attendance
    sheets are the muster connector's (muster.py), which `auto` picks; sales and leads kept so are not read,
    and the owner is told what to export instead of being asked to map columns that cannot be.
    """
    days = []
    for column in raw.columns:
        match = DAY_COLUMN.match(str(column))
        if match and (match.group("day") is None or 1 <= int(match.group("day")) <= 31):
            days.append(str(column))
    if len(days) < MIN_DAY_COLUMNS:
        return
    if spec.domain == "attendance":
        raise SourceReadError(
            spec.name, f"{spec.file.name} has one column per day ({column_list(days[:3])} …): a monthly attendance "
                       f"sheet, which this reader cannot line up; set this source's format to muster (Monthly "
                       f"attendance sheet), or to auto")
    raise SourceReadError(
        spec.name, f"{spec.file.name} has one column per day ({column_list(days[:3])} …): a monthly sheet, "
                   f"which the app does not read; export {ONE_ROW_PER_DAY[spec.domain]} instead")


ACTIVITY_HEADERS = ({"type", "timezone"}, {"tipo", "moeda", "valorbruto"})  # PayPal's activity download, en / pt-BR
PAYMENT_TYPE = re.compile(r"payment|pagamento|refund|reembolso", re.IGNORECASE)
NOT_PAYMENT_TYPE = re.compile(r"hold|release|authori[sz]ation|withdrawal|debit card|transfer|bill user|invoice sent"
                              r"|bloqueio|transferid|saque", re.IGNORECASE)


def check_activity_log(raw: pd.DataFrame, spec: SourceSpec) -> None:
    """Refuse a payment account's activity download (PayPal's) read as sales without a filter on its type.

    Its rows are payments in and refunds, but also holds and their release, authorisations, withdrawals to the
    bank, card spending and tax lines: every amount added up is not the day's sales (a real seller's day read as
    −2,639 against 0). Which types are this business's sales the owner says, by a filter on the type column.
    """
    names = {normalise_header(column): column for column in raw.columns}
    found = next((names.get("type") or names.get("tipo") for headers in ACTIVITY_HEADERS
                  if headers <= set(names)), None)
    if found is None or any(normalise_header(key) == normalise_header(found) for key in spec.filter):
        return
    types = [t for t in as_text(raw[found]).str.strip().value_counts().index if t]
    payments = [t for t in types if PAYMENT_TYPE.search(t) and not NOT_PAYMENT_TYPE.search(t)]
    shown = ", ".join(f'"{cut(t, 40)}"' for t in (payments or types)[:6])
    raise SourceReadError(
        spec.name, f"{spec.file.name} is a payment account's activity: besides payments it lists holds, "
                   f"withdrawals, card spending and fees, which are not sales; keep the payment types with a filter "
                   f"on {quoted(found)} in this source's settings, e.g. {found.strip()} = [{shown}] under "
                   f"[sources.filter] (refund types, with their negative amounts, take refunds off)")


def check_dated(raw: pd.DataFrame, mapping: Mapping[str, str], spec: SourceSpec) -> None:
    """Refuse a table read by column names that has no date column by name but holds dates under another.

    For the generic readers: a preset knows its export's columns and decides for itself.
    """
    if "date" in mapping or "time" in mapping or len(raw) < 2:
        return
    dated = _unnamed_date_column(raw, mapping)
    if dated is not None:
        raise SourceReadError(
            spec.name, f"none of the columns of {spec.file.name} has a name the app knows as the date, but "
                       f"{quoted(dated)} holds dates: "
                       f"set it as this source's date (in the source editor, or date = {quoted(dated)} under "
                       f"[sources.columns] in settings.toml), so that each row counts on its own day")


def currency_in_name(column: str) -> str | None:
    """The ISO code an amount column's own name gives its currency in ("Net Invoice Amount INR" -> INR,
    "Amount (Rs.)" -> INR, "Total Value (PKR)" -> PKR)."""
    unit = UNIT_SUFFIX.search(column)
    if unit:
        mark = unit.group(0).strip().strip("()[]").strip().lower().replace(" ", "")
        if mark in CURRENCY_CODES:
            return CURRENCY_CODES[mark]
    words = set(re.findall(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])", column))
    if not words:
        return None
    from babel.numbers import list_currencies

    codes = words & list_currencies()
    return next(iter(codes)) if len(codes) == 1 else None


def _currency_column(raw: pd.DataFrame, mapping: Mapping[str, str]) -> str | None:
    """The column that says the mapped amounts' currency: the amount's own pair ("Converted Amount" ->
    "Converted Currency") before a plain Currency column, which may belong to another amount."""
    amount = mapping.get("amount", "")
    paired = re.sub(r"amount", "currency", amount, flags=re.IGNORECASE)
    if paired != amount:
        for column in raw.columns:
            if str(column).strip().lower() == paired.strip().lower():
                return str(column)
    return mapping.get("currency")


def _dates_or_nat(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt) -> tuple[pd.Series, bool]:
    if "date" not in mapping:
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), False
    return date_column(raw, mapping["date"], spec, issues, warnings, excel=excel, dayfirst=dayfirst,
                       fmt=fmt, blank=True), True


def _sales(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt) -> tuple[pd.DataFrame, bool]:
    decimal = str(spec.options.get("decimal", "."))
    out = pd.DataFrame(index=raw.index)
    status = (canonical_status(raw[mapping["status"]]) if "status" in mapping
              else pd.Series(pd.NA, index=raw.index, dtype="str"))
    is_sale = ~status.isin(NOT_SALE_STATUSES)
    order_id = text_column(raw, mapping, "order_id")
    later_lines = pd.Series(False, index=raw.index)
    if "amount" in mapping:
        merged = raw.index.isin(raw.attrs.get("merged", {}).get(mapping["amount"], ()))
        if merged.any():
            issues.add(pd.Series(merged, index=raw.index), raw[mapping["amount"]], mapping["amount"], "amount",
                       "the amount is in merged cells, so it cannot be told which row it belongs to: unmerge "
                       "them in Excel and give each row its own amount")
        later_lines = _later_lines_of_written_orders(order_id, blank_cells(raw, mapping["amount"]))
        found: set[str] = set()
        out["amount"] = amount_column(raw, mapping["amount"], issues, decimal, blank=is_sale & ~later_lines,
                                      currencies=found)
        out.loc[later_lines, "amount"] = 0.0  # the order's amount is on its first line
        if later_lines.any():
            warnings.append(f"{int(later_lines.sum())} row(s) without {quoted(mapping['amount'])} are further lines "
                            f"of orders whose amount is on their first line: counted in those orders")
        out.attrs["currencies"] = sorted(found)
        returns = _marked_returns(raw, mapping)
        if returns is not None and returns.any():
            out.loc[returns, "amount"] = -out.loc[returns, "amount"].abs()
            status = status.where(~returns, "returned")
            warnings.append(f"{int(returns.sum())} bill(s) marked as returns in {quoted(mapping['is_return'])} "
                            f"were taken off sales")
    elif "quantity" in mapping and "unit_price" in mapping:
        qty = amount_column(raw, mapping["quantity"], issues, decimal, what="quantity", blank=is_sale)
        price = amount_column(raw, mapping["unit_price"], issues, decimal, what="unit price", blank=is_sale)
        out["amount"] = qty * price
    else:
        raise _no_column(spec, "the amount", ("amount",), raw)
    if "order_id" not in mapping:
        warnings.append("no order id column: each row is counted as one order")
    missing = order_id.isna()
    if missing.any():  # a row without an id is an order of its own, named by its row
        order_id[missing] = "row " + raw.index[missing.to_numpy()].astype(str)
    out["order_id"] = order_id
    out["ordered_at"], has_dates = _dates_or_nat(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt)
    if "amount" in mapping and "order_id" in mapping:
        _count_order_amounts_once(out, later_lines, mapping["amount"], warnings)
    out["status"] = status
    out["product"] = text_column(raw, mapping, "product")
    out["channel"] = text_column(raw, mapping, "channel")
    return out, has_dates


YES, NO = frozenset({"y", "yes", "true", "1"}), frozenset({"n", "no", "false", "0", ""})


def _marked_returns(raw: pd.DataFrame, mapping: Mapping[str, str]) -> pd.Series | None:
    """Rows a yes/no column (is_return) marks as returns, or None when there is no such column.

    Some billing systems write a return as a bill of its own with a positive amount and a flag; added as
    written, the day's returns would count as sales. A column whose cells are not all yes/no is not a flag.
    """
    if "is_return" not in mapping:
        return None
    text = as_text(raw[mapping["is_return"]]).str.strip().str.lower()
    if not text.isin(YES | NO).all():
        return None
    return text.isin(YES)


def _later_lines_of_written_orders(order_id: pd.Series, blank_amount: pd.Series) -> pd.Series:
    """Rows with no amount whose order id has an amount on an earlier row: the order's further lines.

    Exports with one row per product often write the order's total on its first row only; those rows
    are part of an order that has its amount, not orders with a missing one. Only in a file where no
    order has an amount on two of its rows: where lines carry their own amounts, a blank one is missing.
    """
    known = order_id.notna()
    none = pd.Series(False, index=order_id.index)
    if not known.any() or not blank_amount.any():
        return none
    written = known & ~blank_amount
    if order_id[written].duplicated().any():
        return none  # line amounts: a blank line amount stays an unreadable cell
    first_written = order_id[written]
    first_row = pd.Series(first_written.index, index=first_written.to_numpy())
    starts = order_id.map(first_row)
    return (known & blank_amount & starts.notna() & (starts < pd.Series(order_id.index, index=order_id.index))
            ).astype(bool)


BILL_WORDS = re.compile(r"invoice|bill|order|voucher|grand|receipt", re.IGNORECASE)


def _count_order_amounts_once(out: pd.DataFrame, later_lines: pd.Series, column: str, warnings: list[str]) -> None:
    """An amount written on every line of an order, the same each time, is the order's total: count it once.

    Item-wise registers (Tally-style Sales Registers, SAP, Zoho) repeat the bill's total on each item line;
    summing it line by line multiplies every bill by its number of lines. The lines of one order share its
    id and day. When every order with several lines repeats one amount, the amount is the order's, and
    so it is when the column is named for the whole bill (Invoice Amount, Bill Value) on the only such
    order; lines whose amounts differ are line amounts and are added up, as before.
    """
    amounts = out["amount"]
    lines = out["order_id"].notna() & amounts.notna() & ~later_lines
    lines &= out["order_id"].duplicated(keep=False)  # one hashing pass; most exports have one row per order
    if not lines.any():
        return
    if "ordered_at" in out:
        keys = [out.loc[lines, "order_id"], out.loc[lines, "ordered_at"].dt.normalize()]
    else:
        keys = [out.loc[lines, "order_id"]]
    grouped = amounts[lines].groupby(keys, sort=False, dropna=False)
    sizes = grouped.size()
    several = sizes[sizes > 1]
    if several.empty:
        return
    same = grouped.nunique(dropna=False)[several.index] == 1
    if not same.all() or (len(several) < 2 and not BILL_WORDS.search(column)):
        return
    repeated = lines & pd.concat(keys, axis=1).duplicated().reindex(out.index, fill_value=False)
    out.loc[repeated, "amount"] = 0.0
    warnings.append(f"{quoted(column)} repeats each order's total on every line of the order ({len(several)} "
                    f"order{'s' if len(several) != 1 else ''} with several lines): counted once per order")


def _leads(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt) -> tuple[pd.DataFrame, bool]:
    if "source" not in mapping and "date" not in mapping:
        raise _no_column(spec, "the lead source or date", ("source", "date"), raw)
    out = pd.DataFrame(index=raw.index)
    out["received_at"], has_dates = _dates_or_nat(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt)
    if "source" not in mapping:
        warnings.append("no lead source column: every lead is listed as Unknown; to see where leads came from, "
                        "set the column that says it as source under [sources.columns] in settings.toml (or in "
                        "the source editor)")
    out["source"] = text_column(raw, mapping, "source").fillna("Unknown")
    for key in ("lead_id", "status", "email", "company"):
        out[key] = text_column(raw, mapping, key)
    name = text_column(raw, mapping, "name")
    if "first_name" in mapping or "last_name" in mapping:
        joined = (text_column(raw, mapping, "first_name").fillna("") + " "
                  + text_column(raw, mapping, "last_name").fillna("")).str.strip()
        name = name.fillna(joined.where(joined != "", None))
    out["name"] = name.astype("str")
    out["phone"] = text_column(raw, mapping, "phone").fillna(text_column(raw, mapping, "mobile"))
    return out, has_dates


def _device_codes(raw: pd.DataFrame, mapping: Mapping[str, str], spec: SourceSpec) -> bool:
    """Whether the status column found by its name is a punch log's device code, not an attendance mark.

    Punch logs pulled from a ZKTeco device (pyzk) carry `Status` 0/1/15: how the person was verified
    (password, fingerprint, face). Read as marks, a password punch would be an absence. Codes are numbers
    only, beside a punch time; a status the owner mapped by name is always read as marks.
    """
    if "time" not in mapping or "status" not in mapping:
        return False
    if {"status", "present"} & set(spec.columns):
        return False
    values = as_text(raw[mapping["status"]]).str.strip()
    return bool(values.str.fullmatch(r"\d{1,3}").all())


MARK_OPTIONS = {"present_marks": True, "absent_marks": False, "not_counted_marks": None}
UNKNOWN_MARK = ("cannot read attendance mark {}{}: put {} in the list for its meaning under this source's options: "
                "present_marks = [...], absent_marks = [...] or not_counted_marks = [...] (days not due: weekly off, "
                "holiday)")
MAX_MARKS_NAMED = 6


def own_marks(spec: SourceSpec) -> dict[str, bool | None]:
    """The owner's own attendance marks, keyed as the vocabulary is (`mark_word`): options present_marks,
    absent_marks and not_counted_marks (lists); an office's muster has codes no built-in list can hold."""
    marks: dict[str, bool | None] = {}
    for option, meaning in MARK_OPTIONS.items():
        given = spec.options.get(option) or []
        for mark in [given] if isinstance(given, str) else given:
            if mark_word(str(mark)) in marks and marks[mark_word(str(mark))] != meaning:
                raise SourceReadError(spec.name, f"mark {quoted(mark)} is listed under two meanings in this source's "
                                                 f"options; keep it in one of {', '.join(MARK_OPTIONS)}")
            marks[mark_word(str(mark))] = meaning
    return marks


def add_unknown_marks(issues: IssueLog, unknown: pd.Series, values: pd.Series, column: str,
                      day: dt.date | None = None, every: list[str] | None = None) -> None:
    """Record cells holding a mark the app does not know, saying how to teach it. Each message names the file's
    other unknown marks too (`every`, or those of `values`), so the owner teaches them all at once."""
    written = as_text(values).str.strip()
    every = every if every is not None else list(written[unknown].value_counts().index)
    for mark in written[unknown].unique():
        others = [m for m in every if m != mark]
        also = (f" (nor {', '.join(quoted(m) for m in others[:MAX_MARKS_NAMED - 1])}"
                f"{' …' if len(others) > MAX_MARKS_NAMED - 1 else ''})") if others else ""
        issues.add(unknown & (written == mark), values, column, "attendance mark",
                   UNKNOWN_MARK.format(quoted(mark), also, "each" if others else "it"), day)


def _punch_stamps(raw: pd.DataFrame, mapping: Mapping[str, str], day: pd.Series) -> pd.Series | None:
    """Each punch's moment, for pairing punches into shifts: the punch column itself when it holds dates with
    times, or the date column plus a time of day ("14:02", an Excel time). None when the punches are not times
    (a daily report's "09:12:in(TD),18:30:out(TD)"): each then counts on its own row's date."""
    time_col = mapping["time"]
    if mapping.get("date", time_col) == time_col:
        has_time = day.notna() & (day != day.dt.normalize())
        return day if has_time.any() else None
    text = as_text(raw[time_col]).str.strip()  # an Excel time reads "14:02:00"
    clock = text.str.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?")
    if not (clock | (text == "")).all() or not clock.any():
        return None
    offsets = pd.to_timedelta(text.where(clock).str.replace(r"^(\d{1,2}:\d{2})$", r"\1:00", regex=True),
                              errors="coerce")
    return day.dt.normalize() + offsets


def _attendance(raw, mapping, spec, issues, warnings, excel, dayfirst, fmt) -> tuple[pd.DataFrame, bool]:
    if "employee" not in mapping:
        raise _no_column(spec, "the employee", ("employee",), raw)
    if _device_codes(raw, mapping, spec):
        warnings.append(f"{quoted(mapping['status'])} holds the device's codes "
                        f"({', '.join(sorted(as_text(raw[mapping['status']]).str.strip().unique())[:5])}), not "
                        f"attendance marks: every punch counts as present (if they are marks, set status = "
                        f"{quoted(mapping['status'])} under [sources.columns])")
        mapping = {key: col for key, col in mapping.items() if key != "status"}
    if "status" not in mapping and "time" not in mapping:
        raise _no_column(spec, "presence or punch time", ("status", "time"), raw)
    employee = text_column(raw, mapping, "employee")
    day_col = mapping.get("date") or (mapping["time"] if "status" not in mapping else None)
    if day_col is not None:
        day = date_column(raw, day_col, spec, issues, warnings, excel=excel, dayfirst=dayfirst, fmt=fmt,
                          blank="status" in mapping)
    else:
        day = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    has_dates = "date" in mapping or "status" not in mapping
    notes: list[str] = []  # how the punches were read (SourceFrame.notes)
    if "status" in mapping:
        present, unknown, not_counted = parse_bool_presence(raw[mapping["status"]], own_marks(spec))
        col = mapping["status"]
        # a blank mark beside a name is not "not counted": nobody knows whether that person came
        blank = blank_cells(raw, col) & employee.notna()
        bad = unknown | blank
        issues.add(blank, raw[col], col, "attendance mark")
        add_unknown_marks(issues, unknown, raw[col], col)
        keep = ~(bad | not_counted)
    else:
        # Punches: a row with a punch time means the person was in on the day its shift began.
        present = pd.Series(True, index=raw.index, dtype="boolean")
        keep = as_text(raw[mapping["time"]]) != ""
        bad = pd.Series(False, index=raw.index)
        stamps = _punch_stamps(raw, mapping, day)
        if stamps is not None:
            shift_day, _ = shift_days(employee, stamps, **shift_options(spec.options))
            crossing = int((shift_day.notna() & (shift_day != day.dt.normalize())).sum())
            if crossing:
                notes.append(f"{crossing} punch(es) after midnight counted on the day their shift began")
            day = shift_day.where(shift_day.notna(), day)
    frame = pd.DataFrame({"employee": employee, "date": day.dt.normalize(), "present": present})
    rows = frame[keep]
    rows = rows[rows["employee"].notna()]
    rows["_row"] = rows.index
    grouped = rows.groupby(["employee", "date"], dropna=False, sort=False).agg(
        present=("present", "max"), _row=("_row", "min")
    )
    out = grouped.reset_index().set_index("_row")
    out["present"] = out["present"].astype(bool)
    if bad.any():
        # Unreadable marks stay as rows of their own (present unknown) so the report can tell from their
        # date whether they matter: on a day it reports on they fail the domain, older ones are dropped.
        unread = frame[bad & frame["employee"].notna()].assign(present=pd.NA)
        out = pd.concat([out.astype({"present": "boolean"}), unread.astype({"present": "boolean"})])
    out.attrs["notes"] = notes
    return out, has_dates

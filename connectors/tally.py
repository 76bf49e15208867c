"""Tally (TallyPrime, Tally.ERP 9): Day Book and Sales Register exports, and the voucher-type rules.

A Day Book lists every voucher: sales, but also receipts, payments, purchases, journals, orders and
stock movements. Summing it is the classic four-times-the-sales mistake, so only voucher types that
are sales count (the owner's custom ones too: "Bhosari Sales", "GST Supply"), credit notes and sales
returns reduce them, and everything else is left out and listed with its total so the owner can see
why the number is what it is. The export reader and the live gateway reader (tally_live.py) both
end in `sales_frame`, so the same vouchers give the same report whichever way they arrive.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .base import (
    CellIssue,
    Domain,
    FetchRequest,
    Page,
    Probe,
    Record,
    ServiceError,
    ServiceField,
    SourceFrame,
    SourceReadError,
    SourceSpec,
)
from .canonical import IssueLog, date_column
from .columns import normalise_header
from .files import EXCEL_SUFFIXES, PREVIEW_ROWS, read_csv_table, read_excel_table
from .parsing import as_text, parse_amounts
from .quoting import column_list
from .registers import apply_filter

# Voucher types that are sales. A name without "*" counts exactly as written; a pattern with "*"
# matches any name, except names that say what they are not (an order, a delivery note, a receipt...).
DEFAULT_SALES_TYPES: tuple[str, ...] = ("Sales", "*Sales*", "*Sale", "*Supply*", "*Invoice*", "POS*", "*Retail*")
DEFAULT_RETURN_TYPES: tuple[str, ...] = ("Credit Note*", "*Credit Note*", "*Sales Return*", "*Sale Return*")
# Words that keep a name out of a wildcard match: orders and quotations are not sales yet, delivery
# notes and stock journals move goods (quantities), the rest are other accounting vouchers.
NOT_SALES_WORDS: frozenset[str] = frozenset({
    "return", "returns", "credit", "order", "orders", "quotation", "estimate", "proforma", "delivery", "challan",
    "dc", "receipt", "reciept",
    "payment", "purchase", "po", "journal", "contra", "debit", "memo", "memorandum", "stock", "rejection",
    "rejections", "physical", "manufacturing", "material", "transfer", "inward", "outward", "consumption",
    "payroll", "attendance", "optional", "reversing",
})
RETURN_BLOCK: frozenset[str] = frozenset({"purchase", "debit", "order", "delivery", "po"})
SALES_TYPES_OPTION = "sales_voucher_types"
RETURN_TYPES_OPTION = "return_voucher_types"
GST_OPTION = "gst"  # "invoice" (with GST, as on the bill: the default) or "taxable" (before GST)
SALE, RETURN, IGNORED = "sale", "return", "ignored"
_TAX_WORDS = re.compile(r"\b(?:[cisu]gst|utgst|gst|igst|cess|vat|tcs)\b", re.IGNORECASE)


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.casefold()))


def option_list(spec: SourceSpec, key: str, default: Sequence[str]) -> tuple[str, ...]:
    """A list option (TOML array, or one comma-separated string); the default when absent or empty."""
    value = spec.options.get(key)
    if value is None or value == "" or value == []:
        return tuple(default)
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    cleaned = tuple(str(item).strip() for item in items if str(item).strip())
    return cleaned or tuple(default)


def classify_type(name: str, sales: Sequence[str] = DEFAULT_SALES_TYPES,
                  returns: Sequence[str] = DEFAULT_RETURN_TYPES) -> str:
    """SALE, RETURN or IGNORED for one voucher type name (case and spacing ignored)."""
    folded = _fold(name)
    if not folded:
        return IGNORED
    for kind, patterns in ((SALE, sales), (RETURN, returns)):
        if any("*" not in p and "?" not in p and _fold(p) == folded for p in patterns):
            return kind
    words = _words(folded)
    for kind, patterns, blocklist in ((RETURN, returns, RETURN_BLOCK), (SALE, sales, NOT_SALES_WORDS)):
        if words & blocklist:
            continue
        if any(fnmatch.fnmatchcase(folded, _fold(p)) for p in patterns if "*" in p or "?" in p):
            return kind
    return IGNORED


def _parent_kind(parent: str) -> str:
    """What a voucher type's parent in Tally makes it: "" when Tally did not say."""
    folded = _fold(parent)
    if not folded:
        return ""
    return {"sales": SALE, "credit note": RETURN}.get(folded, IGNORED)


def classify(types: pd.Series, sales: Sequence[str], returns: Sequence[str]) -> pd.Series:
    """classify_type over a column, once per distinct name."""
    names = types.fillna("").astype("str")
    kinds = {name: classify_type(name, sales, returns) for name in names.unique()}
    return names.map(kinds).astype("str")


# --- the one path from vouchers to the canonical sales frame ---------------------------------------

VOUCHER_COLUMNS = ("date", "voucher_type", "number", "party", "amount", "cancelled", "optional")


def _number(value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(round(value, 2), format="#,##,##0.00", locale="en_IN")


def _summary(vouchers: pd.DataFrame, kinds: pd.Series) -> list[str]:
    """What was counted and what was not, by voucher type with counts and totals (for the preview).

    Left-out types show their column total without a currency: stock vouchers put quantities there.
    """
    notes = []
    for kind, title in ((SALE, "Counted as sales (₹)"), (RETURN, "Taken off sales (₹)"),
                        (IGNORED, "Not sales, left out")):
        part = vouchers[kinds == kind]
        if part.empty:
            continue
        grouped = part.groupby("voucher_type", sort=False)["amount"].agg(["size", "sum"])
        grouped = grouped.sort_values("sum", ascending=False)
        items = [f"{name or '(no voucher type)'} ×{int(row['size'])} {_number(float(row['sum']))}"
                 for name, row in grouped.iterrows()]
        shown = items[:12] + ([f"and {len(items) - 12} more types"] if len(items) > 12 else [])
        total = f" = {_number(float(part['amount'].sum()))}" if kind != IGNORED else ""
        notes.append(f"{title}: " + "; ".join(shown) + total)
    return notes


def sales_frame(vouchers: pd.DataFrame, spec: SourceSpec, key: str, *, issues: IssueLog | None = None,
                warnings: list[str] | None = None, notes: Iterable[str] = ()) -> SourceFrame:
    """Vouchers (VOUCHER_COLUMNS, indexed by row) to the canonical sales frame.

    Amounts are the voucher's value, unsigned; sales add it, credit notes and sales returns take it
    off, cancelled vouchers are kept as cancelled (the KPIs leave them out), optional vouchers are
    not in the books and are left out, and every other type is left out and summarised in the notes.
    """
    issues = issues or IssueLog(spec.name)
    warnings = warnings if warnings is not None else []
    sales = option_list(spec, SALES_TYPES_OPTION, DEFAULT_SALES_TYPES)
    returns = option_list(spec, RETURN_TYPES_OPTION, DEFAULT_RETURN_TYPES)
    vouchers = vouchers.assign(voucher_type=vouchers["voucher_type"].fillna("").astype("str").str.strip())
    kinds = classify(vouchers["voucher_type"], sales, returns)
    configured = spec.options.get(SALES_TYPES_OPTION) or spec.options.get(RETURN_TYPES_OPTION)
    if "parent" in vouchers and not configured:
        # Live: Tally says what each type is made from ("Counter Bill" under Sales); the owner's own list wins.
        by_parent = vouchers["parent"].fillna("").astype("str").map(_parent_kind)
        kinds = kinds.where(by_parent == "", by_parent)
    kinds = kinds.where(~vouchers["optional"].astype(bool), IGNORED)
    counted = vouchers[(kinds != IGNORED)]
    live = counted[~counted["cancelled"].astype(bool)]
    summary = _summary(vouchers[~vouchers["cancelled"].astype(bool)].assign(amount=vouchers["amount"].fillna(0)),
                       kinds[~vouchers["cancelled"].astype(bool)])
    cancelled = int(vouchers["cancelled"].astype(bool).sum())
    if cancelled:
        summary.append(f"{cancelled} cancelled voucher(s) left out")
    optional = int(vouchers["optional"].astype(bool).sum())
    if optional:
        summary.append(f"{optional} optional voucher(s) left out (not in the books)")
    if not len(live) and len(vouchers):
        warnings.append("no sales vouchers found: the voucher types are "
                        + ", ".join(f"'{t}'" for t in vouchers["voucher_type"].unique()[:8])
                        + f"; list yours in {SALES_TYPES_OPTION}")
    sign = np.where(kinds[counted.index] == RETURN, -1.0, 1.0)
    number = counted["number"].fillna("").astype("str").str.strip()
    number = number.where(number != "", "row " + pd.Series(counted.index, index=counted.index).astype(str))
    # A sale without an amount must fail its day loudly, never count as zero.
    blank = counted["amount"].isna() & ~counted["cancelled"].astype(bool)
    for row in counted.index[blank][: max(issues.cap - len(issues.items), 0)]:
        issues.items.append(CellIssue(spec.name, int(row), None, f"the {counted.at[row, 'voucher_type'][:40]} "
                                      f"voucher {number[row][:40]} has no amount; check it in Tally"))
    issues.count_unlisted(int(blank.sum()) - issues.cap)
    frame = pd.DataFrame(
        {
            "order_id": (counted["voucher_type"] + " " + number).astype("str"),
            "ordered_at": counted["date"].astype("datetime64[ns]"),
            "amount": counted["amount"].abs().astype("float64") * sign,
            "status": np.where(counted["cancelled"].astype(bool), "cancelled",
                               np.where(kinds[counted.index] == RETURN, "returned", "completed")),
            "product": pd.Series(pd.NA, index=counted.index, dtype="str"),
            "channel": counted["voucher_type"].astype("str"),
            "_row": np.asarray(counted.index, dtype="int64"),
        },
        index=counted.index,
    ).astype({"status": "str"})
    frame.loc[frame["status"] == "cancelled", "amount"] = 0.0
    return SourceFrame(frame.reset_index(drop=True), key, True, issues.result(), warnings,
                       notes=[*notes, *summary])


# --- the export reader -------------------------------------------------------------------------------

def _column(columns: Iterable[str], *names: str) -> str | None:
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalise_header(column), column)
    for name in names:
        if normalise_header(name) in by_norm:
            return by_norm[normalise_header(name)]
    return None


TYPE_NAMES = ("Vch Type", "Voucher Type", "VchType", "Voucher Type Name")
NUMBER_NAMES = ("Vch No.", "Voucher No.", "Voucher Number", "Vch No", "Invoice No.", "Bill No.")
PARTY_NAMES = ("Particulars", "Party Name", "Party", "Party Ledger", "Buyer")
DEBIT_NAMES = ("Debit Amount", "Amount Debit", "Debit", "Dr Amount", "Amount Dr")
CREDIT_NAMES = ("Credit Amount", "Amount Credit", "Credit", "Cr Amount", "Amount Cr")
INVOICE_NAMES = ("Gross Total", "Invoice Value", "Invoice Amount", "Total Amount", "Grand Total")
TAXABLE_NAMES = ("Value", "Taxable Value", "Assessable Value", "Assesable Value", "Taxable Amount")
AMOUNT_NAMES = ("Amount",)
SIDE_NAMES = ("Dr/Cr", "Dr / Cr", "Dr Cr", "DrCr", "Type")


def _tax_columns(columns: Iterable[str], taken: set[str]) -> list[str]:
    """GST and cess columns of a Sales Register ("Output CGST 9%", "IGST", "Cess"), not "Taxable Value"."""
    return [c for c in columns if c not in taken and _TAX_WORDS.search(str(c)) and "taxable" not in str(c).lower()]


class TallyConnector:
    """TallyPrime / Tally.ERP 9 Day Book or Sales Register exported to Excel or CSV."""

    key = "tally"
    label = "Tally Day Book / Sales Register export"
    domain: Domain = "sales"

    def detect(self, probe: Probe) -> int:
        headers = {normalise_header(h) for h in probe.header if h}
        has_type = any(normalise_header(n) in headers for n in TYPE_NAMES)
        has_amount = any(normalise_header(n) in headers
                         for n in (*DEBIT_NAMES, *CREDIT_NAMES, *INVOICE_NAMES, *TAXABLE_NAMES, *AMOUNT_NAMES))
        if has_type and has_amount and "date" in headers:
            name = probe.path.name.lower().replace(" ", "").replace("_", "")
            bonus = 5 if any(w in name for w in ("daybook", "salesregister", "tally", "register")) else 0
            return 95 + bonus
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        preview_rows = spec.options.get(PREVIEW_ROWS)
        if preview_rows is not None:  # the voucher-type summary needs every row, even in the preview
            full = replace(spec, options={k: v for k, v in spec.options.items() if k != PREVIEW_ROWS})
            result = self.read(full)
            head = result.frame.head(int(preview_rows))  # type: ignore[call-overload]
            return replace(result, frame=head.reset_index(drop=True))
        excel = spec.file.suffix.lower() in EXCEL_SUFFIXES
        raw = read_excel_table(spec) if excel else read_csv_table(spec)
        raw = apply_filter(raw, spec)
        issues, warnings, notes = IssueLog(spec.name), [], []
        vouchers = self._vouchers(raw, spec, excel, issues, warnings, notes)
        return sales_frame(vouchers, spec, self.key, issues=issues, warnings=warnings, notes=notes)

    def _vouchers(self, raw: pd.DataFrame, spec: SourceSpec, excel: bool, issues: IssueLog,
                  warnings: list[str], notes: list[str]) -> pd.DataFrame:
        columns = list(raw.columns)
        user = {k: v for k, v in spec.columns.items()}
        type_col = user.get("voucher_type") or _column(columns, *TYPE_NAMES)
        date_col = user.get("date") or _column(columns, "Date", "Voucher Date", "Vch Date")
        if type_col is None or date_col is None:
            have = column_list(columns)
            raise SourceReadError(spec.name, f"{spec.file.name} is not a Tally Day Book or Sales Register: no "
                                             f"'Vch Type' or 'Date' column; the file has columns: {have}")
        for name in user.values():
            if name not in columns:
                raise SourceReadError(spec.name, f"column '{name}' is not in the file", column=name)
        number_col = user.get("order_id") or _column(columns, *NUMBER_NAMES)
        party_col = _column(columns, *PARTY_NAMES)
        types = as_text(raw[type_col])
        party = as_text(raw[party_col]) if party_col else pd.Series("", index=raw.index, dtype="str")
        # Continuation lines (ledger lines of a detailed Day Book) and total rows have no voucher type.
        is_voucher = types != ""
        raw, types, party = raw[is_voucher], types[is_voucher], party[is_voucher]
        amount = self._amount(raw, spec, user, issues, warnings, notes)
        dates = date_column(raw, date_col, spec, issues, warnings, excel=excel, dayfirst=True)
        dates = dates.ffill()  # registers that print the date once per day
        cancelled = party.str.contains(r"(?i)\bcancel+ed\b") | types.str.contains(r"(?i)\bcancel+ed\b")
        optional = party.str.contains(r"(?i)\(optional\)") | types.str.contains(r"(?i)\(optional\)")
        return pd.DataFrame(
            {
                "date": dates,
                "voucher_type": types.str.replace(r"(?i)\s*\((optional|cancel+ed)\)", "", regex=True),
                "number": as_text(raw[number_col]) if number_col else "",
                "party": party,
                "amount": amount.abs(),
                "cancelled": cancelled,
                "optional": optional,
            },
            index=raw.index,
        )

    @staticmethod
    def _amount(raw: pd.DataFrame, spec: SourceSpec, user: dict[str, str], issues: IssueLog,
                warnings: list[str], notes: list[str]) -> pd.Series:
        """The voucher's value: invoice value (with GST) by default, or taxable value (`gst = "taxable"`)."""
        columns = list(raw.columns)
        gst = str(spec.options.get(GST_OPTION) or "invoice").strip().lower()
        if gst not in ("invoice", "taxable"):
            raise SourceReadError(spec.name, f"gst must be \"invoice\" (with GST) or \"taxable\" (before GST), "
                                             f"not '{gst}'")

        def parse(col: str) -> pd.Series:
            values, bad = parse_amounts(raw[col])
            issues.add(bad, raw[col], col, "amount")
            return values

        if "amount" in user:
            notes.append(f"Amounts from column '{user['amount']}'")
            return parse(user["amount"])
        invoice_col = _column(columns, *INVOICE_NAMES)
        taxable_col = _column(columns, *TAXABLE_NAMES)
        taken = {c for c in (invoice_col, taxable_col) if c}
        taxes = _tax_columns(columns, taken)
        if invoice_col or (taxable_col and taxes):
            tax = sum((parse(c).fillna(0) for c in taxes), pd.Series(0.0, index=raw.index))
            if gst == "taxable":
                if taxable_col:
                    notes.append(f"Sales counted before GST (taxable value, column '{taxable_col}')")
                    return parse(taxable_col)
                notes.append(f"Sales counted before GST ('{invoice_col}' less {', '.join(taxes)})")
                return parse(invoice_col) - tax  # type: ignore[arg-type]
            if invoice_col:
                notes.append(f"Sales counted at invoice value, GST included (column '{invoice_col}')")
                return parse(invoice_col)
            notes.append(f"Sales counted at invoice value, GST included ('{taxable_col}' plus {', '.join(taxes)})")
            return parse(taxable_col) + tax  # type: ignore[arg-type]
        debit_col, credit_col = _column(columns, *DEBIT_NAMES), _column(columns, *CREDIT_NAMES)
        if debit_col or credit_col:
            debit = parse(debit_col) if debit_col else pd.Series(np.nan, index=raw.index)
            credit = parse(credit_col) if credit_col else pd.Series(np.nan, index=raw.index)
            if gst == "taxable":
                warnings.append("this Day Book has no taxable-value column: sales are counted at invoice value "
                                "(GST included); export the Sales Register with its tax columns for gst = taxable")
            notes.append("Sales counted at invoice value, GST included (the Day Book's Debit/Credit amounts)")
            return debit.where(debit.notna() & (debit != 0), credit)
        amount_col = _column(columns, *AMOUNT_NAMES) or taxable_col
        if amount_col is None:
            have = column_list(columns)
            raise SourceReadError(spec.name, f"{spec.file.name}: no amount column (Debit/Credit Amount, Gross Total, "
                                             f"Value or Amount); the file has columns: {have}")
        item_level = _column(columns, "Item Name", "Stock Item", "Item") is not None
        if item_level:
            notes.append(f"Sales counted from item amounts (column '{amount_col}'), before GST")
        else:
            notes.append(f"Sales counted from column '{amount_col}'")
        return parse(amount_col)


# --- the live gateway (TallyPrime / Tally.ERP 9 XML over HTTP, port 9000) ----------------------------

GATEWAY = "http://localhost:9000"
WINDOW_DAYS = 7  # one request per week of vouchers: small answers, and a progress bar while backfilling
_BAD_REF = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Only what the report needs, through a voucher collection: the whole Day Book report sends every field
# of every voucher (tens of KB each), this sends a few hundred bytes per voucher.
REQUEST = """<ENVELOPE>
 <HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE><ID>BOSalesVouchers</ID></HEADER>
 <BODY><DESC>
  <STATICVARIABLES>
   <SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT>
   <SVFROMDATE TYPE="Date">{since}</SVFROMDATE>
   <SVTODATE TYPE="Date">{until}</SVTODATE>{company}
  </STATICVARIABLES>
  <TDL><TDLMESSAGE>
   <COLLECTION NAME="BOSalesVouchers" ISMODIFY="No">
    <TYPE>Voucher</TYPE>
    <FETCH>GUID, Date, VoucherTypeName, VoucherNumber, PartyLedgerName, IsCancelled, IsOptional, Amount</FETCH>
    <FETCH>AllLedgerEntries.LedgerName, AllLedgerEntries.Amount, AllLedgerEntries.IsDeemedPositive</FETCH>
    <COMPUTE>BOParent : $Parent:VoucherType:$VoucherTypeName</COMPUTE>
   </COLLECTION>
  </TDLMESSAGE></TDL>
 </DESC></BODY>
</ENVELOPE>"""


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tally_request(since: dt.date, until: dt.date, company: str = "") -> str:
    """The ENVELOPE asking for the vouchers dated since..until (inclusive) of `company` (or the open one)."""
    chosen = f"\n   <SVCURRENTCOMPANY>{_xml_escape(company)}</SVCURRENTCOMPANY>" if company else ""
    return REQUEST.format(since=f"{since:%Y%m%d}", until=f"{until:%Y%m%d}", company=chosen)


def decode_answer(body: bytes) -> str:
    """Tally answers UTF-8 or UTF-16 (with or without a BOM, as its Unicode setting says)."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16")
    if len(body) > 1 and body[1:2] == b"\x00" and body[:1] != b"\x00":
        return body.decode("utf-16-le", errors="replace")
    if len(body) > 1 and body[:1] == b"\x00":
        return body.decode("utf-16-be", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def clean_xml(text: str) -> str:
    """Drop what strict XML parsers refuse and Tally sends anyway: control characters, raw or as `&#4;`."""

    def keep(match: re.Match[str]) -> str:
        ref = match.group(1)
        code = int(ref[1:], 16) if ref[:1] in "xX" else int(ref)
        allowed = code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
        return match.group(0) if allowed and code <= 0x10FFFF else ""

    return _CONTROL.sub("", _BAD_REF.sub(keep, text))


def _text(node: ET.Element, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _yes(value: str) -> bool:
    return value.strip().lower() == "yes"


def _amount(text: str) -> float:
    try:
        return float(text.replace(",", "").strip() or 0)
    except ValueError:
        return float("nan")


def parse_vouchers(source: str, text: str, company: str = "") -> list[dict[str, object]]:
    """Vouchers from Tally's XML answer; an error answer (no company open, LINEERROR) is a sentence."""
    text = clean_xml(text).strip()
    which = f"open {company} in Tally" if company else "open your company in Tally"
    if not text:
        raise ServiceError(source, f"Tally is running but no company is open: {which}")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError(source, f"Tally's answer could not be read as XML ({exc}); try again, and update "
                                   "Tally if this keeps happening") from exc
    error = " ".join((e.text or "").strip() for e in root.iter("LINEERROR"))
    if error:
        if "company" in error.lower() or not root.findall(".//VOUCHER"):
            raise ServiceError(source, f"Tally is running but no company is open: {which} (Tally said: "
                                       f"{error[:120]})")
        raise ServiceError(source, f"Tally refused the request: {error[:160]}")
    # An exported Day Book carries the voucher-type masters: what each custom type is made from (PARENT), or
    # which of Tally's own types a renamed one is (RESERVEDNAME: "GST Sale Invoice" renamed from Sales)
    parents = {vtype.get("NAME", ""): vtype.get("RESERVEDNAME") or _text(vtype, "PARENT")
               for vtype in root.iter("VOUCHERTYPE")}
    vouchers = []
    for node in root.iter("VOUCHER"):
        kind = _text(node, "VOUCHERTYPENAME") or node.get("VCHTYPE", "")
        party = _text(node, "PARTYLEDGERNAME")
        entries = [(_text(e, "LEDGERNAME"), _amount(_text(e, "AMOUNT")), _yes(_text(e, "ISDEEMEDPOSITIVE")))
                   for e in node.iter() if e.tag in ("ALLLEDGERENTRIES.LIST", "LEDGERENTRIES.LIST")]
        party_side = [amount for name, amount, _ in entries if party and name == party]
        if party_side:
            invoice = abs(sum(party_side))
        elif entries:
            invoice = sum(abs(amount) for _, amount, positive in entries if positive)
        else:
            invoice = abs(_amount(_text(node, "AMOUNT")))
        other = [(name, amount) for name, amount, _ in entries if name != party]
        taxable = sum(abs(amount) for name, amount in other
                      if not _TAX_WORDS.search(name) and "round" not in name.lower())
        date = _text(node, "DATE")
        vouchers.append({
            "id": _text(node, "GUID") or node.get("REMOTEID") or f"{kind}|{_text(node, 'VOUCHERNUMBER')}|{date}",
            "date": f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date,
            "voucher_type": kind, "parent": _text(node, "BOPARENT") or parents.get(kind, ""),
            "number": _text(node, "VOUCHERNUMBER"),
            "party": party,
            "invoice": invoice, "taxable": taxable if other else invoice,
            "cancelled": _yes(_text(node, "ISCANCELLED")), "optional": _yes(_text(node, "ISOPTIONAL")),
        })
    return vouchers


def _windows(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Newest week first, so today's vouchers arrive even if a long backfill is cut short."""
    out = []
    end = last
    while end >= first:
        start = max(first, end - dt.timedelta(days=WINDOW_DAYS - 1))
        out.append((start, end))
        end = start - dt.timedelta(days=1)
    return out


class TallyGateway:
    """TallyPrime / Tally.ERP 9 on this PC or the LAN, through its XML gateway (F1 → Settings → Connectivity).

    Every fetch re-reads the last `backfill_days` of vouchers (a snapshot): Tally has no "changed since", and
    a voucher altered or deleted last week must not stay counted as it was.
    """

    key = "tally"
    label = "Tally (live, XML gateway on port 9000)"
    domain: Domain = "sales"
    incremental = False
    fields = (
        ServiceField("url", "Tally gateway", "Where Tally listens: http://localhost:9000 on this PC, or the "
                     "accounts PC's address on the LAN (Gateway of Tally → F1 Help → Settings → Connectivity).",
                     placeholder=GATEWAY),
        ServiceField("company", "Company", "The company's name as Tally shows it; empty = the one open in Tally.",
                     required=False),
    )

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        spec = request.spec
        url = str(spec.service.get("url") or GATEWAY).strip().rstrip("/")
        url = url if "://" in url else f"http://{url}"
        company = str(spec.service.get("company") or "").strip()
        zone = ZoneInfo(str(spec.service.get("timezone") or "Asia/Kolkata"))
        last = request.until.astimezone(zone).date()
        first = last - dt.timedelta(days=int(spec.service.get("backfill_days") or 60))
        windows = _windows(first, last)
        if request.max_pages is not None:
            windows = windows[: request.max_pages]
        for start, end in windows:
            body = tally_request(start, end, company).encode("utf-8")
            try:
                response = request.client.request(
                    spec.name, "POST", url, content=body, headers={"Content-Type": "text/xml; charset=utf-8"},
                    what="Tally", lan_http=True)
            except ServiceError as exc:
                if "could not reach" in exc.issue.message:
                    raise ServiceError(spec.name, "Tally is not running, or its HTTP server is off: start Tally "
                                       "and turn it on under Gateway of Tally → F1 Help → Settings → "
                                       f"Connectivity (port 9000); address tried: {url}") from exc
                raise
            if response.status_code != 200:
                raise ServiceError(spec.name, f"Tally answered HTTP {response.status_code}; check the address "
                                   f"({url}) and that Tally's HTTP server is on", response.status_code)
            vouchers = parse_vouchers(spec.name, decode_answer(response.content), company)
            yield Page([Record(str(v["id"]), v) for v in vouchers], total_pages=len(windows))

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        return vouchers_frame(spec, records, self.key)


class TallyXmlFile:
    """A Day Book (or any voucher register) exported from Tally as XML (Alt+E → Format: XML (Data Interchange)).

    The same XML the live gateway answers, read by the same code, so an XML export, an Excel export and the
    live route of the same vouchers give the same report.
    """

    key = "tally_xml"
    label = "Tally Day Book (XML export)"
    domain: Domain = "sales"

    def detect(self, probe: Probe) -> int:
        head = probe.head_text[:8192].upper()
        if "<ENVELOPE" in head and ("<TALLYMESSAGE" in head or "<VOUCHER" in head or "<TALLYREQUEST" in head):
            return 100
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        try:
            records = parse_vouchers(spec.name, decode_answer(spec.file.read_bytes()))
        except ServiceError as exc:
            raise SourceReadError(spec.name, f"{spec.file.name} is not a Tally XML export that can be read "
                                             f"({exc.issue.message}); export the Day Book from Tally again, as XML "
                                             f"or Excel") from exc
        if not records:
            raise SourceReadError(spec.name, f"{spec.file.name} holds no vouchers (only masters, or an empty "
                                             f"period): export the Day Book for the days you want reported")
        result = vouchers_frame(spec, records, self.key)
        if spec.options.get(PREVIEW_ROWS) is not None:
            result = replace(result, frame=result.frame.head(int(spec.options[PREVIEW_ROWS])))  # type: ignore[call-overload]
        return result


def vouchers_frame(spec: SourceSpec, records: Sequence[Mapping[str, Any]], key: str) -> SourceFrame:
    """Vouchers as `parse_vouchers` gives them -> the sales frame (only sales count; see `sales_frame`)."""
    gst = str(spec.options.get(GST_OPTION) or "invoice").strip().lower()
    column = "taxable" if gst == "taxable" else "invoice"
    vouchers = pd.DataFrame({
        "date": pd.to_datetime(pd.Series([r.get("date") for r in records], dtype="object"), errors="coerce",
                               format="%Y-%m-%d"),
        "voucher_type": pd.Series([str(r.get("voucher_type") or "") for r in records], dtype="str"),
        "parent": pd.Series([str(r.get("parent") or "") for r in records], dtype="str"),
        "number": pd.Series([str(r.get("number") or "") for r in records], dtype="str"),
        "party": pd.Series([str(r.get("party") or "") for r in records], dtype="str"),
        "amount": pd.Series([r.get(column) for r in records], dtype="float64"),
        "cancelled": [bool(r.get("cancelled")) for r in records],
        "optional": [bool(r.get("optional")) for r in records],
    })
    vouchers.index = pd.RangeIndex(1, len(vouchers) + 1)
    vouchers = apply_filter(vouchers.rename(columns={"voucher_type": "Voucher Type"}), spec).rename(
        columns={"Voucher Type": "voucher_type"})
    basis = ("Sales counted before GST (Tally's sales ledgers, taxes and round-off left out)" if column == "taxable"
             else "Sales counted at invoice value, GST included (the party's amount in Tally)")
    return sales_frame(vouchers, spec, key, notes=[basis])


CONNECTORS = (TallyConnector(), TallyGateway(), TallyXmlFile())

__all__ = [
    "CONNECTORS",
    "DEFAULT_RETURN_TYPES",
    "DEFAULT_SALES_TYPES",
    "GST_OPTION",
    "RETURN_TYPES_OPTION",
    "SALES_TYPES_OPTION",
    "TallyConnector",
    "TallyGateway",
    "TallyXmlFile",
    "classify",
    "classify_type",
    "clean_xml",
    "parse_vouchers",
    "sales_frame",
    "tally_request",
]

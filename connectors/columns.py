"""Header aliases, so common English exports work with no configuration.

Headers are compared after lower-casing and dropping everything but letters and digits, so
"Order Date", "order_date" and "ORDER-DATE" are one name. A user mapping from settings.toml
always wins over the aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .base import DATE_COLUMN, Domain, SourceReadError
from .quoting import column_list, quoted

# Per domain: key -> aliases, most specific first. `date` is the user-facing key for the domain's
# timestamp; `quantity`/`unit_price` let `amount` be derived; `first_name`/`last_name`/`mobile`
# fill `name`/`phone` when the file splits them; `time` is an attendance punch time.
ALIASES: dict[Domain, dict[str, tuple[str, ...]]] = {
    "sales": {
        "order_id": ("order id", "order no", "order number", "invoice no", "invoice number", "invoice id", "inv no",
                     "bill no", "bill number", "voucher no", "voucher number", "receipt no", "receipt number",
                     "serial number", "number", "id"),
        # WooCommerce's API writes date_created in the shop's time zone (date_created_gmt is UTC: never a day)
        "date": ("order date", "invoice date", "inv date", "bill date", "sale date", "sales date", "transaction date",
                 "purchase date", "created at", "date created", "created date", "creation date", "created on",
                 "created", "date"),
        "amount": ("grand total", "net amount", "net total", "order total", "invoice amount", "invoice value",
                   "bill amount", "bill value", "total amount", "amount", "sales value", "sales amount",
                   "total value", "total", "gross amount", "gross", "value"),
        "quantity": ("quantity", "qty"),
        # the price the buyer paid a unit, with GST, before the list price (Swipe writes all four)
        "unit_price": ("price with tax after discount", "unit price after discount", "unit price", "price", "rate",
                       "mrp"),
        "status": ("order status", "financial status", "payment status", "invoice status", "bill status",
                   "voucher status", "status"),
        "product": ("product", "product name", "item", "item name"),
        "channel": ("channel", "sales channel", "source"),
        "currency": ("currency", "currency code", "order currency"),
        # a yes/no column marking bills that are returns (written with a positive amount)
        "is_return": ("is return", "return", "is refund", "return flag", "sales return"),
    },
    "leads": {
        "lead_id": ("lead id", "record id", "enquiry id", "id"),
        "date": ("created time", "created date", "created at", "create date", "date create", "enquiry date",
                 "inquiry date", "lead date", "query time", "registration date", "user registration date",
                 "submission date", "submitted at", "created", "date"),
        "source": ("lead source", "original source", "source", "channel", "medium", "utm source", "utm medium"),
        "status": ("lead status", "status"),
        "name": ("full name", "name", "lead name", "contact name"),
        "first_name": ("first name",),
        "last_name": ("last name",),
        "phone": ("phone", "phone number", "contact number", "mobile", "mobile number", "mobile phone"),
        "mobile": ("mobile", "mobile number", "mobile phone"),
        "email": ("email", "email address", "e mail"),
        "company": ("company", "company name", "organisation", "organization"),
    },
    "attendance": {
        "employee": ("employee id", "emp id", "employee code", "emp code", "employee number", "employee no", "emp no",
                     "staff id", "user id", "employee", "employee name", "staff", "name"),
        "date": ("attendance date", "date"),
        "status": ("status", "present", "attendance"),
        "time": ("punch time", "check in", "timestamp", "time", "in time", "punch records"),
    },
}

# Canonical names users may write in `columns` that mean one of our keys.
KEY_SYNONYMS: dict[str, str] = {
    "ordered_at": "date", "received_at": "date", "present": "status", "punch_time": "time",
    "price": "unit_price", "qty": "quantity",
}


def normalise_header(name: str) -> str:
    """Compare headers the way a person reads them: case, spaces and punctuation don't matter."""
    return re.sub(r"[^0-9a-z]+", "", str(name).lower())


UNIT_SUFFIX = re.compile(r"\s*[(\[][^()\[\]]{1,12}[)\]]\s*$")  # "Amount (Rs.)", "Total Value (PKR)", "Qty [pcs]"


def header_names(name: str) -> tuple[str, ...]:
    """The normalised names a header answers to: as written, and without a unit in brackets at its end."""
    full = normalise_header(name)
    bare = normalise_header(UNIT_SUFFIX.sub("", str(name)))
    return (full, bare) if bare and bare != full else (full,)


def _by_name(header: Iterable[str]) -> dict[str, str]:
    """Normalised name -> the first column answering to it (its full name before any bare one)."""
    header = list(header)
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(normalise_header(col), col)
    for col in header:
        for name in header_names(col)[1:]:
            by_norm.setdefault(name, col)
    return by_norm


def expected_columns(domain: Domain, key: str) -> str:
    """Human list of what a key may be called, for error messages."""
    return ", ".join(f"'{a}'" for a in ALIASES[domain].get(key, ()))


def _missing_column(source: str, wanted: str, header: Iterable[str]) -> SourceReadError:
    return SourceReadError(source, f"column {quoted(wanted)} is not in the file; the file has columns: "
                                   f"{column_list(header)}", column=wanted)


def user_columns(
    header: Iterable[str], domain: Domain, user_map: Mapping[str, str], source: str
) -> dict[str, str]:
    """The user's mapping from settings.toml, keys normalised, every column checked to exist.

    A typo must fail loudly, naming the columns that do exist, rather than silently fall back.
    """
    header = [h for h in header if str(h).strip()]
    by_norm = _by_name(header)
    mapping: dict[str, str] = {}
    for key, col in user_map.items():
        key = _user_key(key, domain)
        if not str(col).strip():
            continue  # `status = ""`: this file has no such column, whatever the aliases would find
        if col in header:
            mapping[key] = col
        elif normalise_header(col) in by_norm:
            mapping[key] = by_norm[normalise_header(col)]
        else:
            raise _missing_column(source, col, header)
    return mapping


def _user_key(key: str, domain: Domain) -> str:
    """A key as written in settings.toml -> ours (`ordered_at`, `present`... are accepted too)."""
    key = KEY_SYNONYMS.get(key, key)
    return "date" if key == DATE_COLUMN[domain] else key


def resolve_columns(
    header: Iterable[str], domain: Domain, user_map: Mapping[str, str], source: str
) -> dict[str, str]:
    """Map our keys (see ALIASES) to the file's column names: the user's mapping, then aliases.

    Each file column is used once, so "Date" cannot be both the order date and something else.
    """
    header = [h for h in header if str(h).strip()]
    mapping = user_columns(header, domain, user_map, source)
    switched_off = {_user_key(key, domain) for key, col in user_map.items() if not str(col).strip()}
    by_norm = _by_name(header)
    used = set(mapping.values())
    for key, aliases in ALIASES[domain].items():
        if key in mapping or key in switched_off:
            continue
        for alias in aliases:
            col = by_norm.get(normalise_header(alias))
            if col is not None and col not in used:
                mapping[key] = col
                used.add(col)
                break
    return mapping

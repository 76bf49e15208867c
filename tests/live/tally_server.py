"""A Tally gateway on 127.0.0.1: answers the XML collection request the way TallyPrime does.

It reads SVFROMDATE / SVTODATE / SVCURRENTCOMPANY from the posted ENVELOPE, answers the vouchers dated in
that range as `<ENVELOPE><BODY><DATA><COLLECTION><VOUCHER ...>` (UTF-8 or UTF-16 as Tally's Unicode
setting says), with the control characters Tally leaves in names (`&#4;`), and answers a LINEERROR (or
nothing) when the company asked for is not open.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from tests.live.servers import Answer, LocalServer, Seen


@dataclass
class Voucher:
    date: dt.date
    kind: str
    number: str
    party: str
    amount: float  # the party's amount: positive = debit (a sale), as the Day Book's Debit column
    side: str = "Dr"  # "Dr" (party debited: sales) or "Cr" (party credited: receipts, credit notes)
    cancelled: bool = False
    optional: bool = False
    taxes: dict[str, float] = field(default_factory=dict)  # tax ledger -> amount, inside `amount`
    guid: str = ""
    parent: str = ""  # the predefined type it is made from in Tally ("Sales" for "Bhosari Sales")

    def xml(self) -> str:
        debit = self.side == "Dr"
        party_amount = -self.amount if debit else self.amount  # Tally writes debits negative
        entries = [] if self.cancelled else [(self.party, party_amount, debit)]
        rest = self.amount - sum(self.taxes.values())
        if not self.cancelled:
            entries.append(("Sales Account" if "sale" in self.kind.lower() else "Other Ledger",
                            -party_amount * rest / self.amount if self.amount else 0.0, not debit))
            entries += [(name, (value if debit else -value), not debit) for name, value in self.taxes.items()]
        ledger = "".join(
            f"<ALLLEDGERENTRIES.LIST><LEDGERNAME>{_raw(name)}</LEDGERNAME>"
            f"<ISDEEMEDPOSITIVE>{'Yes' if positive else 'No'}</ISDEEMEDPOSITIVE>"
            f"<AMOUNT>{value:.2f}</AMOUNT></ALLLEDGERENTRIES.LIST>"
            for name, value, positive in entries)
        return (f'<VOUCHER REMOTEID="{self.guid}" VCHTYPE="{escape(self.kind)}" ACTION="Create" '
                f'OBJVIEW="Accounting Voucher View">'
                f"<GUID>{self.guid}</GUID><DATE TYPE=\"Date\">{self.date:%Y%m%d}</DATE>"
                f"<VOUCHERTYPENAME>{escape(self.kind)}</VOUCHERTYPENAME>"
                f"<BOPARENT>{escape(self.parent or self.kind)}</BOPARENT>"
                f"<VOUCHERNUMBER>{escape(self.number)}</VOUCHERNUMBER>"
                f"<PARTYLEDGERNAME>{_raw(self.party)}</PARTYLEDGERNAME>"
                f"<ISCANCELLED>{'Yes' if self.cancelled else 'No'}</ISCANCELLED>"
                f"<ISOPTIONAL>{'Yes' if self.optional else 'No'}</ISOPTIONAL>"
                f"<AMOUNT>{'' if self.cancelled else f'{party_amount:.2f}'}</AMOUNT>{ledger}</VOUCHER>")


def _raw(text: str) -> str:
    """Escaped as Tally does it, control characters included: \x04 becomes `&#4;`, which strict parsers refuse."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"&#{ord(m.group(0))};", escape(text))


def _tag(body: str, name: str) -> str:
    found = re.search(rf"<{name}[^>]*>(.*?)</{name}>", body, re.DOTALL)
    return found.group(1).strip() if found else ""


class TallyServer(LocalServer):
    """`company` is the one open in Tally (None = none open); `encoding` is "utf-8" or "utf-16"."""

    def __init__(self, vouchers: list[Voucher], *, company: str | None = "Cubix Automation Pvt.Ltd",
                 encoding: str = "utf-8", empty_when_closed: bool = False):
        self.vouchers, self.company, self.encoding = vouchers, company, encoding
        self.empty_when_closed = empty_when_closed
        for index, voucher in enumerate(vouchers):
            voucher.guid = voucher.guid or f"c6e5f9d1-ea31-488d-b304-a8b3c4e4f165-{index:08x}"
        super().__init__(self._answer)

    def _encode(self, text: str) -> Answer:
        if self.encoding == "utf-16":
            return 200, {"Content-Type": "text/xml; charset=utf-16"}, text.encode("utf-16")
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, text.encode("utf-8")

    def _answer(self, seen: Seen) -> Answer:
        body = seen.body.decode("utf-8")
        asked = _tag(body, "SVCURRENTCOMPANY")
        if self.company is None or (asked and asked != self.company):
            if self.empty_when_closed:
                return 200, {"Content-Type": "text/xml"}, b""
            error = f"Could not set 'SVCurrentCompany' to '{asked}'" if asked else "No company is open"
            return self._encode(f"<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>0</STATUS></HEADER><BODY><DATA>"
                                f"<LINEERROR>{escape(error)}</LINEERROR></DATA></BODY></ENVELOPE>")
        first = dt.datetime.strptime(_tag(body, "SVFROMDATE"), "%Y%m%d").date()
        last = dt.datetime.strptime(_tag(body, "SVTODATE"), "%Y%m%d").date()
        chosen = [v for v in self.vouchers if first <= v.date <= last]
        inner = "".join(v.xml() for v in chosen)
        return self._encode(f"<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DESC></DESC>"
                            f"<DATA><COLLECTION>{inner}</COLLECTION></DATA></BODY></ENVELOPE>\r\n")

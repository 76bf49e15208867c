"""Fixed-seed generator of the large exports the benchmarks read.

- `orders.csv`: a cumulative Shopify "Orders → Export" CSV (the same 79 columns as the real export in
  shared/data), one row per line item, order-level fields on the order's first row only, newest order
  first (as Shopify writes it), timestamps like `2025-12-31 18:04:11 +0530`.
- `leads.csv`: a CRM leads export (id, created date, source, contact, status).
- `attendance.csv`: a daily register, one row per employee per day (P / A / L / WO).

The same seed and sizes always give the same bytes, so two machines measure the same files.
Run `python -m bench.generate --help`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 20251231
END_DAY = dt.date(2025, 12, 31)  # the report date: the newest day in every file
DAYS = 365
ITEMS_PER_ORDER_MEAN = 3.5

HEADER_LINE = (  # the export's header line, as Shopify writes it
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts "
    "Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping "
    "Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem "
    "sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing "
    "Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing "
    "Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping "
    "Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping "
    "Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded "
    "Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem "
    "discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 "
    "Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province "
    "Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
)
SHOPIFY_HEADER = HEADER_LINE.split(",")
COLUMN = {name: index for index, name in enumerate(SHOPIFY_HEADER)}

PRODUCTS = [
    ("Cotton Kurta - Indigo", 899), ("Cotton Kurta - Maroon", 899), ("Bandhani Dupatta", 649),
    ("Patola Silk Saree", 7499), ("Chaniya Choli - Navratri", 3299), ("Leather Mojari", 1199),
    ("Brass Diya Set", 549), ("Kutchi Embroidered Bag", 1399), ("Khadi Shirt - White", 1099),
    ("Block Print Bedsheet", 1899), ("Copper Water Bottle", 799), ("Terracotta Planter", 449),
    ("Handloom Stole", 999), ("Silver Oxidised Earrings", 699), ("Ajrakh Cushion Cover", 499),
    ("Gift Card - ₹500", 500),
]
FINANCIAL = (("paid", 0.84), ("pending", 0.05), ("refunded", 0.03), ("partially_refunded", 0.03),
             ("voided", 0.02), ("authorized", 0.03))
CHANNELS = (("web", 0.62), ("pos", 0.23), ("shopify_draft_order", 0.08), ("instagram", 0.07))
CITIES = (("Ahmedabad", "GJ", "380009"), ("Surat", "GJ", "395003"), ("Vadodara", "GJ", "390007"),
          ("Mumbai", "MH", "400001"), ("Pune", "MH", "411001"), ("Jaipur", "RJ", "302001"))
FIRST = ("Amit", "Bhavna", "Chirag", "Darshan", "Ekta", "Farhan", "Gita", "Hardik", "Isha", "Jignesh",
         "Kavya", "Lalit", "Meera", "Nirav", "Pooja", "Riya", "Sagar", "Tanvi", "Yash", "Zoya")
LAST = ("Patel", "Shah", "Desai", "Joshi", "Mehta", "Shaikh", "Parmar", "Trivedi", "Rana", "Modi")
LEAD_SOURCES = (("IndiaMART", 0.34), ("Website", 0.22), ("Walk-in", 0.16), ("JustDial", 0.12),
                ("WhatsApp", 0.10), ("Referral", 0.06))
LEAD_STATUSES = (("New", 0.5), ("Contacted", 0.3), ("Qualified", 0.12), ("Lost", 0.08))
LEADS_HEADER = ["Lead ID", "Created Date", "Lead Source", "Full Name", "Phone", "Email", "Company",
                "Lead Status"]
ATTENDANCE_HEADER = ["Employee ID", "Employee Name", "Date", "Status"]


@dataclass(frozen=True)
class Sizes:
    """How much to generate. The defaults are issue 7's: 1,000,000 line items, 200,000 leads, 50 x 365."""

    line_items: int = 1_000_000
    leads: int = 200_000
    staff: int = 50
    days: int = DAYS

    @classmethod
    def quick(cls) -> Sizes:
        return cls(line_items=3_000, leads=600, staff=8, days=30)


@dataclass(frozen=True)
class Dataset:
    orders: Path
    leads: Path
    attendance: Path
    report_day: dt.date = END_DAY


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in table], weights=[weight for _, weight in table])[0]


def _paise(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _stamps(rng: random.Random, count: int, days: int, end: dt.date) -> list[dt.datetime]:
    """`count` timestamps spread over `days` days ending on `end`, oldest first, more on weekends."""
    start = dt.datetime.combine(end - dt.timedelta(days=days - 1), dt.time(0))
    weights = [1.35 if (end - dt.timedelta(days=days - 1 - d)).weekday() >= 5 else 1.0 for d in range(days)]
    day_of = rng.choices(range(days), weights=weights, k=count)
    seconds = [rng.randint(9 * 3600, 22 * 3600 - 1) for _ in range(count)]
    return sorted(start + dt.timedelta(days=d, seconds=s) for d, s in zip(day_of, seconds, strict=True))


def _order_rows(rng: random.Random, number: int, created: str, items: int) -> list[list[str]]:
    """The rows of one order: the first carries the order fields, the others only the line item."""
    status = _weighted(rng, FINANCIAL)
    lines = []
    subtotal = 0
    for _ in range(items):
        name, price = PRODUCTS[rng.randrange(len(PRODUCTS))]
        qty = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        lines.append((name, price, qty))
        subtotal += price * qty * 100
    discount = subtotal // 10 if rng.random() < 0.15 else 0
    shipping = 0 if subtotal >= 99900 else 7900
    total = subtotal - discount + shipping
    refunded = {"refunded": total, "partially_refunded": (total // 3) // 100 * 100}.get(status, 0)
    cancelled = created if status == "voided" or (status == "refunded" and rng.random() < 0.5) else ""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, province, pin = rng.choice(CITIES)
    order_name = f"#{number}"
    email = f"{first.lower()}.{last.lower()}{number % 97}@example.in"
    rows = []
    for index, (name, price, qty) in enumerate(lines):
        row = [""] * len(SHOPIFY_HEADER)
        row[COLUMN["Name"]] = order_name
        row[COLUMN["Created at"]] = created
        row[COLUMN["Lineitem quantity"]] = str(qty)
        row[COLUMN["Lineitem name"]] = name
        row[COLUMN["Lineitem price"]] = f"{price}.00"
        row[COLUMN["Lineitem requires shipping"]] = "true"
        row[COLUMN["Lineitem taxable"]] = "true"
        row[COLUMN["Lineitem fulfillment status"]] = "fulfilled" if status == "paid" else "pending"
        row[COLUMN["Vendor"]] = "Kutch Crafts"
        row[COLUMN["Lineitem discount"]] = "0.00"
        if index == 0:
            paid = status in ("paid", "refunded", "partially_refunded")
            row[COLUMN["Email"]] = email if number % 5 < 3 else ""
            row[COLUMN["Financial Status"]] = status
            row[COLUMN["Paid at"]] = created if paid else ""
            row[COLUMN["Fulfillment Status"]] = "fulfilled" if status == "paid" else "unfulfilled"
            row[COLUMN["Accepts Marketing"]] = "no"
            row[COLUMN["Currency"]] = "INR"
            row[COLUMN["Subtotal"]] = _paise(subtotal - discount)
            row[COLUMN["Shipping"]] = _paise(shipping)
            row[COLUMN["Taxes"]] = _paise(total * 12 // 112)
            row[COLUMN["Total"]] = _paise(total)
            row[COLUMN["Discount Code"]] = "DIWALI10" if discount else ""
            row[COLUMN["Discount Amount"]] = _paise(discount)
            row[COLUMN["Shipping Method"]] = "Standard" if shipping else "Free shipping"
            channel = _weighted(rng, CHANNELS)
            if channel != "pos":  # counter sales carry no address
                row[COLUMN["Billing Name"]] = f"{first} {last}"
                row[COLUMN["Billing City"]] = city
                row[COLUMN["Billing Zip"]] = pin
                row[COLUMN["Billing Province"]] = province
                row[COLUMN["Billing Country"]] = "IN"
            row[COLUMN["Cancelled at"]] = cancelled
            row[COLUMN["Payment Method"]] = "Razorpay" if rng.random() < 0.7 else "Cash on Delivery (COD)"
            row[COLUMN["Refunded Amount"]] = _paise(refunded)
            row[COLUMN["Outstanding Balance"]] = "0.00"
            row[COLUMN["Id"]] = str(5_600_000_000_000 + number)
            row[COLUMN["Risk Level"]] = "Low"
            row[COLUMN["Source"]] = channel
        rows.append(row)
    return rows


def write_orders(path: Path, sizes: Sizes, rng: random.Random) -> int:
    """Write the Shopify export; returns the number of line-item rows (exactly sizes.line_items)."""
    counts: list[int] = []
    remaining = sizes.line_items
    while remaining > 0:
        items = 1
        while rng.random() > 1 / ITEMS_PER_ORDER_MEAN and items < 8:
            items += 1
        items = min(items, remaining)
        counts.append(items)
        remaining -= items
    stamps = _stamps(rng, len(counts), sizes.days, END_DAY)
    first_number = 1001
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(SHOPIFY_HEADER)
        buffer = io.StringIO()
        block = csv.writer(buffer, lineterminator="\n")
        for position in range(len(counts) - 1, -1, -1):  # newest order first, like Shopify
            created = stamps[position].strftime("%Y-%m-%d %H:%M:%S +0530")
            block.writerows(_order_rows(rng, first_number + position, created, counts[position]))
            if buffer.tell() > 1 << 20:
                handle.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        handle.write(buffer.getvalue())
    return sum(counts)


def write_leads(path: Path, sizes: Sizes, rng: random.Random) -> None:
    stamps = _stamps(rng, sizes.leads, sizes.days, END_DAY)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(LEADS_HEADER)
        for number, stamp in enumerate(stamps, start=1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            out.writerow([
                f"L-{number:07d}", stamp.strftime("%Y-%m-%d %H:%M:%S"), _weighted(rng, LEAD_SOURCES),
                f"{first} {last}", f"+91 9{rng.randint(100000000, 999999999)}",
                f"{first.lower()}{number}@example.in", rng.choice(("", "", "Patel Brothers", "Navkar Agencies")),
                _weighted(rng, LEAD_STATUSES),
            ])


def write_attendance(path: Path, sizes: Sizes, rng: random.Random) -> None:
    staff = [(f"E{n:03d}", f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}") for n in range(1, sizes.staff + 1)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(ATTENDANCE_HEADER)
        for offset in range(sizes.days - 1, -1, -1):
            day = END_DAY - dt.timedelta(days=offset)
            for emp_id, name in staff:
                if day.weekday() == 6:
                    mark = "WO"
                else:
                    roll = rng.random()
                    mark = "P" if roll < 0.88 else "A" if roll < 0.95 else "L"
                out.writerow([emp_id, name, day.strftime("%d/%m/%Y"), mark])


def generate(folder: Path, sizes: Sizes = Sizes(), seed: int = SEED) -> Dataset:
    """Write the three files into `folder` (created if needed) and say where they are."""
    folder.mkdir(parents=True, exist_ok=True)
    data = Dataset(folder / "orders_export.csv", folder / "leads.csv", folder / "attendance.csv")
    write_orders(data.orders, sizes, random.Random(seed))
    write_leads(data.leads, sizes, random.Random(seed + 1))
    write_attendance(data.attendance, sizes, random.Random(seed + 2))
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--quick", action="store_true", help="tiny files (seconds), for smoke runs")
    parser.add_argument("--line-items", type=int, help="override the number of order line items")
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    if args.line_items:
        sizes = Sizes(args.line_items, sizes.leads, sizes.staff, sizes.days)
    data = generate(args.folder, sizes)
    for path in (data.orders, data.leads, data.attendance):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

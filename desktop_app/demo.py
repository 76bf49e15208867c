"""The demo workspace: 60 days of a plausible Ahmedabad trading shop, so deltas and trends show.

The files are written in the app's own data folder (never over a user's file), in the messy
shape real exports have (₹ signs, lakh grouping, dd/mm/yyyy, returns in parentheses), and read
through the same connectors as real sources. Reports built from them say DEMO.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
from pathlib import Path

from connectors.base import SourceSpec

from .formatting import money
from .history import HistoryStore
from .paths import AppPaths
from .settings import BusinessSettings, GoalSettings, Settings, SourceSettings

DAYS = 60
WORKSPACE_VERSION = 2  # 2: items, channels and Sunday web orders in the sales export
BUSINESS_NAME = "Shree Ganesh Traders (demo)"
STAFF = [
    "Amit Patel", "Bhavna Shah", "Chirag Desai", "Darshan Joshi", "Ekta Mehta", "Farhan Shaikh", "Gita Parmar",
    "Hardik Trivedi", "Isha Rana", "Jignesh Modi", "Kavya Pandya", "Lalit Solanki", "Meera Vyas", "Nirav Bhatt",
    "Omkar Thakkar", "Pooja Chauhan", "Qasim Mansuri", "Riya Dave", "Sagar Prajapati", "Tanvi Gohil",
    "Umesh Rathod", "Vidhi Kothari", "Yash Panchal", "Zoya Qureshi",
]
LEAD_SOURCES = {"IndiaMART": 0.34, "Website": 0.22, "Walk-in": 0.16, "JustDial": 0.12, "WhatsApp": 0.10,
                "Referral": 0.06}
CUSTOMERS = ["Rajesh Enterprises", "Mahavir Textiles", "Om Sai Hardware", "Patel Brothers", "Navkar Agencies",
             "Jay Ambe Stores", "Krishna Traders", "Umiya Plastics", "Shiv Shakti Steel", "Sai Krupa Foods"]
WEEKDAY_LIFT = (1.0, 0.92, 0.95, 1.02, 1.1, 1.35, 0.0)  # Mon..Sun; closed on Sunday
PRODUCTS = {"Cement bags": 0.3, "TMT bars": 0.22, "PVC pipes": 0.16, "Tiles": 0.14, "Paint": 0.1,
            "Sanitaryware": 0.08}
ONLINE_SHARE = 0.15  # orders through the shop's website; a few come in on Sundays too
DEMO_GOALS = GoalSettings(sales_monthly=4_000_000, leads_monthly=300, attendance_pct=92)


def _rupees(amount: int) -> str:
    """₹ with Indian grouping, returns in parentheses: what shop billing software exports."""
    text = money(abs(amount), "INR", "en_IN")
    return f"({text})" if amount < 0 else text


def _days(end: dt.date) -> list[dt.date]:
    return [end - dt.timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]


def _write_sales(path: Path, end: dt.date, rng: random.Random) -> None:
    invoice = 4100
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(["Invoice No", "Invoice Date", "Customer", "Amount", "Status", "Item", "Channel"])
        # Items and channels come from their own generator, so the amounts stay those of earlier versions.
        items = random.Random(20261201)
        names, weights = list(PRODUCTS), list(PRODUCTS.values())
        for day in _days(end):
            lift = WEEKDAY_LIFT[day.weekday()]
            if not lift:
                for _ in range(items.randint(0, 2)):  # closed on Sunday, but the website takes orders
                    invoice += 1
                    amount = int(round(items.lognormvariate(8.0, 0.5), -1))
                    out.writerow([f"WEB-{invoice}", f"{day:%d/%m/%Y} {items.randint(9, 21):02d}:15",
                                  items.choice(CUSTOMERS), _rupees(amount), "Paid", items.choices(names, weights)[0],
                                  "Online"])
                continue
            for _ in range(max(1, round(rng.gauss(34, 5) * lift))):
                invoice += 1
                stamp = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=rng.randint(0, 600))
                amount = int(round(rng.lognormvariate(8.4, 0.7), -1))
                status = "Cancelled" if rng.random() < 0.03 else "Paid"
                out.writerow([f"INV-{invoice}", f"{stamp:%d/%m/%Y %H:%M}", rng.choice(CUSTOMERS), _rupees(amount),
                              status, items.choices(names, weights)[0],
                              "Online" if items.random() < ONLINE_SHARE else "Counter"])
            if rng.random() < 0.3:
                invoice += 1
                out.writerow([f"CN-{invoice}", f"{day:%d/%m/%Y} 18:30", rng.choice(CUSTOMERS),
                              _rupees(-int(round(rng.uniform(500, 4000), -1))), "Return",
                              items.choices(names, weights)[0], "Counter"])


def _write_leads(path: Path, end: dt.date, rng: random.Random) -> None:
    names, weights = list(LEAD_SOURCES), list(LEAD_SOURCES.values())
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Lead Date", "Name", "Phone", "Lead Source"])
        for day in _days(end):
            count = max(0, round(rng.gauss(12, 3) * (0.5 if day.weekday() == 6 else 1.0)))
            for index in range(count):
                stamp = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rng.randint(0, 720))
                out.writerow([f"{stamp:%d/%m/%Y %H:%M}", f"Customer {day:%m%d}-{index}",
                              f"+91 98{rng.randint(10000000, 99999999)}", rng.choices(names, weights)[0]])


def _write_attendance(path: Path, end: dt.date, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Date", "Employee", "Status"])
        for day in _days(end):
            if day.weekday() == 6:
                continue
            for person in STAFF:
                out.writerow([f"{day:%d/%m/%Y}", person, "A" if rng.random() < 0.08 else "P"])


def demo_specs(folder: Path) -> list[SourceSettings]:
    return [
        SourceSettings(name="Demo sales (billing export)", domain="sales", path=str(folder / "sales.csv"),
                       options={"date_format": "%d/%m/%Y %H:%M"}),
        SourceSettings(name="Demo leads (CRM export)", domain="leads", path=str(folder / "leads.csv"),
                       options={"date_format": "%d/%m/%Y %H:%M"}),
        SourceSettings(name="Demo attendance (register)", domain="attendance", path=str(folder / "attendance.csv"),
                       options={"date_format": "%d/%m/%Y"}),
    ]


def prepare_demo(paths: AppPaths, base: Settings, end: dt.date) -> tuple[Settings, HistoryStore]:
    """Write (or refresh) the demo files ending on `end`; return demo settings and the demo history."""
    folder = paths.demo_workspace
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "workspace.json"
    wanted = {"end": end.isoformat(), "days": DAYS, "version": WORKSPACE_VERSION}
    if not marker.exists() or json.loads(marker.read_text()) != wanted:
        rng = random.Random(20261124)
        _write_sales(folder / "sales.csv", end, rng)
        _write_leads(folder / "leads.csv", end, rng)
        _write_attendance(folder / "attendance.csv", end, rng)
        # Exported on the demo day's evening, whatever the file system's clock says: the demo's
        # freshness then depends on `end` alone (a demo for another day is not "stale").
        exported = dt.datetime.combine(end, dt.time(20), tzinfo=base.business.zone).timestamp()
        for name in ("sales.csv", "leads.csv", "attendance.csv"):
            os.utime(folder / name, (exported, exported))
        (folder / "history.sqlite3").unlink(missing_ok=True)
        marker.write_text(json.dumps(wanted))
    business = BusinessSettings(name=BUSINESS_NAME, currency="INR", locale="en_IN",
                                timezone=base.business.timezone)
    goals = base.goals if any(base.goals.model_dump().values()) else DEMO_GOALS
    settings = base.model_copy(update={"business": business, "sources": demo_specs(folder), "goals": goals})
    return settings, HistoryStore(folder / "history.sqlite3")


def backfill_history(settings: Settings, store: HistoryStore, end: dt.date) -> int:
    """Fill the demo history with the 59 days before `end` (read once), so trends have something to show."""
    from .pipeline import build_report, finish_report, read_sources

    days = [day for day in _days(end)[:-1] if not store.has(day)]
    if not days:
        return 0
    specs: list[SourceSpec] = settings.specs()
    data = read_sources(settings, specs, end)
    for day in days:
        report = build_report(settings, data, day, {}, demo=True)
        report.generated_at = dt.datetime.combine(day, dt.time(19, 0)).astimezone()
        finish_report(report, offline=True)
        store.save(report)
    return len(days)

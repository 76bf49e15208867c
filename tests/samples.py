"""The real export samples in ../shared/data (see its SOURCES.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def shared_data_dir() -> Path:
    """The samples folder beside the checkout (../shared/data), or $BO_SHARED_DATA."""
    override = os.environ.get("BO_SHARED_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_sample(name: str) -> Path:
    """A file from ../shared/data: skipped when absent, a failure when REQUIRE_SHARED_DATA=1 (CI)."""
    path = shared_data_dir() / name
    if not path.is_file():
        reason = f"shared sample {path} is absent (set BO_SHARED_DATA to its folder)"
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason + " and REQUIRE_SHARED_DATA=1")
        pytest.skip(reason)
    return path


def write_seed_files(folder: Path) -> dict[str, Path]:
    """The seed script's three undated files: sales ₹5,500.50 from 3 orders, 3 leads (2 IndiaMART), 3 of 4 present."""
    sales = folder / "sales_today.csv"
    sales.write_text("order_id,amount\n1,1200\n2,3500.50\n3,800\n", encoding="utf-8")
    leads = folder / "leads_today.json"
    leads.write_text(json.dumps([{"name": "Ravi", "source": "IndiaMART"}, {"name": "Sita", "source": "Website"},
                                 {"name": "Kiran", "source": "IndiaMART"}]), encoding="utf-8")
    attendance = folder / "attendance_today.csv"
    attendance.write_text("employee,present\nAsha,yes\nBina,no\nChetan,yes\nDev,yes\n", encoding="utf-8")
    return {"sales": sales, "leads": leads, "attendance": attendance}

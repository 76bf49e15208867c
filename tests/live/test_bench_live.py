"""bench/live_fetch.py runs end to end on small sizes, and its API-equals-CSV check holds."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_live_benchmark_smoke(tmp_path):
    from bench.live_fetch import main

    out = tmp_path / "live.json"
    assert main(["--days", "15", "--per-day", "20", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    shop, woo = results["shopify"], results["woocommerce"]
    assert shop["api_report_equals_csv_report_7_days"] is True
    assert shop["orders"] == 300 and shop["store_records"] == 320
    assert shop["incremental_records"] == 20 + 60  # a new day and the 3-day overlap (the refunds fall inside it)
    assert woo["store_records"] == 320 and woo["backfill_pages"] == 3

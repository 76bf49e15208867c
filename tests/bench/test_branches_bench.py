"""Smoke run of the branches benchmark at a tiny size (SQLite and the throwaway PostgreSQL), so it cannot rot.
No timing is asserted: the run itself checks the consolidated total against the branch rows."""

from __future__ import annotations

import json

from bench.branches import main


def test_the_branches_benchmark_runs_on_both_engines(tmp_path, pg_server):
    out = tmp_path / "branches.json"
    assert main(["--branches", "3", "--days", "16", "--repeats", "1", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["rows"] == 48
    assert results["sqlite"]["total"] == results["postgresql"]["total"] > 0
    assert results["sqlite"]["rows_read"] == 3 * 15

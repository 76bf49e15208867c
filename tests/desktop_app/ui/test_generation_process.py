"""Report generation in a child process: errors, a killed child, and cancelling come back to the tray."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import threading

import pytest

from desktop_app.cancel import Cancelled
from desktop_app.settings import Settings, SourceSettings
from desktop_app.ui import generation_process, jobs
from desktop_app.ui.generation_process import GenerationFailed, generate_in_child
from desktop_app.ui.worker import TaskContext

from .conftest import GENERATION_TIMEOUT_MS

DAY = dt.date(2026, 11, 24)


def context(steps: list[str]) -> TaskContext:
    return TaskContext(report=steps.append)


def test_the_demo_report_is_made_in_a_child_and_steps_come_back(paths):
    steps: list[str] = []
    done = generate_in_child(context(steps), jobs.Workspace(Settings(), paths, demo=True), DAY)
    assert done.view.report.date == DAY and done.view.day == DAY
    assert done.view.trend  # read back from the history the child wrote
    assert steps[0] == "Preparing the demo shop…" and "Computing KPIs…" in steps
    assert multiprocessing.active_children() == []


def test_an_error_in_the_child_comes_back_with_its_class_and_traceback(paths, caplog, tmp_path):
    paths.history_db.mkdir(parents=True)  # SQLite cannot open a folder: the save fails in the child
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Amount\n2026-11-24,1200\n", encoding="utf-8")
    settings = Settings(sources=[SourceSettings(name="Shop", domain="sales", path=str(sales))])
    with pytest.raises(GenerationFailed) as failed:
        generate_in_child(context([]), jobs.Workspace(settings, paths, demo=False), DAY)
    assert failed.value.kind == "OperationalError"
    assert "Traceback" in failed.value.details and "sqlite3" in failed.value.details


def test_a_killed_child_is_a_clear_error_not_a_hang(paths):
    steps: list[str] = []
    first_step = threading.Event()
    ctx = TaskContext(report=lambda step: (steps.append(step), first_step.set()))
    outcome: dict = {}

    def run() -> None:
        try:
            generate_in_child(ctx, jobs.Workspace(Settings(), paths, demo=True), DAY)
        except Exception as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    assert first_step.wait(GENERATION_TIMEOUT_MS / 1000)
    for child in multiprocessing.active_children():
        child.kill()
    worker.join(GENERATION_TIMEOUT_MS / 1000)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), GenerationFailed)
    assert "killed" in str(outcome["error"]) or "exited" in str(outcome["error"])


def test_cancel_reaches_the_child_through_its_event(paths, caplog, monkeypatch):
    # The point is that the child stops by itself at its first checkpoint; a spawned child on a loaded
    # machine can take longer than the production grace just to import pandas, so the test allows more.
    monkeypatch.setattr(generation_process, "CANCEL_GRACE_SECONDS", GENERATION_TIMEOUT_MS / 1000)
    ctx = context([])
    ctx.cancel.set()  # before the first checkpoint: the pipeline stops there, cooperatively
    with caplog.at_level(logging.WARNING), pytest.raises(Cancelled):
        generate_in_child(ctx, jobs.Workspace(Settings(), paths, demo=True), DAY)
    assert "terminating" not in caplog.text
    assert multiprocessing.active_children() == []


def test_the_trays_first_report_on_large_exports_parses_them_side_by_side(paths, caplog, tmp_path):
    """The report child may start worker processes (it is not a daemon), so the tray's first report on a big
    export reads the other files beside it, as the CLI does; the log records of the child come back."""
    from bench.generate import Sizes, generate

    data = generate(tmp_path / "exports", Sizes(line_items=90_000, leads=15_000, staff=20, days=120))
    settings = Settings(sources=[SourceSettings(name="Orders", domain="sales", path=str(data.orders)),
                                 SourceSettings(name="Leads", domain="leads", path=str(data.leads)),
                                 SourceSettings(name="Staff", domain="attendance", path=str(data.attendance))])
    with caplog.at_level(logging.INFO, logger="business_orchestrator"):
        done = generate_in_child(context([]), jobs.Workspace(settings, paths, demo=False), data.report_day)
    assert done.view.report.sales is not None and done.view.report.leads is not None
    assert "parsed side by side with Orders: Leads" in caplog.text
    assert multiprocessing.active_children() == []

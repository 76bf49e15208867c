"""The head office's run: `run_report` with `[business] head_office` makes the whole-business report from every
branch's reports, saves it in this PC's history and queues it in the outbox like any report."""

from __future__ import annotations

import datetime as dt
import json

from desktop_app.consolidated_run import run_consolidated
from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.report import Report
from desktop_app.settings import Settings

from .branch_reports import TUE, branch_report


class BranchReports:
    """Every branch's reports held in memory, answering as the shared history does (storage/shared.py)."""

    def __init__(self, reports: dict[str, dict[dt.date, Report]]):
        self.reports = reports
        self.asked: list[tuple[dt.date, dt.date]] = []

    def branch_reports(self, first, last, branches=None):
        self.asked.append((first, last))
        return {name: {day: report for day, report in days.items() if first <= day <= last}
                for name, days in self.reports.items()}

    def branches(self):
        return [type("Info", (), {"branch": name})() for name in self.reports]


def _settings(**business) -> Settings:
    settings = Settings()
    settings.business.name = "Shah Hardware"
    settings.business.head_office = True
    for key, value in business.items():
        setattr(settings.business, key, value)
    settings.telegram.enabled = True
    settings.telegram.destinations = ["me"]
    return settings


def _reports() -> dict[str, dict[dt.date, Report]]:
    mon = TUE - dt.timedelta(days=1)
    return {"Naroda": {TUE: branch_report(TUE, 1000.10), mon: branch_report(mon, 800)},
            "Maninagar": {TUE: branch_report(TUE, 2000.20), mon: branch_report(mon, 2500)},
            "Vastral": {mon: branch_report(mon, 100)}}


def test_the_head_office_report_is_saved_and_queued_like_any_report(tmp_path):
    paths = app_paths().ensure()
    history = BranchReports(_reports())
    report = run_consolidated(_settings(), paths, TUE, history=history, offline=True, send=True)
    assert history.asked == [(TUE - dt.timedelta(days=14), TUE)]
    assert report.sales.total == 3000.30 and report.consolidated.missing == ["Vastral"]
    assert report.engine == "rules" and "Vastral has not reported yet" in " ".join(report.insights)
    saved = HistoryStore(paths.history_db).get(TUE)
    assert saved.consolidated == report.consolidated and saved.sales.total == 3000.30
    [delivery] = Outbox(paths.history_db).for_day(TUE)
    assert (delivery.channel, delivery.destination, delivery.status) == ("telegram", "me", "pending")
    assert "⏳ <b>Partial:</b> Vastral has not reported yet" in delivery.text
    assert "🏬 <b>#2 Naroda:</b> ₹1,000 · 10 orders" in delivery.text


def test_run_report_on_the_head_office_needs_no_sources_and_reads_the_branches(tmp_path, monkeypatch):
    history = BranchReports(_reports())
    monkeypatch.setattr("desktop_app.consolidated_run.open_history", lambda settings, paths: history)
    report = run_report(_settings(), app_paths().ensure(), TUE, offline=True)
    assert report.consolidated is not None and report.sales.orders == 20
    assert json.loads(json.dumps(report.to_dict()))["consolidated"]["reported"] == 2


def test_a_consolidated_report_among_the_branches_is_not_counted_again(tmp_path):
    reports = _reports()
    history = BranchReports(reports)
    paths = app_paths().ensure()
    first = run_consolidated(_settings(), paths, TUE, history=history, offline=True, save=False)
    reports["Head office"] = {TUE: first}  # had the head office's own row reached the shared history
    again = run_consolidated(_settings(), paths, TUE, history=history, offline=True, save=False)
    assert again.sales.total == first.sales.total == 3000.30
    assert again.consolidated.missing == ["Vastral"] and len(again.consolidated.branches) == 3


def _shared(url: str, password: str | None = None):
    """The shared history holding each branch's reports, as their pushes leave it."""
    from desktop_app.storage.shared import BranchRow, SharedHistory

    shared = SharedHistory.open(url, password=password)
    shared.put([BranchRow(branch=name, date=day, revision=1, pc=f"{name}-PC",
                          generated_at=report.generated_at.isoformat(), engine="rules", demo=False,
                          body=json.dumps(report.to_dict()))
                for name, days in _reports().items() for day, report in days.items()])
    return shared


def test_the_head_office_reads_a_shared_sqlite_history_through_run_report(tmp_path):
    shared = _shared(f"sqlite:///{tmp_path / 'all-branches.sqlite3'}")
    shared.dispose()
    settings = _settings()
    settings.history.url = f"sqlite:///{tmp_path / 'all-branches.sqlite3'}"
    paths = app_paths().ensure()
    report = run_report(settings, paths, TUE, offline=True, send=True)
    assert report.sales.total == 3000.30 and report.consolidated.missing == ["Vastral"]
    assert [day.branch for day in report.consolidated.branches] == ["Maninagar", "Naroda", "Vastral"]
    assert Outbox(paths.history_db).for_day(TUE)[0].text.startswith("📅 <b>Daily Business Summary")
    from desktop_app.storage.push import push_for_settings

    assert push_for_settings(settings, paths) is None  # the head office has no rows of its own to push


def test_the_consolidated_report_from_postgresql_equals_the_sum_of_the_branch_reports(pg_database):
    from desktop_app.consolidated_run import consolidated_for

    shared = _shared(pg_database.url, pg_database.password)
    try:
        report = consolidated_for(shared, TUE, _settings())
    finally:
        shared.dispose()
    assert report.sales.total == 3000.30 and report.sales.prev_total == 3300.0
    assert report.consolidated.missing == ["Vastral"] and report.leads.count == 8


def test_generate_json_on_the_head_office_adds_the_block_and_keeps_every_old_key(tmp_path, capsys):
    from desktop_app.cli import main
    from desktop_app.settings import save_settings

    from .test_consolidated import OLD_KEYS

    _shared(f"sqlite:///{tmp_path / 'all.sqlite3'}").dispose()
    settings = _settings()
    settings.telegram.enabled = False
    settings.history.url = f"sqlite:///{tmp_path / 'all.sqlite3'}"
    save_settings(settings, app_paths().ensure().settings_file)
    assert main(["generate", "--date", TUE.isoformat(), "--offline", "--json"]) == 3  # Vastral is missing
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:len(OLD_KEYS)] == OLD_KEYS and data["complete"] is False
    assert data["sales"]["total"] == 3000.3 and data["business"] == "Shah Hardware"
    assert data["consolidated"]["missing"] == ["Vastral"] and data["consolidated"]["reported"] == 2
    assert [line["branch"] for line in data["consolidated"]["branches"]] == ["Maninagar", "Naroda", "Vastral"]
    assert main(["generate", "--date", TUE.isoformat(), "--show-prompt", "--json"]) == 0
    prompt = json.dumps(json.loads(capsys.readouterr().out), ensure_ascii=False)
    assert "branches_not_reported" in prompt and "Vastral" in prompt and "sales_rank" in prompt


def test_a_branch_silent_for_five_weeks_is_no_longer_awaited():
    from desktop_app.consolidated_run import consolidated_for

    class Info:
        def __init__(self, branch, last_date):
            self.branch, self.last_date = branch, last_date

    history = BranchReports(_reports())
    history.branches = lambda: [Info("Naroda", TUE), Info("Maninagar", TUE), Info("Vastral", TUE - dt.timedelta(1)),
                                Info("Old shop", TUE - dt.timedelta(days=36))]
    report = consolidated_for(history, TUE)
    assert report.consolidated.missing == ["Vastral"]
    history.branches = lambda: [Info("Naroda", TUE), Info("Old shop", TUE - dt.timedelta(days=35))]
    assert consolidated_for(history, TUE).consolidated.missing == ["Old shop", "Vastral"]

"""`business-orchestrator branches` (+ --json, --setup-db), and `generate` pushing a branch's row, as the user runs
them: this PC alone, a shared SQLite file, the test PostgreSQL server, an unreachable server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from desktop_app.cli import main
from desktop_app.history import HistoryStore
from desktop_app.paths import app_paths
from desktop_app.report import Report, SalesKpis
from desktop_app.secrets import Secret, set_secret
from tests.pg_server import free_port

DAY = dt.date(2026, 5, 4)


def settings(text: str) -> None:
    paths = app_paths().ensure()
    paths.settings_file.write_text(text, encoding="utf-8")


def saved(days: int = 2, branch: str = "Naroda", pc: str = "NARODA-PC") -> None:
    store = HistoryStore(app_paths().ensure().history_db, branch=branch, pc=pc)
    for offset in range(days):
        day = DAY + dt.timedelta(days=offset)
        store.save(Report(date=day, currency="INR", business="B", leads=None, attendance=None,
                          sales=SalesKpis(total=100.0, orders=1, avg_order=100.0),
                          generated_at=dt.datetime(2026, 5, 4, 19, 5, tzinfo=dt.UTC) + dt.timedelta(days=offset)))


def test_this_pc_alone_lists_its_own_branch(capsys):
    settings('[business]\nbranch = "Naroda"\n')
    saved()
    assert main(["branches"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["branch", "last", "report", "made", "at", "days", "PC"]
    assert out.splitlines()[1].split()[:2] == ["Naroda", "2026-05-05"]
    assert out.splitlines()[1].split()[-2:] == ["2", "NARODA-PC"]
    assert main(["branches", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["shared"] is False and listed["error"] is None and listed["waiting_here"] == 0
    assert listed["branches"] == [{"branch": "Naroda", "last_date": "2026-05-05", "pc": "NARODA-PC", "days": 2,
                                   "last_generated_at": "2026-05-05T19:05:00+00:00"}]


def test_a_shared_file_gets_this_pcs_rows_first(capsys, tmp_path: Path):
    shared = tmp_path / "all-branches.sqlite3"
    settings(f'[business]\nbranch = "Naroda"\n\n[history]\nurl = "sqlite:///{shared.as_posix()}"\npc_name = "N1"\n')
    saved(3)
    assert main(["branches", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["shared"] is True and listed["pushed"] == 3 and listed["waiting_here"] == 0
    assert [(b["branch"], b["days"]) for b in listed["branches"]] == [("Naroda", 3)]


def test_postgresql_with_the_password_in_the_keyring_never_printed(capsys, pg_database):
    settings(f'[business]\nbranch = "Naroda"\n\n[history]\nurl = "{pg_database.url}"\n')
    set_secret(Secret.HISTORY_DB_PASSWORD, pg_database.password)
    saved()
    assert main(["branches", "--setup-db"]) == 0
    assert "schema steps applied: s0001_branch_reports" in capsys.readouterr().out
    assert main(["branches"]) == 0
    captured = capsys.readouterr()
    assert "Naroda" in captured.out and "2 report row(s) of this PC pushed just now" in captured.err
    assert main(["branches", "--setup-db"]) == 0
    assert "the schema is up to date" in capsys.readouterr().out
    log = (app_paths().logs / "app.log").read_text(encoding="utf-8") if (app_paths().logs / "app.log").exists() else ""
    assert pg_database.password not in captured.out + captured.err + log


def test_an_unreachable_server_says_why_and_lists_this_pc(capsys):
    settings(f'[business]\nbranch = "Naroda"\n\n[history]\nurl = "postgresql://branch_naroda@127.0.0.1:{free_port()}'
             '/business"\ntimeout_seconds = 3\n')
    saved(1)
    assert main(["branches"]) == 3
    captured = capsys.readouterr()
    assert "Shared history: the shared history at postgresql://branch_naroda@127.0.0.1:" in captured.err
    assert "Connection refused" in captured.err and "Showing this PC's own history instead." in captured.err
    assert "Naroda" in captured.out and "1 report row(s) of this PC wait to be pushed." in captured.out
    assert main(["branches", "--json"]) == 3
    listed = json.loads(capsys.readouterr().out)
    assert listed["waiting_here"] == 1 and listed["error"].startswith("the shared history at ")


def test_generate_pushes_the_new_report(capsys, tmp_path: Path):
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Order ID,Amount\n2026-05-04,A1,1234.50\n", encoding="utf-8")
    shared = tmp_path / "all.sqlite3"
    settings(f'[business]\nbranch = "Vastral"\n\n[history]\nurl = "sqlite:///{shared.as_posix()}"\n\n'
             f'[[sources]]\nname = "Sales"\ndomain = "sales"\npath = "{sales.as_posix()}"\n')
    assert main(["generate", "--date", "2026-05-04", "--offline", "--no-send"]) == 0
    assert "Shared history: 1 report row(s) pushed" in capsys.readouterr().err
    from desktop_app.storage.shared import SharedHistory

    store = SharedHistory.open(f"sqlite:///{shared}")
    assert store.branch_reports(DAY, DAY)["Vastral"][DAY].sales.total == 1234.5
    store.dispose()


def test_a_url_with_a_password_is_refused_by_the_settings(capsys):
    settings('[history]\nurl = "postgresql://branch_naroda:hunter2@server/business"\n')
    assert main(["branches"]) == 2
    err = capsys.readouterr().err
    assert "remove the password from the URL: it is kept in the OS keyring" in err and "hunter2" not in err


def test_send_pending_pushes_what_an_offline_branch_kept(capsys, tmp_path: Path):
    shared = tmp_path / "all.sqlite3"
    settings(f'[business]\nbranch = "Naroda"\n\n[history]\nurl = "sqlite:///{shared.as_posix()}"\n')
    saved(2)
    main(["send-pending"])
    assert "Shared history: 2 report row(s) pushed" in capsys.readouterr().err

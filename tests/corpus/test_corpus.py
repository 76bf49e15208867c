"""Odd and broken exports through the real command line: the right number, or a clean sentence.

Every case in manifest.toml is one file (committed under tests/corpus/files/, or made here when it is
large or binary), one domain and one report date, and either the numbers the report must show or a
phrase the domain's failure must contain. Each runs `business-orchestrator generate --json` in
process with its own app home and settings.toml. Whatever the case, the run must not crash, every
message must stay short (a quoted cell is cut), and no traceback may reach the log.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tomllib
import zipfile
from contextlib import redirect_stdout
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop_app.cli import main
from desktop_app.paths import app_paths

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
MANIFEST = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))
CASES = MANIFEST["case"]
IST = ZoneInfo("Asia/Kolkata")
MAX_MESSAGE = 1200  # characters in one warning or source message (three listed cells, each cut)
MAX_JSON = 200_000  # the whole --json report, text and HTML included


# --- inputs too big or too binary to commit --------------------------------------------------


def _sales_rows(extra: str = "") -> str:
    return ("Order ID,Order Date,Customer,Amount,Status\n1001,2026-11-23,Patel,1500,paid\n"
            f"1002,2026-11-23,Shah,2500,paid\n1003,2026-11-24,Joshi{extra},1200,paid\n"
            "1004,2026-11-24,Mehta,2800,paid\n")


def _xlsx_bytes() -> bytes:
    return (FILES / "sales_base.xlsx").read_bytes()


MAKERS = {
    "nul_bytes_20mb": lambda: b"\x00" * 20_000_000,
    "random_bytes": lambda: bytes((i * 7919 + 13) % 256 for i in range(200_000)),
    "one_line_10mb": lambda: b"a" * 10_000_000 + b"\n",
    "header_cell_5mb": lambda: ("Order ID,Order Date," + "x" * 5_000_000 + ",Amount\n1,2026-11-24,y,100\n").encode(),
    "customer_cell_5mb": lambda: _sales_rows(extra="y" * 5_000_000).encode(),
    "amount_cell_5mb": lambda: ("Order ID,Order Date,Amount\n1,2026-11-24," + "9" * 5_000_000 + "\n").encode(),
    "png_named_csv": lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    "pdf_named_csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b"\x00\x01" * 500,
    "xlsx_named_csv": _xlsx_bytes,
    "xls_named_xlsx": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000,
    "truncated_xlsx": lambda: _xlsx_bytes()[: len(_xlsx_bytes()) // 2],
    "empty_xlsx": lambda: b"",
    "zip_without_workbook": lambda: _zip({"hello.txt": b"not a workbook"}),
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    return buffer.getvalue()


def _input(case: dict, folder: Path) -> Path:
    """The case's file (copied, so its modification time can be set), a folder, or a missing path."""
    make = case.get("make")
    target = folder / (case.get("name") or Path(case.get("file", "input.csv")).name)
    if make == "folder":
        target.mkdir()
        (target / "orders.csv").write_text(_sales_rows(), encoding="utf-8")
        return target
    if make == "missing":
        return target
    data = MAKERS[make]() if make else (FILES / case["file"]).read_bytes()
    target.write_bytes(data)
    saved = dt.datetime.fromisoformat(case.get("saved", f"{case['date']}T20:00")).replace(tzinfo=IST)
    os.utime(target, (saved.timestamp(), saved.timestamp()))
    return target


def _settings(case: dict, path: Path) -> str:
    lines = ["[business]", f'currency = "{case.get("currency", "INR")}"']
    if case.get("roster"):
        roster = path.parent / "roster.csv"
        roster.write_bytes((FILES / case["roster"]).read_bytes())
        lines += ["[attendance]", f"roster = {json.dumps(str(roster))}"]
    lines += ["[[sources]]", f'name = "{case["id"]}"', f'domain = "{case["domain"]}"',
              f"path = {json.dumps(str(path))}"]
    if case.get("format"):
        lines.append(f'format = "{case["format"]}"')
    if case.get("columns"):
        lines.append("[sources.columns]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in case["columns"].items()]
    if case.get("options"):
        lines.append("[sources.options]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in case["options"].items()]
    return "\n".join(lines) + "\n"


def generate(case: dict, tmp_path: Path) -> tuple[int, dict, str]:
    path = _input(case, tmp_path)
    paths = app_paths().ensure()
    paths.settings_file.write_text(_settings(case, path), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["generate", "--date", case["date"], "--json", "--offline", "--no-send"])
    text = out.getvalue()
    assert len(text) < MAX_JSON, f"the report is {len(text):,} characters"
    log = paths.logs / "app.log"
    return code, json.loads(text), log.read_text(encoding="utf-8") if log.exists() else ""


def _messages(report: dict) -> list[str]:
    return [*report["warnings"], *(s["message"] or "" for s in report["sources"])]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case: dict, tmp_path: Path) -> None:
    code, report, log = generate(case, tmp_path)
    assert code in (0, 3), f"exit code {code}"
    assert "Traceback" not in log, log[-3000:]
    messages = _messages(report)
    for message in messages:
        assert len(message) <= MAX_MESSAGE, f"a {len(message):,}-character message: {message[:300]}…"
    domain = case["domain"]
    if "fails" in case:
        assert report[domain] is None, f"{domain} should have failed, got {report[domain]}"
        assert code == 3
        assert any(case["fails"] in m for m in messages), f"no message contains {case['fails']!r}: {messages}"
        return
    result = report[domain]
    assert result is not None, f"{domain} failed: {messages}"
    expected = {key: case[key] for key in ("total", "orders", "count", "by_source", "present", "absent",
                                            "headcount") if key in case}
    got = {key: result[key] for key in expected}
    assert got == expected, messages
    if "warns" in case:
        assert any(case["warns"] in m for m in messages), f"no warning contains {case['warns']!r}: {messages}"


def test_the_corpus_is_large_and_covers_every_format_and_domain() -> None:
    assert len(CASES) >= 90
    assert len({c["id"] for c in CASES}) == len(CASES)
    suffixes = {Path(c.get("file") or c.get("name") or "x.csv").suffix for c in CASES}
    assert {".csv", ".json", ".xlsx"} <= suffixes
    assert {c["domain"] for c in CASES} == {"sales", "leads", "attendance"}
    committed = {c["file"] for c in CASES if "file" in c}
    on_disk = {str(p.relative_to(FILES)) for p in FILES.rglob("*") if p.is_file()}
    rosters = {c["roster"] for c in CASES if "roster" in c}
    assert on_disk - committed - rosters == set(), "files in tests/corpus/files/ that no case uses"
    for case in CASES:
        assert ("fails" in case) != any(k in case for k in ("total", "count", "present")), case["id"]

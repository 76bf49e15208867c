"""Every window and dialog of the app, opened one after another on the demo shop.

scripts/screenshots saves each to docs/screenshots/; the screen check (tests/desktop_app/ui/
test_screens_fit.py, through `python -m desktop_app.ui.gallery --check`) opens them on a 1366×768
screen at 100% and 125% and on 1280×720 and lists any button that is not on the screen.
Run it with a throw-away BUSINESS_ORCHESTRATOR_HOME and a keyring that stores nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabWidget, QWidget

DAY = dt.date(2026, 11, 24)  # fixed, so the pictures only change when the UI does


def settle(seconds: float = 0.3) -> None:
    """Let background work (keyring status, source preview) finish and repaint."""
    from .worker import pool

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pool().waitForDone(50)
        QCoreApplication.processEvents()


def windows() -> Iterator[tuple[str, QWidget]]:
    """(name, shown window) for every screen of the app; each is current until the next is yielded."""
    from ..demo import prepare_demo
    from ..paths import app_paths
    from ..settings import load_settings
    from . import jobs
    from .settings_dialog import SettingsDialog
    from .settings_recovery import BrokenSettingsDialog
    from .settings_tabs.sources import SourceEditor
    from .summary import SummaryWindow
    from .worker import TaskContext

    paths = app_paths().ensure()
    settings = load_settings(paths.settings_file)
    workspace = jobs.Workspace(settings, paths, demo=True)
    view = jobs.generate(TaskContext(report=lambda step: None), workspace, DAY).view
    view.today = DAY

    window = SummaryWindow()
    window.hide_on_close = False
    window.show_view(view)
    window.show()
    settle()
    yield "summary", window

    size = window.size()
    from .window_fit import FRAME_ALLOWANCE, available_area

    # the narrow window the issue asked for (nothing cut, nothing overlapping), or less on a smaller screen
    window.resize(QSize(800, 600).boundedTo(available_area(window).size() - FRAME_ALLOWANCE))
    settle()
    yield "summary-800x600", window
    window.resize(size)

    from .app import DEMO_ACTION, DEMO_BANNER

    window.set_banner(DEMO_BANNER, DEMO_ACTION)
    window.set_pending("<b>Ready to send</b>: the report for Tue 24 Nov to @shop_owner; it goes out by itself "
                       "at 19:30.")
    settle()
    yield "summary-first-run", window
    window.set_banner(None)
    window.set_pending(None)

    window.set_busy(True)
    for step in ("Reading Demo sales (billing export)…", "Reading Demo leads (CRM export)…", "Computing KPIs…",
                 "Writing insights…"):
        window.add_step(step)
    settle()
    yield "summary-generating", window
    window.set_busy(False)

    window.show_view(head_office_view())
    settle()
    yield "summary-whole-business", window
    window.branch_selector.choose("Maninagar")
    settle()
    yield "summary-branch", window
    window.branch_selector.choose(None)
    window.close()

    demo_settings, store = prepare_demo(paths, settings, DAY)
    demo_settings = demo_settings.model_copy(update={"insights": demo_settings.insights.model_copy(
        update={"provider": "ollama", "base_url": "http://localhost:11434/v1", "model": "llama3.1:8b"})})
    dialog = SettingsDialog(demo_settings, paths, history_path=store.path)
    dialog.show()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        settle()
        yield f"settings-{dialog.tabs.tabText(index).replace('&', '').lower()}", dialog

    with_bot = demo_settings.model_copy(deep=True)
    with_bot.telegram.enabled, with_bot.telegram.destinations = True, ["@shop_owner"]
    with_bot.bot.enabled, with_bot.bot.allowed_chats = True, [123456789]
    paired = SettingsDialog(with_bot, paths, history_path=store.path)
    paired.show()
    paired.show_tab("telegram")
    paired.telegram.bot.show_code()
    paired.telegram.bot.watch.stop()
    settle()
    scroll = paired.telegram.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    if scroll is not None:
        scroll.ensureWidgetVisible(paired.telegram.bot.pair_button, 50, 150)
    settle()
    yield "settings-telegram-bot", paired
    paired.close()

    shown: list = []
    dialog.insights.preview_shown.connect(shown.append)
    dialog.tabs.setCurrentWidget(dialog.insights)
    dialog.insights.show_preview()
    settle(1.0)
    if shown:
        shown[0].findChild(QTabWidget).setCurrentIndex(1)
        settle()
        yield "settings-prompt-preview", shown[0]
        shown[0].close()

    editor = SourceEditor(demo_settings.sources[0])
    editor.show()
    settle(1.0)
    yield "settings-source-editor", editor
    editor.close()
    dialog.close()

    example = paths.config / "unreadable-example"  # never the real settings.toml
    example.mkdir(exist_ok=True)
    broken = example / "settings.toml"
    (example / "settings.toml.bak").write_text('[business]\nname = "Shree Ganesh Traders"\n', encoding="utf-8")
    broken.write_text('[business]\nname = "Shree Ganesh Traders\n', encoding="utf-8")
    error = (f"{broken}: not valid TOML: Control characters (codes less than 0x1f and 0x7f) are not allowed in "
             "strings, use \\u000a instead at line 2 col 34")
    recovery = BrokenSettingsDialog(broken, error)
    recovery.show()
    settle()
    yield "settings-unreadable", recovery
    recovery.close()


def head_office_view():
    """A head office's day: three branches (one has not reported yet), with 30 days of whole-business trend."""
    from ..consolidated import consolidate
    from ..pipeline import finish_report
    from ..report import AttendanceKpis, LeadsKpis, Report, SalesKpis
    from .jobs import DayView

    shops = {"Naroda": (92_000, 31, 14), "Maninagar": (61_500, 22, 9), "Vastral": (38_200, 15, 5)}
    reports: dict[str, dict[dt.date, Report]] = {name: {} for name in shops}
    for back in range(36):
        day = DAY - dt.timedelta(days=back)
        for index, (name, (sales, orders, leads)) in enumerate(shops.items()):
            if name == "Vastral" and back == 0:
                continue  # not reported yet
            swing = 1 + 0.15 * ((day.toordinal() * (index + 2)) % 5 - 2) / 2
            total = round(sales * swing + 0.35 * index, 2)
            count = max(1, round(orders * swing))
            present = 12 - (day.toordinal() * (index + 1)) % 4
            reports[name][day] = Report(
                date=day, currency="INR", business="Shree Ganesh Traders", locale="en_IN",
                sales=SalesKpis(total=total, orders=count, avg_order=round(total / count, 2)),
                leads=LeadsKpis(count=round(leads * swing), by_source={"IndiaMART": round(leads * swing)}),
                attendance=AttendanceKpis(headcount=12, present=present, absent=12 - present,
                                          rate_pct=round(present / 12 * 100, 1)),
                generated_at=dt.datetime.combine(day, dt.time(19, 5), dt.UTC))
    days = [consolidate(reports, DAY - dt.timedelta(days=back)) for back in range(30)]
    for report in days:
        report.generated_at = dt.datetime.combine(report.date, dt.time(19, 30), dt.UTC)
        finish_report(report, offline=True)
    return DayView(day=DAY, report=days[0], trend=days[::-1], today=DAY,
                   report_days=frozenset(report.date for report in days))


def outside(window: QWidget, screen: QRect) -> list[str]:
    """Every visible button of `window` that is not wholly on `screen` (as "window: button text")."""
    problems = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not button.isVisible():
            continue
        area = _scroll_area(button)
        shown = area if area is not None else button  # in a scroll area: the area must be on screen, then scroll
        rect = QRect(shown.mapToGlobal(shown.rect().topLeft()), shown.size())
        clipped = area is None and button.visibleRegion().boundingRect().size() != button.size()
        if not screen.contains(rect) or clipped:
            name = button.text().replace("&", "") or button.accessibleName() or button.objectName() or "a button"
            problems.append(f"{window.windowTitle()}: '{name}' at {rect.getCoords()} (screen {screen.getCoords()})")
    return problems


def _scroll_area(widget: QWidget) -> QWidget | None:
    """The outermost scroll area around `widget`: buttons in it may be scrolled out of view, the owner
    scrolls to them."""
    from PySide6.QtWidgets import QAbstractScrollArea

    found, parent = None, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            found = parent
        parent = parent.parentWidget()
    return found


def screen_env(width: int, height: int, scale: float, folder: Path) -> dict[str, str]:
    """Environment for a child process whose (offscreen) screen is width×height at `scale` (1.25 = 125%)."""
    import os

    config = folder / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{"name": f"{width}x{height}", "x": 0, "y": 0, "width": width,
                                               "height": height, "logicalDpiX": 96, "logicalDpiY": 96,
                                               "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=f"{scale:g}",
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env.pop("QT_SCREEN_SCALE_FACTORS", None)
    return env


def check() -> tuple[int, list[str]]:
    """Open every window on this screen: how many, and the problems found (none = every button is on the screen)."""
    from .window_fit import FRAME_ALLOWANCE, available_area

    problems: list[str] = []
    count = 0
    for name, window in windows():
        count += 1
        usable = available_area(window)
        if window.height() + FRAME_ALLOWANCE.height() > usable.height() or window.width() > usable.width():
            problems.append(f"{name}: the window is {window.width()}×{window.height()} on a "
                            f"{usable.width()}×{usable.height()} screen")
        problems += [f"{name}: {problem}" for problem in outside(window, usable)]
    return count, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="print the buttons not on the screen, as JSON")
    parser.add_argument("--save", type=Path, metavar="FOLDER", help="save every window as FOLDER/<name>.png")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Business Orchestrator")
    from .fonts import load_bundled_fonts

    load_bundled_fonts()
    if args.check:
        count, problems = check()
        print(json.dumps({"screen": app.primaryScreen().availableGeometry().getCoords(),
                          "scale": app.primaryScreen().devicePixelRatio(), "windows": count, "problems": problems}))
        return 0
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, window in windows():
            path = args.save / f"{name}.png"
            window.grab().save(str(path))
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

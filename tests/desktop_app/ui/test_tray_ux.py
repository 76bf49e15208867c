"""Issue 16 through the running app: Generate for the day on screen, the first run, a settings file that
does not read, the banner's links. Each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import threading

from desktop_app.history import HistoryStore
from desktop_app.settings import Settings, load_settings, save_settings
from desktop_app.ui import jobs

from .conftest import GENERATION_TIMEOUT_MS


def test_generate_makes_the_report_for_the_day_on_screen(qtbot, tray_app, paths):
    past = jobs.today(tray_app.settings) - dt.timedelta(days=3)
    with qtbot.waitSignal(tray_app.view_loaded, timeout=10_000, check_params_cb=lambda view: view.day == past):
        tray_app.show_day(past)
    assert tray_app.summary.generate_button.text().replace("&", "") == f"Generate for {past:%a} {past.day} {past:%b}"
    with qtbot.waitSignal(tray_app.report_ready, timeout=GENERATION_TIMEOUT_MS) as blocker:
        tray_app.summary.generate_button.click()
    view = blocker.args[0]
    assert view.day == past and view.report.date == past
    assert tray_app.summary.day == past  # the window stays on the day it was showing
    assert HistoryStore(paths.demo_workspace / "history.sqlite3").get(past) is not None


def test_a_view_asked_for_earlier_never_replaces_the_day_on_screen(qtbot, tray_app, monkeypatch):
    """The start-up's view of today can finish after the past day the owner clicked to (it failed once so)."""
    release, slow_done = threading.Event(), threading.Event()
    load_day = jobs.load_day

    def slow_for_today(ctx, workspace, day):
        if day is not None:
            return load_day(ctx, workspace, day)
        release.wait(10)
        try:
            return load_day(ctx, workspace, day)
        finally:
            slow_done.set()

    monkeypatch.setattr(jobs, "load_day", slow_for_today)
    past = jobs.today(tray_app.settings) - dt.timedelta(days=3)
    tray_app.show_day(None)
    with qtbot.waitSignal(tray_app.view_loaded, timeout=10_000, check_params_cb=lambda view: view.day == past):
        tray_app.show_day(past)
    release.set()
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)  # the late view's signal has reached the GUI thread by now
    assert tray_app.summary.day == past


def test_f5_generates_the_day_on_screen(qtbot, tray_app):
    past = jobs.today(tray_app.settings) - dt.timedelta(days=2)
    with qtbot.waitSignal(tray_app.view_loaded, timeout=10_000, check_params_cb=lambda view: view.day == past):
        tray_app.show_day(past)
    with qtbot.waitSignal(tray_app.report_ready, timeout=GENERATION_TIMEOUT_MS) as blocker:
        tray_app.summary.shortcuts["generate"].activated.emit()
    assert blocker.args[0].report.date == past


def test_first_run_opens_the_window_on_a_demo_report_made_at_start(qtbot, make_app):
    app = make_app(welcome=True)  # as run_gui starts it: a tray, no sources yet
    assert app.summary.isVisible()
    with qtbot.waitSignal(app.report_ready, timeout=GENERATION_TIMEOUT_MS) as blocker:
        pass
    assert blocker.args[0].report.demo
    assert app.summary.cards["sales"].isVisible()
    assert app.summary.banner_frame.isVisible()
    assert app.summary.banner_button.text().replace("&", "") == "Add your own data…"


def test_add_your_own_data_opens_the_source_editor(qtbot, tray_app, monkeypatch):
    from desktop_app.ui.settings_tabs.sources import SourcesTab

    opened = []
    monkeypatch.setattr(SourcesTab, "add_source", lambda tab: opened.append(tab))
    tray_app.summary.banner_button.click()
    dialog = tray_app.settings_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentWidget() is dialog.sources
    assert opened == [dialog.sources]
    dialog.reject()


def test_the_banner_link_opens_settings_on_the_sources_tab(qtbot, tray_app):
    tray_app.summary.banner.linkActivated.emit("settings:sources")
    dialog = tray_app.settings_dialog
    assert dialog.tabs.currentWidget() is dialog.sources
    dialog.reject()


def test_a_configured_owner_starts_quietly_in_the_tray(qtbot, make_app, paths, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Invoice No,Invoice Date,Amount\nA1,2026-11-20,100\n", encoding="utf-8")
    settings = Settings.model_validate({"sources": [{"name": "Shop", "domain": "sales", "path": str(orders)}]})
    save_settings(settings, paths.settings_file)
    app = make_app(demo=False, welcome=True)
    assert not app.workspace.demo
    assert not app.summary.isVisible() and not app.busy


def test_a_broken_settings_file_opens_a_dialog_that_can_restore_the_last_good_copy(qtbot, make_app, paths):
    good = Settings.model_validate({"business": {"name": "Shree Ganesh Traders"}})
    save_settings(good, paths.settings_file)
    save_settings(good, paths.settings_file)  # the .bak is now a good copy too
    broken = '[business]\nname = "Shree Ganesh Traders\n'  # a quote never closed
    paths.settings_file.write_text(broken, encoding="utf-8")
    app = make_app()
    dialog = app.settings_recovery
    assert dialog is not None and dialog.isVisible()
    assert "line 2 of settings.toml" in dialog.text()
    assert "\\u000a" not in dialog.text() and "TOML" not in dialog.text()
    assert "line 2 of settings.toml" in app.summary.error_label.text()
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(app.settings_applied, timeout=10_000):
        dialog.restore_button.click()
    assert app.settings.business.name == "Shree Ganesh Traders"
    assert load_settings(paths.settings_file).business.name == "Shree Ganesh Traders"
    assert (paths.config / "settings.toml.broken").read_text(encoding="utf-8") == broken  # nothing lost
    assert not app.summary.error_label.isVisible()

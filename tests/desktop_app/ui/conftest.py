"""Qt tests run offscreen. `tray_app` is the real app on the demo workspace, started and ready."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from desktop_app.paths import app_paths

GENERATION_TIMEOUT_MS = 120_000  # a cold first run reads 60 days of demo files on a slow CI machine


@pytest.fixture(autouse=True)
def main_thread_gc(qapp):
    """As in the app: the cyclic collector runs on the GUI thread only (see desktop_app.ui.gc_guard)."""
    from desktop_app.ui.gc_guard import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector()
    yield collector
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def paths(app_home):
    return app_paths().ensure()


@pytest.fixture
def make_app(qtbot, paths):
    """Build a TrayApp (tray or not, demo or not), start it and wait until it is ready."""
    from desktop_app.ui.app import TrayApp

    made = []

    def make(*, use_tray: bool = True, demo: bool = True, **options) -> TrayApp:
        app = TrayApp(paths, demo=demo, use_tray=use_tray, **options)
        made.append(app)
        with qtbot.waitSignal(app.ready, timeout=30_000):
            app.start()
        return app

    yield make
    for app in made:
        app.shutdown()
        app.summary.hide_on_close = False
        app.summary.close()
        if app.settings_dialog is not None:
            app.settings_dialog.deleteLater()
        app.summary.deleteLater()
        app.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def tray_app(make_app):
    return make_app()

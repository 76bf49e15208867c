"""Issue 16 item 1: windows fit small screens (scrolling content, small minimum sizes) and reopen where
the owner left them. The full check on 1366×768 at 100% and 125% and 1280×720 is test_screens_fit.py."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_app.settings import Settings
from desktop_app.ui.page_tabs import PageTabs
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_tabs.sources import SourceEditor
from desktop_app.ui.summary import SummaryWindow
from desktop_app.ui.window_fit import available_area, fit_window

SMALLEST = QSize(1093, 574 - 40)  # 1366×768 at 125%, less a task bar and a title bar


def test_minimum_sizes_fit_the_smallest_screen(qtbot, paths):
    summary, dialog, editor = SummaryWindow(), SettingsDialog(Settings(), paths), SourceEditor(None)
    for window in (summary, dialog, editor):
        qtbot.addWidget(window)
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert hint.width() <= SMALLEST.width() and hint.height() <= SMALLEST.height(), (window, hint)


def test_every_settings_page_scrolls_and_a_new_tab_does_too(qtbot, paths):
    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)
    for index in range(dialog.tabs.count()):
        page = dialog.tabs.widget(index)
        assert isinstance(QTabs_wrapper(dialog.tabs, index), QScrollArea), page
    extra = QWidget()
    QVBoxLayout(extra).addWidget(QLabel("A tab another branch adds"))
    dialog.tabs.addTab(extra, "Channels")
    assert isinstance(QTabs_wrapper(dialog.tabs, dialog.tabs.count() - 1), QScrollArea)
    dialog.tabs.setCurrentWidget(extra)
    assert dialog.tabs.currentWidget() is extra
    assert "&" in dialog.tabs.tabText(dialog.tabs.count() - 1)


def QTabs_wrapper(tabs: PageTabs, index: int):
    return super(PageTabs, tabs).widget(index)


def test_a_window_reopens_at_its_size_and_place(qtbot):
    first = QWidget()
    qtbot.addWidget(first)
    fit_window(first, "example", QSize(500, 400))
    first.show()
    first.resize(430, 330)
    first.move(37, 41)
    first.close()
    again = QWidget()
    qtbot.addWidget(again)
    fit_window(again, "example", QSize(500, 400))
    again.show()
    assert again.size() == QSize(430, 330)
    assert (again.x(), again.y()) == (37, 41)


def test_a_remembered_size_larger_than_the_screen_is_shrunk(qtbot):
    first = QWidget()
    qtbot.addWidget(first)
    fit_window(first, "big", QSize(500, 400))
    first.show()
    first.resize(3000, 2500)
    first.close()
    again = QWidget()
    qtbot.addWidget(again)
    fit_window(again, "big", QSize(500, 400))
    again.show()
    area = available_area(again)
    assert again.width() <= area.width() and again.height() <= area.height()
    assert area.contains(again.geometry().topLeft())


def test_the_first_opening_is_centred_at_the_preferred_size(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    fit_window(window, "fresh", QSize(400, 300))
    window.show()
    area = available_area(window)
    assert window.size() == QSize(400, 300)
    assert abs(window.geometry().center().x() - area.center().x()) <= 2


def test_quitting_with_the_window_open_remembers_it(qtbot, qapp):
    first = QWidget()
    qtbot.addWidget(first)
    fit_window(first, "quit", QSize(500, 400))
    first.show()
    first.resize(470, 310)
    qapp.aboutToQuit.emit()  # Quit from the tray: the window is never hidden
    again = QWidget()
    qtbot.addWidget(again)
    fit_window(again, "quit", QSize(500, 400))
    again.show()
    assert again.size() == QSize(470, 310)

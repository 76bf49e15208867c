"""Issue 16 item 10: no Tab traps, Alt+letter on every button and tab, the app works without a mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton

from desktop_app.settings import Settings
from desktop_app.ui.mnemonics import marked_letter
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.summary import SummaryWindow


@pytest.fixture
def dialog(qtbot, paths):
    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_tab_leaves_the_send_to_box(dialog):
    dialog.tabs.setCurrentWidget(dialog.telegram)
    box = dialog.telegram.form.editors["destinations"].edit
    box.setFocus()
    box.setPlainText("me")
    QTest.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "me" and not box.hasFocus()


def test_tab_leaves_the_prompt_editor(dialog):
    dialog.tabs.setCurrentWidget(dialog.insights)
    editor = dialog.insights.template_edit
    editor.setFocus()
    before = editor.toPlainText()
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == before and not editor.hasFocus()


def test_every_tab_has_its_own_alt_letter(dialog):
    letters = [marked_letter(dialog.tabs.tabText(i)) for i in range(dialog.tabs.count())]
    assert None not in letters and len(set(letters)) == len(letters)


def test_alt_letter_switches_tab(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    index = dialog.tabs.indexOf(dialog.schedule)
    letter = marked_letter(dialog.tabs.tabText(index))
    QTest.keyClick(dialog, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.schedule


def test_the_dialog_buttons_and_fields_have_alt_letters_without_clashes(dialog):
    for page in dialog.pages:
        taken: dict[str, str] = {}
        labels = [label for label in page.findChildren(QLabel) if label.buddy() is not None]
        for button in [*page.findChildren(QAbstractButton), *labels]:
            if isinstance(button, QToolButton) or not button.text():
                continue
            letter = marked_letter(button.text())
            if letter is None:
                continue
            assert letter not in taken, f"{button.text()} and {taken[letter]} share Alt+{letter}"
            taken[letter] = button.text()
        assert taken, page.title


def test_summary_buttons_have_alt_letters(qtbot):
    window = SummaryWindow()
    qtbot.addWidget(window)
    for button in (window.settings_button, window.copy_button, window.send_button, window.generate_button,
                   window.pending_send, window.pending_edit, window.pending_skip, window.cancel_button):
        assert marked_letter(button.text()), button.text()
    letters = [marked_letter(b.text()) for b in (window.settings_button, window.copy_button, window.send_button,
                                                   window.generate_button)]
    assert len(set(letters)) == len(letters)


def test_the_window_can_be_worked_with_tab_alone(qtbot):
    """Tab reaches the date, the arrows' replacement keys and every bottom button; none traps the focus."""
    window = SummaryWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.date_edit.setFocus()
    seen = set()
    for _ in range(30):
        seen.add(window.focusWidget())
        QTest.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    for widget in (window.settings_button, window.copy_button, window.generate_button):
        if widget.isEnabled():
            assert widget in seen, widget.text()

"""Settings edited in the dialog round-trip through settings.toml; secrets reach only the keyring."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTime

from desktop_app.demo import demo_specs, prepare_demo
from desktop_app.insights.prompts import default_template, load_template, owner_path
from desktop_app.secrets import SERVICE, Secret
from desktop_app.settings import Settings, load_settings, save_settings
from desktop_app.ui import jobs
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_tabs.sources import SourceEditor
from desktop_app.ui.worker import TaskContext

DAY = dt.date(2026, 11, 24)


@pytest.fixture
def dialog(qtbot, paths):
    save_settings(Settings(), paths.settings_file)
    window = SettingsDialog(load_settings(paths.settings_file), paths)
    qtbot.addWidget(window)
    window.show()
    fields = [window.insights.api_key, *window.telegram.secrets.values()]
    qtbot.waitUntil(lambda: all("Checking" not in f.status.text() for f in fields), timeout=5000)
    return window


def test_edits_round_trip_through_settings_toml(qtbot, dialog, paths, memory_keyring):
    business = dialog.business.business.editors
    business["name"].setText("Shree Ganesh Traders")
    business["timezone"].set_value("Asia/Dubai")
    business["open_weekdays"].buttons["sat"].click()  # now closed on Saturdays
    business["holidays"].add(dt.date(2026, 11, 8))
    dialog.business.business.editors["language"].set_value("Gujarati")
    schedule = dialog.schedule.form.editors
    schedule["time"].setTime(QTime(20, 30))
    schedule["weekdays"].buttons["sun"].click()
    schedule["send"].set_value("preview")
    schedule["preview_minutes"].setValue(45)
    telegram = dialog.telegram
    telegram.form.editors["enabled"].setChecked(True)
    telegram.form.editors["destinations"].edit.setPlainText("me\n@shop_owner\n")
    telegram.secrets[Secret.TELEGRAM_BOT_TOKEN].edit.setText("123456:AAE-typed-in-the-dialog")
    dialog.insights.form.editors["provider"].set_value("ollama")
    dialog.insights.form.editors["model"].setText("llama3.1:8b")
    dialog.insights.api_key.edit.setText("sk-typed-key")

    with qtbot.waitSignal(dialog.secrets_saved, timeout=5000) as saved:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert saved.args == [[]]
    assert not dialog.isVisible()

    reread = load_settings(paths.settings_file)
    assert reread.business.name == "Shree Ganesh Traders"
    assert reread.business.timezone == "Asia/Dubai"
    assert reread.business.open_weekdays == ["mon", "tue", "wed", "thu", "fri"]
    assert reread.business.holidays == [dt.date(2026, 11, 8)]
    assert reread.insights.language == "Gujarati"
    assert (reread.schedule.time, reread.schedule.send, reread.schedule.preview_minutes) == ("20:30", "preview", 45)
    assert "sun" not in reread.schedule.weekdays
    assert reread.telegram.enabled and reread.telegram.destinations == ["me", "@shop_owner"]
    assert (reread.insights.provider, reread.insights.model) == ("ollama", "llama3.1:8b")
    text = paths.settings_file.read_text(encoding="utf-8")
    assert "typed-in-the-dialog" not in text and "sk-typed-key" not in text
    assert memory_keyring.store[(SERVICE, Secret.TELEGRAM_BOT_TOKEN.value)] == "123456:AAE-typed-in-the-dialog"
    assert memory_keyring.store[(SERVICE, Secret.LLM_API_KEY.value)] == "sk-typed-key"

    # ...and back: a new dialog shows what the file says.
    again = SettingsDialog(reread, paths)
    qtbot.addWidget(again)
    assert again.business.business.editors["name"].value() == "Shree Ganesh Traders"
    assert again.schedule.form.editors["time"].value() == "20:30"
    assert again.telegram.form.editors["destinations"].value() == ["me", "@shop_owner"]
    assert again.collect()["business"] == reread.business.model_dump()


def test_cancel_discards(qtbot, dialog, paths):
    before = paths.settings_file.read_text(encoding="utf-8")
    dialog.business.business.editors["name"].setText("Never saved")
    dialog.reject()
    assert paths.settings_file.read_text(encoding="utf-8") == before


def test_invalid_value_keeps_the_dialog_open_on_its_tab(qtbot, dialog, paths):
    before = paths.settings_file.read_text(encoding="utf-8")
    dialog.tabs.setCurrentWidget(dialog.schedule)
    dialog.business.business.editors["timezone"].set_value("Mars/Olympus_Mons")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is dialog.business
    assert "Time zone (Business tab)" in dialog.error.text() and "Mars/Olympus_Mons" in dialog.error.text()
    assert "business.timezone" not in dialog.error.text()  # the window speaks of its fields, not of file keys
    assert paths.settings_file.read_text(encoding="utf-8") == before


def test_remove_a_secret(qtbot, paths, memory_keyring):
    memory_keyring.store[(SERVICE, Secret.LLM_API_KEY.value)] = "sk-old"
    window = SettingsDialog(Settings(), paths)
    qtbot.addWidget(window)
    window.insights.form.editors["provider"].set_value("openai")
    qtbot.waitUntil(lambda: window.insights.api_key.remove_button.isEnabled(), timeout=5000)
    assert "Stored in the OS keyring" in window.insights.api_key.status.text()
    window.insights.api_key.remove_button.click()
    with qtbot.waitSignal(window.secrets_saved, timeout=5000):
        window.accept()
    assert (SERVICE, Secret.LLM_API_KEY.value) not in memory_keyring.store


def test_sources_tab_edits_the_list(qtbot, dialog, paths):
    demo_settings, _store = prepare_demo(paths, Settings(), DAY)
    tab = dialog.sources
    tab.sources = [s.model_copy() for s in demo_settings.sources]
    tab._refresh()
    assert tab.table.rowCount() == 3
    tab.table.selectRow(1)
    tab.remove_selected()
    assert [s.domain for s in tab.sources] == ["sales", "attendance"]
    dialog.accept()
    assert [s.name for s in load_settings(paths.settings_file).sources] == [
        "Demo sales (billing export)", "Demo attendance (register)"]


def test_source_editor_previews_the_file_as_read(qtbot, paths):
    prepare_demo(paths, Settings(), DAY)
    source = demo_specs(paths.demo_workspace)[0]
    editor = SourceEditor(None)
    qtbot.addWidget(editor)
    editor.show()
    with qtbot.waitSignal(editor.preview_done, timeout=10_000) as done:
        editor.path.setText(source.path)
    assert done.args == [True]
    assert "Recognised as" in editor.recognised.text()
    headers = [editor.parsed_table.horizontalHeaderItem(i).text() for i in range(editor.parsed_table.columnCount())]
    assert {"order_id", "ordered_at", "amount"} <= set(headers)
    raw = [editor.raw_table.horizontalHeaderItem(i).text() for i in range(editor.raw_table.columnCount())]
    assert raw[:2] == ["Invoice No", "Invoice Date"]
    assert editor.mapping["amount"].findText("Amount") > 0  # the file's columns are offered for mapping
    with qtbot.waitSignal(editor.preview_done, timeout=10_000) as done:
        editor.path.setText(str(paths.demo_workspace / "missing.csv"))
    assert done.args == [False] and "file not found" in editor.recognised.text()


def test_prompt_preview_renders_the_latest_report(qtbot, paths):
    _settings, store = prepare_demo(paths, Settings(), DAY)
    jobs.generate(TaskContext(report=lambda step: None), jobs.Workspace(Settings(), paths, demo=True), DAY)
    window = SettingsDialog(Settings(), paths, history_path=store.path)
    qtbot.addWidget(window)
    tab = window.insights
    tab.template_choice.setCurrentIndex(tab.template_choice.findData("user"))
    tab.template_edit.setPlainText("Numbers for {{ business }} on {{ weekday }}: {{ payload_json }}")
    with qtbot.waitSignal(tab.preview_shown, timeout=10_000) as shown:
        tab.preview_button.click()
    preview = shown.args[0]
    user = preview.texts["User"].toPlainText()
    assert user.startswith("Numbers for Shree Ganesh Traders (demo) on Tuesday: {")
    assert '"sales"' in user
    assert '"date": "2026-11-24"' in preview.texts["Payload (JSON)"].toPlainText()
    assert not owner_path(paths, "user").exists()  # previewing never saves


def test_prompt_template_saved_and_reset(qtbot, paths):
    window = SettingsDialog(Settings(), paths)
    qtbot.addWidget(window)
    tab = window.insights
    tab.template_choice.setCurrentIndex(tab.template_choice.findData("system"))
    tab.template_edit.setPlainText("You write short notes for {{ business }}.")
    with qtbot.waitSignal(window.prompt_checked, timeout=10_000):
        window.accept()
    assert load_template(paths, "system") == "You write short notes for {{ business }}."
    again = SettingsDialog(Settings(), paths)
    qtbot.addWidget(again)
    again.insights.template_choice.setCurrentIndex(again.insights.template_choice.findData("system"))
    assert again.insights.template_state.text() == "edited by you"
    again.insights.reset_button.click()
    with qtbot.waitSignal(again.prompt_checked, timeout=10_000):
        again.accept()
    assert load_template(paths, "system") == default_template("system")
    assert owner_path(paths, "system").with_name("system.txt.bak").exists()  # the owner's text is kept


def test_a_broken_template_is_not_saved(qtbot, paths):
    window = SettingsDialog(Settings(), paths)
    qtbot.addWidget(window)
    window.show()
    window.insights.template_edit.setPlainText("{{ business ")
    with qtbot.waitSignal(window.prompt_checked, timeout=10_000):
        window.accept()
    assert window.isVisible() and "prompt" in window.error.text()
    assert window.tabs.currentWidget() is window.insights


def test_a_slow_template_is_checked_off_the_gui_thread(qtbot, paths):
    """Loops inside loops over the payload take the whole render budget: the dialog stays responsive."""
    import time

    loops = ("{% for a in payload_json %}{% for b in payload_json %}{% for c in payload_json %}"
             "{% endfor %}{% endfor %}{% endfor %}")
    window = SettingsDialog(Settings(), paths)
    qtbot.addWidget(window)
    window.show()
    window.insights.template_edit.setPlainText(loops)
    started = time.monotonic()
    with qtbot.waitSignal(window.prompt_checked, timeout=10_000) as checked:
        window.accept()
        assert time.monotonic() - started < 0.5  # accept() returned at once
        assert not window.buttons.isEnabled()  # no second OK while the check runs
    assert "took longer than 2 s" in checked.args[0][0]
    assert window.isVisible() and window.buttons.isEnabled()
    assert not owner_path(paths, "user").exists() and not owner_path(paths, "system").exists()

def test_source_editor_on_a_tally_day_book_shows_counted_and_left_out_voucher_types(qtbot):
    from pathlib import Path

    day_book = Path(__file__).parents[2] / "connectors" / "data" / "tally" / "cubix_day_book_2022-05-09.xlsx"
    editor = SourceEditor(None)
    qtbot.addWidget(editor)
    editor.show()
    with qtbot.waitSignal(editor.preview_done, timeout=20_000) as done:
        editor.path.setText(str(day_book))
    assert done.args == [True]
    assert "Tally" in editor.recognised.text()
    notes = editor.notes.text()
    assert "Counted as sales (₹): Sales ×29 6,72,643.65; Bhosari Sales ×1 1,888.00" in notes
    assert "Not sales, left out: Sales Order ×29 22,65,403.18" in notes
    assert editor.register.sales_types.isVisibleTo(editor) and editor.register.gst.isVisibleTo(editor)
    with qtbot.waitSignal(editor.preview_done, timeout=20_000):
        editor.register.sales_types.setText("Bhosari Sales")
    assert "Counted as sales (₹): Bhosari Sales ×1 1,888.00" in editor.notes.text()
    assert "Sales ×29" in editor.notes.text().split("Not sales, left out:")[1]
    with qtbot.waitSignal(editor.preview_done, timeout=20_000):
        editor.register.filter_column.setCurrentText("Vch Type")
        editor.register.filter_values.setText("Bhosari Sales, Credit Note")
    source = editor.source()
    assert source.options["sales_voucher_types"] == ["Bhosari Sales"]
    assert source.filter == {"Vch Type": ["Bhosari Sales", "Credit Note"]}
    assert "Sales Order" not in editor.notes.text()  # filtered out before the types are counted
    again = SourceEditor(source)
    qtbot.addWidget(again)
    assert again.source().options == source.options and again.source().filter == source.filter


def test_source_editor_for_tally_live_offers_voucher_types_and_gst(qtbot):
    from desktop_app.settings import SourceSettings

    source = SourceSettings(name="Tally", domain="sales", kind="tally", url="http://localhost:9000",
                            options={"gst": "taxable", "sales_voucher_types": ["Sales", "GST Supply"]})
    editor = SourceEditor(source)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.register.isVisibleTo(editor) and editor.register.gst.isVisibleTo(editor)
    assert not editor.mapping_group.isVisibleTo(editor)
    again = editor.source()
    assert again.kind == "tally" and again.options["gst"] == "taxable"
    assert again.options["sales_voucher_types"] == ["Sales", "GST Supply"]


def test_a_branch_and_its_shared_history_are_set_in_the_business_tab(qtbot, dialog, paths, memory_keyring):
    editors = dialog.business.business.editors
    editors["branch"].setText("Naroda")
    editors["url"].setText("postgresql://branch_naroda@192.168.1.10/business")
    editors["tls"].set_value("require")
    dialog.business.history_password.edit.setText("naroda-typed-password")
    with qtbot.waitSignal(dialog.secrets_saved, timeout=5000) as saved:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert saved.args == [[]]
    reread = load_settings(paths.settings_file)
    assert reread.business.branch == "Naroda"
    assert (reread.history.url, reread.history.tls) == ("postgresql://branch_naroda@192.168.1.10/business", "require")
    assert "naroda-typed-password" not in paths.settings_file.read_text(encoding="utf-8")
    assert memory_keyring.store[(SERVICE, Secret.HISTORY_DB_PASSWORD.value)] == "naroda-typed-password"


def test_a_shared_history_url_with_a_password_is_refused_in_the_dialog(qtbot, dialog, paths):
    before = paths.settings_file.read_text(encoding="utf-8")
    dialog.tabs.setCurrentWidget(dialog.schedule)
    dialog.business.business.editors["url"].setText("postgresql://branch_naroda:hunter2@server/business")
    dialog.accept()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is dialog.business
    assert "Shared history URL (Business tab): remove the password from the URL" in dialog.error.text()
    assert paths.settings_file.read_text(encoding="utf-8") == before

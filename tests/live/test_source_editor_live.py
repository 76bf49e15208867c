"""The source editor's service kinds: fields, Connect / Test and the backfill off the GUI thread."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import time_machine

from desktop_app.secrets import get_source_secret, set_source_secret
from desktop_app.settings import SourceSettings
from tests.live.conftest import NOW, ist
from tests.live.servers import ShopifyServer, shopify_order


@pytest.fixture
def shop():
    """The editor asks for the days up to its own clock: that clock is set to NOW (and runs on from there)."""
    import datetime as dt

    with time_machine.travel(NOW, tick=True):
        server = ShopifyServer([shopify_order(i, NOW - dt.timedelta(hours=2 * i), 100.0 + i) for i in range(30)]
                               + [shopify_order(99, ist(1, 10), 5.0)])  # 23 days back: only the 60-day backfill
        yield server
        server.close()


@pytest.fixture
def editor_for(qtbot):
    from desktop_app.ui.settings_tabs.sources import SourceEditor

    def make(source):
        editor = SourceEditor(source)
        qtbot.addWidget(editor)
        editor.show()
        return editor

    return make


def test_kind_shows_the_services_fields_and_connect_previews(qtbot, editor_for, shop, memory_keyring):
    editor = editor_for(None)
    editor.name.setText("Shopify")
    assert not editor.service.isVisible() and editor.path.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData("shopify"))
    assert editor.service.isVisible() and not editor.path.isVisible()
    assert not editor.mapping_group.isVisible()
    assert editor.service.form.labelForField(editor.service.url).text() == "Shop domain"
    assert list(editor.service.secret_edits) == ["access_token"]
    editor.service.url.setText(shop.url)
    editor.service.secret_edits["access_token"].setText(ShopifyServer.TOKEN)
    with qtbot.waitSignal(editor.preview_done, timeout=15_000) as done:
        editor.service.connect_button.click()
    assert done.args == [True], editor.recognised.text()
    assert "Shopify (Admin API)" in editor.recognised.text()
    headers = [editor.parsed_table.horizontalHeaderItem(i).text() for i in range(editor.parsed_table.columnCount())]
    assert {"order_id", "ordered_at", "amount"} <= set(headers)
    assert editor.parsed_table.rowCount() > 0
    query = shop.seen[-1].body.decode()
    assert "updated_at:>=" in query  # one day asked for, not the backfill
    assert get_source_secret("Shopify", "access_token") is None  # nothing stored by a test

    with qtbot.waitSignal(editor.service.backfill_finished, timeout=15_000) as done:
        editor.service.backfill_button.click()
    assert done.args[0] is True and "31 record(s)" in done.args[1]
    assert get_source_secret("Shopify", "access_token") == ShopifyServer.TOKEN
    editor._accept()
    source = editor.result_source
    assert (source.kind, source.url, source.backfill_days, source.path) == ("shopify", shop.url, 60, "")


def test_connect_failure_is_a_sentence(qtbot, editor_for, shop):
    editor = editor_for(SourceSettings(name="Shopify", domain="sales", kind="shopify", url=shop.url))
    with qtbot.waitSignal(editor.preview_done, timeout=15_000) as done:
        editor.service.connect_button.click()
    assert done.args == [False]
    assert "no Shopify access token" in editor.recognised.text()


def test_stored_key_is_reported_not_shown_and_sheets_warn(qtbot, editor_for, memory_keyring):
    set_source_secret("Woo", "consumer_key", "ck_secret_value")
    editor = editor_for(SourceSettings(name="Woo", domain="sales", kind="woocommerce", url="https://shop.example"))
    status = editor.service.secret_status["consumer_key"]
    qtbot.waitUntil(lambda: "Stored in the OS keyring" in status.text(), timeout=5_000)
    assert editor.service.secret_edits["consumer_key"].text() == ""
    assert editor.service.url.text() == "https://shop.example"
    editor.kind.setCurrentIndex(editor.kind.findData("google_sheets"))
    assert "Anyone who has this link can read the sheet" in editor.service.url_help.text()
    assert editor.mapping_group.isVisible() and editor.format.isVisible()
    assert not editor.service.backfill_days.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData("shopify"))
    assert editor.service.backfill_days.isVisible() and editor.service.overlap_days.isVisible()


def test_editor_screenshot_fits_small_screens(qtbot, editor_for, tmp_path):
    editor = editor_for(SourceSettings(name="Shop", domain="sales", kind="shopify", url="my-shop.myshopify.com"))
    editor.resize(860, 640)
    qtbot.wait(50)
    path = tmp_path / "editor-shopify.png"
    assert editor.grab().save(str(path))
    if os.environ.get("BO_SCREENSHOT_DIR"):
        editor.grab().save(os.path.join(os.environ["BO_SCREENSHOT_DIR"], "source-editor-shopify.png"))


def test_sources_tab_lists_and_tests_a_live_source(qtbot, shop, memory_keyring):
    from desktop_app.settings import Settings
    from desktop_app.ui.settings_tabs.sources import SourcesTab

    set_source_secret("Shopify", "access_token", ShopifyServer.TOKEN)
    tab = SourcesTab()
    qtbot.addWidget(tab)
    tab.load(Settings(sources=[SourceSettings(name="Shopify", domain="sales", kind="shopify", url=shop.url)]))
    assert [tab.table.item(0, c).text() for c in range(4)] == ["Shopify", "Sales", "shopify", shop.url]
    tab.table.selectRow(0)
    tab.test_selected()
    qtbot.waitUntil(lambda: "✓" in tab.test_result.text() or "✗" in tab.test_result.text(), timeout=15_000)
    assert "reachable, authorised, one page read (31 record(s))" in tab.test_result.text()
    assert "nothing fetched yet" in tab.test_result.text()

"""Issue 16 in the source editor and the Sources tab: a real leads export previews (item 4), a damaged file
is described, not dumped (item 8), date formats as examples, Tab leaves the tables, a Test result belongs to
its source, a source is never "Unnamed" (items 9, 10, 13). Each test failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.settings import Settings, SourceSettings
from desktop_app.ui import jobs
from desktop_app.ui.settings_tabs.sources import SourceEditor, SourcesTab
from tests.samples import shared_sample

SALESFORCE_HEADER = ("Id,IsDeleted,LastName,FirstName,Salutation,Name,Title,Company,Phone,MobilePhone,Email,Website,"
                     "LeadSource,Status,Industry,AnnualRevenue,NumberOfEmployees,OwnerId,IsConverted,ConvertedDate,"
                     "LastModifiedDate")
SALESFORCE_ROWS = [
    "00Qbm00000Orxk5EAB,FALSE,Boxer,Bertha,Ms.,Bertha Boxer,Director,Farmers Coop,(850) 644-4200,,b@fcof.net,,Web,"
    "Closed - Converted,Agriculture,900750000,,005bm00000NCJmQAAX,TRUE,02/24/26,02/24/26 02:18 AM",
    "00Qbm00000Orxk6EAB,FALSE,Cotton,Phyllis,Ms,Phyllis Cotton,CFO,Abbott Insurance,(703) 757-1000,,p@abbott.net,,"
    "Web,Open - Not Contacted,,,,005bm00000NCJmQAAX,FALSE,,02/23/26 08:55 PM",
]


@pytest.fixture
def salesforce(tmp_path) -> Path:
    """A Salesforce lead export without CreatedDate: its date column reads as all-missing (NaT)."""
    path = tmp_path / "salesforce_leads.csv"
    path.write_text("\n".join([SALESFORCE_HEADER, *SALESFORCE_ROWS]) + "\n", encoding="utf-8")
    return path


def open_editor(qtbot, path: Path, domain: str = "leads") -> tuple[SourceEditor, list]:
    editor = SourceEditor(SourceSettings(name="Leads", domain=domain, path=str(path)))
    qtbot.addWidget(editor)
    editor.show()
    with qtbot.waitSignal(editor.preview_done, timeout=20_000) as done:
        pass
    return editor, done.args


def test_a_leads_export_with_missing_dates_previews(qtbot, salesforce):
    preview = jobs.preview_source(None, SourceSettings(name="Leads", domain="leads", path=str(salesforce)).spec())
    assert preview.parsed_rows and all(row[preview.parsed_columns.index("received_at")] == "—"
                                       for row in preview.parsed_rows)
    editor, args = open_editor(qtbot, salesforce)
    assert args == [True]
    assert "strftime" not in editor.recognised.text() and "Recognised as" in editor.recognised.text()
    assert editor.parsed_table.rowCount() == 2


def test_the_shared_salesforce_sample_previews(qtbot, tmp_path):
    sample = shutil.copy(shared_sample("salesforce_leads_export_sample_org.csv"), tmp_path / "sf.csv")
    editor, args = open_editor(qtbot, Path(sample))
    assert args == [True] and editor.parsed_table.rowCount() > 0


def test_a_damaged_file_is_described_not_shown_as_columns(qtbot, tmp_path):
    damaged = tmp_path / "orders.csv"
    damaged.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8)  # a zip named .csv
    editor, args = open_editor(qtbot, damaged, domain="sales")
    text = editor.recognised.text()
    assert args == [False]
    assert "does not look like a text export" in text and "save it as CSV" in text
    assert "PK" not in text and "\x03" not in text
    assert editor.raw_table.columnCount() == 0 and editor.parsed_table.columnCount() == 0
    assert all(editor.mapping["amount"].itemText(i) == "(recognise automatically)"
               for i in range(editor.mapping["amount"].count()))


def test_a_ragged_csv_names_the_row_in_plain_words(qtbot, tmp_path):
    ragged = tmp_path / "orders.csv"
    ragged.write_text("Invoice No,Invoice Date,Amount\nA1,2026-11-20,100\nA2,2026-11-20,1,200,extra\n",
                      encoding="utf-8")
    editor, _args = open_editor(qtbot, ragged, domain="sales")
    shown = editor.recognised.text() + editor.notes.text()
    assert "C error" not in shown and "tokenizing" not in shown


def test_date_formats_are_offered_as_examples(qtbot, salesforce):
    editor, _args = open_editor(qtbot, salesforce)
    labels = [editor.date_format.itemText(i) for i in range(editor.date_format.count())]
    assert "31/12/2025 (day first)" in labels and not any("%" in label for label in labels)
    editor.date_format.setCurrentIndex(labels.index("12/31/2025 (month first, as in the US)"))
    assert editor.source().options["date_format"] == "%m/%d/%Y"


def test_a_source_without_a_name_is_named_after_its_file(qtbot, salesforce):
    editor = SourceEditor(None)
    qtbot.addWidget(editor)
    editor.path.setText(str(salesforce))
    editor._accept()
    assert editor.result_source is not None
    assert editor.result_source.name == "Salesforce leads"


def test_tab_leaves_the_sources_table(qtbot):
    tab = SourcesTab()
    qtbot.addWidget(tab)
    tab.load(Settings.model_validate({"sources": [{"name": "A", "domain": "sales", "path": "a.csv"},
                                                  {"name": "B", "domain": "leads", "path": "b.csv"}]}))
    tab.show()
    tab.activateWindow()
    qtbot.waitExposed(tab)
    tab.table.setFocus()
    tab.table.setCurrentCell(0, 0)
    qtbot.waitUntil(tab.table.hasFocus, timeout=2000)
    QTest.keyClick(tab.table, Qt.Key.Key_Tab)
    assert (tab.table.currentRow(), tab.table.currentColumn()) == (0, 0)  # Tab did not walk the cells...
    assert not tab.table.hasFocus()  # ...it moved on


def test_an_old_test_result_goes_when_another_source_is_chosen(qtbot, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Invoice No,Invoice Date,Amount\nA1,2026-11-20,100\n", encoding="utf-8")
    tab = SourcesTab()
    qtbot.addWidget(tab)
    tab.load(Settings.model_validate({"sources": [{"name": "Shop", "domain": "sales", "path": str(orders)},
                                                  {"name": "Leads", "domain": "leads", "path": "missing.csv"}]}))
    tab.table.selectRow(0)
    tab.test_selected()
    qtbot.waitUntil(lambda: "rows read" in tab.test_result.text(), timeout=20_000)
    tab.table.selectRow(1)
    assert tab.test_result.text() == ""

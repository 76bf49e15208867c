"""Issue 16 item 9: every message in the window is a sentence about the owner's world."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.ui.plain_words import binary_file, engine_reason, looks_binary, plain_error
from desktop_app.ui.settings_recovery import plain_problem


@pytest.mark.parametrize(("raw", "said", "gone"), [
    ("no destination: set [telegram] destinations first", "“Send to” on the Telegram tab", "[telegram]"),
    ("no LLM model set ([insights] model)", "a model on the Insights tab", "[insights]"),
    ("not reachable: [Errno 111] Connection refused", "nothing answered at that address", "Errno"),
    ("'Shop': cannot read x.csv as CSV: Error tokenizing data. C error: Expected 3 fields in line 10, saw 4",
     "row 10 has 4 values where the header has 3", "C error"),
    ("[Errno 2] No such file or directory: 'C:/Exports/orders.csv'", "the file C:/Exports/orders.csv is not there",
     "Errno"),
])
def test_messages_are_said_as_a_person_would(raw, said, gone):
    text = plain_error(raw)
    assert said in text and gone not in text


def test_quoted_text_is_cut_and_binary_never_shown():
    assert len(plain_error("x" * 5000)) <= 320
    garbage = ("'Shop': cannot read orders.csv as sales: the file has columns: "
               "'PK\x03\x04\x14\x00\x08\x00\x00\x00\ufffd'")
    assert looks_binary(garbage)
    text = plain_error(garbage)
    assert "does not look like a text export" in text and "\x03" not in text and "PK" not in text


def test_binary_files_are_told_from_text_exports(tmp_path: Path):
    text = tmp_path / "leads.csv"
    text.write_text("नाम,તારીખ,Amount\nराम,2026-11-24,100\n", encoding="utf-8")
    damaged = tmp_path / "orders.csv"
    damaged.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    workbook = tmp_path / "orders.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert not binary_file(text) and binary_file(damaged) and not binary_file(workbook)


@pytest.mark.parametrize(("reason", "said"), [
    ("offline (--offline)", "AI was switched off for this report"),
    ("no LLM model set ([insights] model)", "choose a model in Settings → Insights"),
    ("timeout after 30 s", "the AI did not answer within 30 s"),
    ("guard dropped 3 of 4 bullets", "3 of the AI's 4 points had numbers not in the report"),
    ("cannot connect to http://127.0.0.1:11434/v1", "nothing answered at http://127.0.0.1:11434/v1 (is the AI "
                                                    "program running?)"),
    ("empty answer (the output cap of 320 tokens was reached)", "the AI ran out of room before it wrote anything"),
])
def test_why_the_rules_wrote_the_insights(reason, said):
    assert engine_reason(reason) == said


def test_a_toml_error_is_one_sentence_with_the_line(tmp_path: Path):
    path = tmp_path / "settings.toml"
    error = (f"{path}: not valid TOML: Control characters (codes less than 0x1f and 0x7f) are not allowed in "
             "strings, use \\u000a instead at line 3 col 20")
    text = plain_problem(error, path)
    assert "line 3 of settings.toml" in text and "\\u000a" not in text and "TOML" not in text


def test_a_wrong_value_names_the_setting(tmp_path: Path):
    path = tmp_path / "settings.toml"
    text = plain_problem(f"{path}: key 'business.timezone': 'Mars' is not a time zone", path)
    assert text == "The setting \"timezone\" in the [business] part of settings.toml is not usable: 'Mars' is not " \
                   "a time zone."


def test_the_settings_dialog_names_fields_not_file_keys(qtbot, paths):
    from desktop_app.settings import Settings
    from desktop_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)
    assert dialog._where("business.timezone") == "Time zone (Business tab)"
    assert dialog._where("schedule.time") == "At (Schedule tab)"
    assert dialog._where("sources.0.path") == "Source 1, path (Sources tab)"

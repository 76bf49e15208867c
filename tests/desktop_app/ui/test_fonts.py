"""Issue 16 item 12: the app ships Noto Sans Devanagari and Gujarati (SIL OFL) and registers them at start."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QRawFont

from desktop_app.resources import bundle_dir
from desktop_app.ui.fonts import load_bundled_fonts


def test_the_fonts_and_their_licence_are_bundled():
    folder = bundle_dir("resources") / "fonts"
    names = sorted(path.name for path in folder.glob("*.ttf"))
    assert names == ["NotoSansDevanagari-Regular.ttf", "NotoSansGujarati-Regular.ttf"]  # regular weights only
    assert sum((folder / name).stat().st_size for name in names) < 600_000
    licence = (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name" in licence


def test_the_fonts_are_registered_and_draw_both_scripts(qapp):
    loaded = load_bundled_fonts()
    assert loaded["NotoSansDevanagari-Regular.ttf"] == ["Noto Sans Devanagari"]
    assert loaded["NotoSansGujarati-Regular.ttf"] == ["Noto Sans Gujarati"]
    folder = bundle_dir("resources") / "fonts"
    for name, family, system, text in (
            ("NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari", QFontDatabase.WritingSystem.Devanagari,
             "श्री गणेश"),
            ("NotoSansGujarati-Regular.ttf", "Noto Sans Gujarati", QFontDatabase.WritingSystem.Gujarati,
             "શ્રી ગણેશ")):
        assert family in QFontDatabase.families()
        assert system in QFontDatabase.writingSystems(family)
        raw = QRawFont(str(folder / name), 16)
        assert all(raw.supportsCharacter(ord(char)) for char in text if not char.isspace())


def test_the_build_bundles_the_resources_folder():
    from installer.bundle import bundled_folders

    assert (str(bundle_dir("resources")), "resources") in bundled_folders()


def test_run_gui_loads_the_fonts():
    import inspect

    from desktop_app.ui import app

    assert "load_bundled_fonts" in inspect.getsource(app.run_gui)

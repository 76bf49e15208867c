"""What build.spec bundles must be what the app looks for at run time (installer/bundle.py)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import babel
import pytest

from desktop_app import __version__
from desktop_app.locales import NAMES_LOCALE, OFFERED_LOCALES
from desktop_app.resources import bundle_dir
from installer import bundle

REPO = Path(__file__).resolve().parents[2]


def test_bundled_folders_are_the_prompts_and_resources_folders():
    assert bundle.bundled_folders() == [(str(REPO / "prompts"), "prompts"), (str(REPO / "resources"), "resources")]


def test_the_frozen_app_finds_each_folder_where_the_spec_puts_it(tmp_path, monkeypatch):
    for source, dest in bundle.bundled_folders():
        shutil.copytree(source, tmp_path / dest)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    for _source, dest in bundle.bundled_folders():
        assert bundle_dir(dest) == tmp_path / dest  # type: ignore[arg-type]


def test_babel_locales_are_the_offered_ones_and_what_they_inherit_from():
    needed = bundle.babel_locales()
    assert set(OFFERED_LOCALES) | {NAMES_LOCALE} <= needed
    assert {"en_001", "en", "root", "hi", "gu"} <= needed  # en_IN inherits from en_001, not en
    assert needed - set(OFFERED_LOCALES) - {NAMES_LOCALE} == {"en_001", "hi", "gu", "root"}


def test_the_kept_babel_data_is_enough_for_every_offered_locale(tmp_path):
    """Babel trimmed exactly as the spec trims it still formats money and dates in each offered locale."""
    source = Path(babel.__file__).parent
    kept = bundle.babel_locales()

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder).name != "locale-data":
            return []
        return [name for name in names if name.endswith(".dat") and name[:-4] not in kept]

    shutil.copytree(source, tmp_path / "babel", ignore=ignore)
    script = textwrap.dedent(f"""
        import babel, datetime
        assert babel.__file__.startswith({str(tmp_path)!r}), babel.__file__
        from babel.dates import format_date
        from desktop_app.formatting import money, money_short
        from desktop_app.settings import BusinessSettings
        for locale in {list(OFFERED_LOCALES)!r}:
            BusinessSettings(locale=locale, currency="INR")
            print(locale, money(235000, "INR", locale), money_short(235000, "INR", locale),
                  format_date(datetime.date(2026, 11, 24), "EEE d MMM y", locale=locale))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(OFFERED_LOCALES)
    assert lines[0].startswith("en_IN ₹2,35,000 ₹2.35 L Tue 24 Nov 2026")


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("babel/locale-data/en_IN.dat", True),
        ("babel/locale-data/en_001.dat", True),
        ("babel/locale-data/de_DE.dat", False),
        ("babel/global.dat", True),
        ("PySide6/Qt/translations/qtbase_en.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("prompts/README.md", True),
    ],
)
def test_keep_data(dest, kept):
    assert bundle.keep_data(dest) is kept
    assert bundle.keep_data(dest, set()) is True  # BO_BUILD_SAVINGS="" keeps everything


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("PySide6/opengl32sw.dll", False),
        ("PySide6/Qt6Qml.dll", False),
        ("PySide6/Qt6Widgets.dll", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("numpy.libs/libscipy_openblas64_-32a4b2a6.so", True),
        ("libpython3.11.so.1.0", True),
    ],
)
def test_keep_binary(dest, kept):
    assert bundle.keep_binary(dest) is kept


def test_savings_default_to_all_and_reject_unknown_names():
    assert bundle.savings({}) == set(bundle.SAVINGS)
    assert bundle.savings({"BO_BUILD_SAVINGS": "babel, strip"}) == {"babel", "strip"}
    assert bundle.savings({"BO_BUILD_SAVINGS": ""}) == set()
    with pytest.raises(SystemExit, match="unknown stripp"):
        bundle.savings({"BO_BUILD_SAVINGS": "stripp"})


def test_keyrings_alt_is_never_bundled():
    assert "keyrings.alt" in bundle.NEVER_BUNDLED


def test_windows_version_file_carries_the_app_version(tmp_path):
    """PyInstaller evaluates this text on Windows; here its structure and values are checked."""
    path = Path(bundle.windows_version_file(tmp_path / "version.txt"))
    tree = ast.parse(path.read_text(encoding="utf-8"), mode="eval")
    calls = {node.func.id: node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert tree.body.func.id == "VSVersionInfo"
    assert {"FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct"} <= set(calls)
    numbers = (*[int(part) for part in __version__.split(".")], 0)
    fixed = {keyword.arg: ast.literal_eval(keyword.value) for keyword in calls["FixedFileInfo"].keywords}
    assert fixed["filevers"] == fixed["prodvers"] == numbers
    strings = {ast.literal_eval(node.args[0]): ast.literal_eval(node.args[1])
               for node in ast.walk(tree) if isinstance(node, ast.Call) and node.func.id == "StringStruct"}
    assert strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "business-orchestrator.exe"


def test_pytz_reads_the_system_time_zone_database_through_the_runtime_hook():
    pytest.importorskip("pytz")
    if not Path("/usr/share/zoneinfo/Asia/Kolkata").is_file():
        pytest.skip("no system time-zone database")
    hook = REPO / "installer" / "rthook_pytz.py"
    script = textwrap.dedent(f"""
        import runpy
        runpy.run_path({str(hook)!r})
        import pytz
        with pytz.open_resource("Asia/Kolkata") as handle:
            print(handle.name)
        print(pytz.timezone("Asia/Kolkata").utcoffset(__import__("datetime").datetime(2026, 11, 24)))
    """)
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["/usr/share/zoneinfo/Asia/Kolkata", "5:30:00"]


def test_pytz_zone_files_are_left_out_only_where_the_system_database_is_used():
    dest = "pytz/zoneinfo/Asia/Kolkata"
    assert bundle.keep_data(dest) is not sys.platform.startswith("linux")
    assert bundle.keep_data(dest, set(bundle.SAVINGS) - {"pytz"}) is True


def _unstripped_library() -> Path | None:
    """libpython of a Python built with --enable-shared and debug info (pyenv): something to strip."""
    name = sysconfig.get_config_var("INSTSONAME")
    path = Path(sysconfig.get_config_var("LIBDIR") or "", name or "")
    if not (name and path.is_file()) or not shutil.which("objdump"):
        return None
    headers = subprocess.run(["objdump", "-h", str(path)], capture_output=True, text=True).stdout
    return path if ".debug_info" in headers else None


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("strip") or not _unstripped_library(),
                    reason="needs Linux, binutils and an unstripped libpython")
def test_strip_makes_smaller_copies_once_and_leaves_wheel_libs_alone(tmp_path):
    library = _unstripped_library()
    work = tmp_path / "work"
    entries = [("pkg/lib.so", str(library), "EXTENSION"), ("numpy.libs/lib.so", str(library), "BINARY"),
               ("pkg/data.txt", str(library), "DATA")]
    stripped = bundle.strip_binaries(entries, work)
    copy = Path(stripped[0][1])
    assert copy == work / "stripped" / "pkg" / "lib.so"
    assert stripped[1:] == entries[1:]  # *.libs/ and data untouched
    assert copy.stat().st_size < library.stat().st_size / 2
    # The copy is reused while the source is unchanged: a mark left in it survives the next build.
    stamp = copy.stat().st_mtime_ns
    with copy.open("ab") as handle:
        handle.write(b"cached")
    os.utime(copy, ns=(stamp, stamp))
    assert bundle.strip_binaries(entries, work)[0][1] == str(copy)
    assert copy.read_bytes().endswith(b"cached")


def _qt_library_folder() -> Path | None:
    """This Python's PySide6 Qt libraries (where its ICU is), or None."""
    try:
        import PySide6
    except ImportError:
        return None
    folder = Path(PySide6.__file__).parent / "Qt" / "lib"
    return folder if any(folder.glob("libicudata.so.*")) else None


ICU_TOOLS = ("icupkg", "objdump", "nm", "as", "ld")
needs_qt_icu_and_tools = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not _qt_library_folder() or not all(map(shutil.which, ICU_TOOLS)),
    reason="needs Linux, PySide6 with its ICU, icu-devtools and binutils",
)


def _qt_entries() -> list[bundle.TocEntry]:
    """This Python's Qt libraries as build.spec sees them."""
    folder = _qt_library_folder()
    assert folder is not None
    return [(f"PySide6/Qt/lib/{path.name}", str(path), "BINARY") for path in sorted(folder.glob("*.so*"))]


@pytest.mark.parametrize(
    ("item", "dropped"),
    [
        ("brkitr/cjdict.dict", True),
        ("curr/en.res", True),
        ("lang/hi.res", True),
        ("region/gu.res", True),
        ("unit/en_IN.res", True),
        ("translit/root.res", True),
        ("ibm-943_P15A-2003.cnv", True),
        ("unames.icu", True),
        ("rfc3491.spp", True),
        ("coll/hi.res", False),
        ("coll/ucadata.icu", False),
        ("zone/gu.res", False),
        ("hi_IN.res", False),
        ("pool.res", False),
        ("zoneinfo64.res", False),
        ("metaZones.res", False),
        ("cnvalias.icu", False),
    ],
)
def test_icu_data_left_out(item, dropped):
    assert bool(bundle.ICU_DATA_DROPPED.search(item)) is dropped


@needs_qt_icu_and_tools
def test_qt_calls_only_the_icu_functions_the_trimmed_data_was_checked_for():
    """If a newer Qt calls another ICU family (break iterators, display names...), the data it reads may
    be among what the "icu" saving leaves out: this fails, and so does the build (trim_icu_data)."""
    major = next(_qt_library_folder().glob("libicudata.so.*")).name.rsplit(".", 1)[-1]
    calls = bundle.qt_icu_calls([src for _dest, src, _type in _qt_entries()], major, shutil.which("objdump"))
    assert {f"ucol_open_{major}", f"ucal_getTimeZoneDisplayName_{major}", f"u_strToUpper_{major}"} <= calls
    assert sorted(call for call in calls if not bundle.QT_ICU_CALLS.match(call)) == []


@needs_qt_icu_and_tools
def test_trimmed_icu_data_gives_qt_the_same_answers(tmp_path):
    """Collation, time-zone names and IDs, case mapping: the same through the trimmed data as through
    the whole; the legacy charsets are gone, which shows the trimmed library was the one used."""
    from installer import icu_probe

    entries = _qt_entries()
    trimmed, note = bundle.trim_icu_data(entries, tmp_path)
    [(whole_lib, trimmed_lib)] = [(Path(old[1]), Path(new[1])) for old, new in zip(entries, trimmed, strict=True)
                                  if old != new]
    assert trimmed_lib.name == whole_lib.name and trimmed_lib.parent == tmp_path / "icu"
    assert trimmed_lib.stat().st_size < whole_lib.stat().st_size * 0.45, note
    whole, trimmed_answers = icu_probe.answers(), icu_probe.answers(preload=trimmed_lib)
    assert icu_probe.differences(whole, trimmed_answers) == []
    assert whole["zones en_IN"][:2] == ["India Standard Time", "IST"]
    assert whole["sorted hi_IN"].index("क") < whole["sorted hi_IN"].index("ग") < whole["sorted hi_IN"].index("ક")
    assert whole["legacy_codecs"]["Shift_JIS"] is True
    assert trimmed_answers["legacy_codecs"]["Shift_JIS"] is False


@needs_qt_icu_and_tools
def test_the_build_stops_when_qt_calls_icu_functions_not_checked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, "QT_ICU_CALLS", __import__("re").compile(r"^ucol_"))
    with pytest.raises(SystemExit, match=r"Qt calls ICU functions .*ucal_open_"):
        bundle.trim_icu_data(_qt_entries(), tmp_path)


def test_trim_icu_data_leaves_a_build_without_icu_alone(tmp_path):
    entries = [("libpython3.11.so.1.0", "/nonexistent/libpython3.11.so.1.0", "BINARY")]
    assert bundle.trim_icu_data(entries, tmp_path)[0] == entries


def test_migrations_run_without_the_sql_dialects_left_out(tmp_path):
    """The "dialects" saving: Alembic and SQLAlchemy's SQLite and PostgreSQL (pg8000) dialects work with
    the MySQL, SQL Server and Oracle dialects unimportable, as in the bundle; an Alembic migration runs."""
    for name in ("sqlalchemy", "alembic", "pg8000"):
        pytest.importorskip(name)
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text(textwrap.dedent("""
        from alembic import context
        with context.config.attributes["connection"] as connection:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    """))
    (versions / "0001_reports.py").write_text(textwrap.dedent("""
        import sqlalchemy as sa
        from alembic import op
        revision, down_revision = "0001", None
        def upgrade():
            op.create_table("reports", sa.Column("day", sa.Date, primary_key=True),
                            sa.Column("branch", sa.String(40), primary_key=True))
            with op.batch_alter_table("reports") as batch:
                batch.add_column(sa.Column("sales_paise", sa.BigInteger, nullable=True))
    """))
    script = textwrap.dedent(f"""
        import sys
        from importlib.abc import MetaPathFinder
        LEFT_OUT = {bundle.UNUSED_SQL_DIALECTS!r}
        class LeftOut(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == m or name.startswith(m + ".") for m in LEFT_OUT):
                    raise ImportError(f"{{name}} is not in the bundle")
        sys.meta_path.insert(0, LeftOut())
        try:
            import sqlalchemy.dialects.mysql
        except ImportError:
            pass
        else:
            raise SystemExit("the left-out dialects should not import here")
        import sqlalchemy as sa
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from sqlalchemy.dialects.postgresql import pg8000 as pg8000_dialect
        import pg8000.native
        engine = sa.create_engine("sqlite:///{tmp_path / 'history.db'}")
        config = Config()
        config.set_main_option("script_location", "{tmp_path / 'migrations'}")
        config.attributes["connection"] = engine.connect()
        command.upgrade(config, "head")
        with engine.connect() as connection:
            print(MigrationContext.configure(connection).get_current_revision())
            print(sorted(column["name"] for column in sa.inspect(connection).get_columns("reports")))
        table = sa.table("reports", sa.column("day"), sa.column("branch"))
        print(sa.select(table).where(table.c.branch == "Surat").compile(dialect=pg8000_dialect.dialect()))
        print(sorted(name for name in sys.modules if name.startswith(tuple(LEFT_OUT))))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["0001", "['branch', 'day', 'sales_paise']"]
    assert "WHERE reports.branch = %s" in " ".join(lines[2:-1])
    assert lines[-1] == "[]"


def test_the_history_stores_postgresql_driver_is_bundled():
    """SQLAlchemy imports the driver only when an engine is made, so build.spec names it (DATABASE_DRIVERS):
    the driver the shared history's engine uses must be among them."""
    engines = pytest.importorskip("desktop_app.storage.engines")
    pytest.importorskip("pg8000")
    engine = engines.engine_for_url("postgresql://branch@127.0.0.1:5/business")  # no connection is made
    assert engine.dialect.dbapi.__name__ in bundle.DATABASE_DRIVERS

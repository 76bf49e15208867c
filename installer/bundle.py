"""What the PyInstaller build bundles and what it leaves out, for build.spec.

Build-time only (the app never imports it). Everything the app finds at run time is derived here from
the code the app itself uses: the bundled folders from `desktop_app.resources` (`bundle_dir`, `Bundle`),
the Babel locales from `desktop_app.locales`, the connector plug-ins from the registry's entry-point
group. docs/packaging.md explains each saving and what it is worth.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import get_args

from connectors.registry import ENTRY_POINT_GROUP
from desktop_app import __version__
from desktop_app.autostart import APP_ID, DISPLAY_NAME
from desktop_app.locales import NAMES_LOCALE, OFFERED_LOCALES
from desktop_app.resources import Bundle, bundle_dir

APP_NAME = APP_ID  # the folder, the executable, the console script, the .desktop file and icon name
BUNDLE_ID = "in.business-orchestrator.app"  # the same domain as the LaunchAgent label (autostart.py)
ICON_PNG = "app-256.png"  # in resources/; converted to .ico/.icns on Windows/macOS (needs Pillow there)

log = logging.getLogger("business_orchestrator.build")

# A PyInstaller TOC entry: (destination in the bundle, source path, typecode).
TocEntry = tuple[str, str, str]

# The size savings, in the order docs/packaging.md measured them. BO_BUILD_SAVINGS=name,name builds
# with only those (how the table there was made); unset, a build applies all of them.
SAVINGS = ("babel", "strip", "qt", "prune", "excludes", "optimize", "host", "pytz", "icu", "dialects")

# Never bundled, whatever pulls them in: a plaintext keyring backend (secrets would silently land in
# a file), test and bench-only tools (pandas and numpy reach pytest through their testing helpers).
NEVER_BUNDLED = [
    "keyrings.alt",
    "pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "pygments", "time_machine", "ruff",
    "duckdb", "pyinstrument",
    # The optional [sheets] extra (private Google Sheets): ~10 MB the 200 MB budget has no room for.
    "gspread", "google.auth", "google_auth_oauthlib", "requests_oauthlib", "oauthlib",
    # What those and the test extra bring into the venv, which optional imports would otherwise pull in
    # (requests through the [sheets] path and openai's Vertex provider; hypothesis through pandas): the
    # build must be the same whether or not `scripts/test` ran in this venv first (CI runs it first).
    "requests", "urllib3", "charset_normalizer", "certifi", "hypothesis", "attr", "attrs", "sortedcontainers",
    "aiosmtpd", "trustme",
]
# Left out to save space: modules nothing on the app's paths needs. CJK codecs: a source file in
# GBK or Shift-JIS then fails as an unknown encoding, by name.
EXCLUDED_MODULES = [
    "pyarrow", "matplotlib", "scipy", "IPython", "tkinter", "_tkinter",
    "pkg_resources", "setuptools", "pip", "pydoc_data", "readline",
    "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw", "_multibytecodec",
    "numpy._core._multiarray_tests", "PySide6.QtDBus",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtPdf", "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
]
# Database drivers SQLAlchemy imports by name only when an engine is made (its dialect calls
# __import__("pg8000")), which PyInstaller's analysis cannot see: the shared history's PostgreSQL engine
# (desktop_app/storage/engines.py) connects through pg8000. A hidden import that is not installed is skipped.
DATABASE_DRIVERS = ["pg8000"]
# The "dialects" saving: SQLAlchemy's dialects for databases the app never connects to. PyInstaller's
# SQLAlchemy hook adds every dialect; the history store speaks SQLite and PostgreSQL only. Alembic's
# operations for these databases (alembic.ddl.mysql...) import them only for type checking.
UNUSED_SQL_DIALECTS = ["sqlalchemy.dialects.mssql", "sqlalchemy.dialects.mysql", "sqlalchemy.dialects.oracle"]

# The "icu" saving. Qt's ICU data library (libicudata, 30 MB, the whole of CLDR and more) is rebuilt
# with only what the ICU functions Qt calls can read. Qt calls four families (QT_ICU_CALLS; checked
# against the Qt libraries at every build): collation (QCollator, the file dialog's sorting), time-zone
# names and IDs (QTimeZone), locale-aware case mapping (QLocale::toUpper) and charset conversion
# (QStringConverter for encodings other than the UTF ones and Latin-1, which Qt converts itself). They
# read the locale, collation and time-zone data, kept whole for every locale. Left out: break-iterator
# rules and dictionaries (brkitr), display names of currencies, languages, regions and units,
# spell-out rules (rbnf), transliterators, string-prep profiles (*.spp), character names (unames.icu),
# none of which those functions read, and the legacy charset tables (*.cnv): the app never asks Qt for
# a legacy encoding (files are decoded by Python's codecs; Qt 6 uses UTF-8 for the system and file names).
QT_ICU_CALLS = re.compile(r"^(ucol_|ucal_|ucnv_|UCNV_|u_strTo(Upper|Lower)_)")
ICU_DATA_DROPPED = re.compile(
    r"^(brkitr|curr|lang|region|unit|rbnf|translit)/|\.(cnv|spp)$|^unames\.icu$"
)

# Qt plug-ins by folder: the set of plug-in names kept, or None for the whole folder. Folders not
# listed are dropped: tls and networkinformation (Qt's only network use here is the single-instance
# local socket), generic input devices, Wayland and EGL integrations (Qt runs through XWayland on a
# Wayland desktop), the X11 OpenGL integrations (the widgets paint in software; nothing uses OpenGL).
QT_PLUGINS_KEPT: dict[str, set[str] | None] = {
    "platforms": {"qxcb", "qoffscreen", "qminimal", "qwindows", "qcocoa"},
    "platformthemes": {"qxdgdesktopportal"},  # portal file dialogs; gtk3 would drag in GTK, cairo, pango
    "platforminputcontexts": None,  # ibus/compose: typing Hindi and Gujarati
    "iconengines": {"qsvgicon"},  # SVG icons from the desktop's icon theme
    "imageformats": {"qsvg", "qico"},
    "styles": None,  # Windows and macOS native styles
}
# Qt libraries no kept module or plug-in uses (some plug-ins drag them in, and --exclude-module does not
# remove a library), and opengl32sw.dll, Windows' 20 MB software OpenGL (windeployqt --no-opengl-sw).
QT_LIBRARIES_DROPPED = re.compile(
    r"Qt6?(Qml|Quick|Pdf|WebEngine|Wayland|Wl|EglFs|VirtualKeyboard|OpenGL)|^opengl32sw\.dll$", re.I
)
QT_TRANSLATIONS_KEPT = ("en",)  # the interface is English

# Libraries every desktop Linux has and whose copy should be the host's: the ones this build would
# bundle from AppImage's exclude list (the list linuxdeployqt applies to Qt apps). A bundled libstdc++
# older than the host's breaks its Mesa drivers; fontconfig and freetype must read the host's font
# configuration. PyInstaller itself already leaves out libc, libGL and libxcb for the same reason.
HOST_LIBRARIES = frozenset({
    "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libexpat.so.1", "libuuid.so.1", "libcom_err.so.2",
    "libgpg-error.so.0", "libglib-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0", "libX11.so.6",
    "libfontconfig.so.1", "libfreetype.so.6", "libharfbuzz.so.0", "libfribidi.so.0", "libthai.so.0",
})


def savings(environ: dict[str, str] | None = None) -> set[str]:
    """The savings this build applies (see SAVINGS)."""
    chosen = (os.environ if environ is None else environ).get("BO_BUILD_SAVINGS")
    if chosen is None:
        return set(SAVINGS)
    names = {name.strip() for name in chosen.split(",") if name.strip()}
    unknown = names - set(SAVINGS)
    if unknown:
        raise SystemExit(f"BO_BUILD_SAVINGS: unknown {', '.join(sorted(unknown))}; choose from {', '.join(SAVINGS)}")
    return names


def bundled_folders() -> list[tuple[str, str]]:
    """(source folder, folder in the bundle) for every folder `bundle_dir()` finds at run time.

    The frozen app looks in `sys._MEIPASS/<bundle>`, so each folder lands under its own name.
    """
    return [(str(bundle_dir(name)), name) for name in get_args(Bundle)]


def babel_locales(locales: Iterable[str] = (*OFFERED_LOCALES, NAMES_LOCALE)) -> set[str]:
    """Babel locale-data names these locales need: each one and every locale it inherits from.

    Babel merges a locale over its parent (CLDR's parent exceptions first, else the name without its
    last part) down to root: en_IN needs en_001, en and root.
    """
    from babel.core import get_global

    exceptions = get_global("parent_exceptions")
    needed = {"root"}
    for name in locales:
        while name != "root":
            needed.add(name)
            name = exceptions.get(name) or "_".join(name.split("_")[:-1]) or "root"
    return needed


def plugin_packages() -> tuple[list[str], list[str]]:
    """(distributions, modules) of the connector plug-ins installed in the build environment.

    The frozen registry lists entry points through importlib.metadata, which needs each providing
    distribution's metadata copied in (`copy_metadata`); the modules are not imported by name anywhere,
    so PyInstaller must be told about them.
    """
    distributions, modules = set(), set()
    for dist in metadata.distributions():
        for ep in dist.entry_points:
            if ep.group == ENTRY_POINT_GROUP:
                distributions.add(dist.metadata["Name"])
                modules.add(ep.module)
    return sorted(distributions), sorted(modules)


def system_zoneinfo(applied: set[str] = frozenset(SAVINGS)) -> bool:
    """Whether pytz should read the system's time-zone database (Linux, "pytz" saving): the bundle then
    leaves out pytz's own copy and adds rthook_pytz.py, which points pytz at /usr/share/zoneinfo."""
    return "pytz" in applied and sys.platform.startswith("linux")


def keep_data(dest: str, applied: set[str] = frozenset(SAVINGS)) -> bool:
    """False for Babel locales the app does not offer ("babel"), Qt translations other than English
    ("qt") and pytz's time-zone files where the system's are used ("pytz")."""
    path = PurePosixPath(dest.replace("\\", "/"))
    if path.parts[:2] == ("pytz", "zoneinfo") and system_zoneinfo(applied):
        return False
    if "babel" in applied and path.parent.as_posix() == "babel/locale-data" and path.suffix == ".dat":
        return path.stem in babel_locales()
    if "qt" in applied and path.parent.name == "translations" and "PySide6" in path.parts and path.suffix == ".qm":
        return path.stem.rsplit("_", 1)[-1] in QT_TRANSLATIONS_KEPT
    return True


def keep_binary(dest: str) -> bool:
    """False for Qt plug-ins and libraries the app does not use."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    if "PySide6" not in parts:
        return True
    if len(parts) >= 3 and parts[-3] == "plugins":
        kept = QT_PLUGINS_KEPT.get(parts[-2], set())
        return kept is None or _plugin_name(path.name) in kept
    return not QT_LIBRARIES_DROPPED.search(path.name)


def _plugin_name(filename: str) -> str:
    """libqxcb.so, qwindows.dll, libqcocoa.dylib -> qxcb, qwindows, qcocoa."""
    stem = filename.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def _is_dependency_library(entry: TocEntry) -> bool:
    """A library PyInstaller collected because something links to it (a candidate for pruning): a
    top-level system library or a Qt library; never libpython, which the bootloader loads."""
    dest, _, typecode = entry
    path = PurePosixPath(dest)
    in_qt_lib = path.parent.as_posix().endswith("PySide6/Qt/lib")
    return typecode == "BINARY" and (len(path.parts) == 1 or in_qt_lib) and not path.name.startswith("libpython")


def _needed(path: str, objdump: str) -> list[str]:
    """The libraries a binary names as DT_NEEDED (direct dependencies only, unlike ldd)."""
    done = subprocess.run([objdump, "-p", path], capture_output=True, text=True, check=True)
    return [line.split()[1] for line in done.stdout.splitlines() if line.strip().startswith("NEEDED")]


def prune_unreferenced(binaries: list[TocEntry]) -> tuple[list[TocEntry], list[str]]:
    """Drop shared libraries that nothing kept links to (Linux), and say which.

    Roots are the Python extensions, the kept Qt plug-ins and libpython; a top-level or Qt library stays
    only when a kept binary names it as a direct dependency, so a library only the host's own copies
    need (pcre2 for glib) goes too.
    """
    objdump = shutil.which("objdump")
    if not sys.platform.startswith("linux") or objdump is None:
        return binaries, []
    by_name = {PurePosixPath(entry[0]).name: entry for entry in binaries if _is_dependency_library(entry)}
    queue = [entry for entry in binaries if not _is_dependency_library(entry)]
    needed = {entry[0] for entry in queue}
    while queue:
        _dest, src, typecode = queue.pop()
        if typecode not in ("BINARY", "EXTENSION"):
            continue
        for name in _needed(src, objdump):
            entry = by_name.get(name)
            if entry and entry[0] not in needed:
                needed.add(entry[0])
                queue.append(entry)
    kept = [entry for entry in binaries if entry[0] in needed]
    dropped = sorted(entry[0] for entry in binaries if entry[0] not in needed)
    return kept, dropped


def drop_host_libraries(binaries: list[TocEntry]) -> tuple[list[TocEntry], list[str]]:
    """Leave out HOST_LIBRARIES (Linux): the program uses the desktop's own copies."""
    if not sys.platform.startswith("linux"):
        return binaries, []
    kept = [entry for entry in binaries if PurePosixPath(entry[0]).name not in HOST_LIBRARIES]
    return kept, sorted(entry[0] for entry in binaries if entry not in kept)


def drop_dangling_links(datas: list[TocEntry], binaries: list[TocEntry]) -> list[TocEntry]:
    """PyInstaller's SYMLINK entries (top-level links to the Qt and numpy libraries), without those whose
    target was left out above."""
    present = {entry[0] for entry in (*datas, *binaries) if entry[2] != "SYMLINK"}

    def target(dest: str, link: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(dest), link))

    return [entry for entry in datas if entry[2] != "SYMLINK" or target(entry[0], entry[1]) in present]


def strip_binaries(binaries: list[TocEntry], workdir: Path) -> list[TocEntry]:
    """Stripped copies of the binaries (Linux), except those under `*.libs/`.

    Wheels repaired by auditwheel keep their bundled libraries in `<package>.libs/`; stripping those
    breaks them (numpy's OpenBLAS: "ELF load command address/offset not page-aligned"), which is why
    PyInstaller's own strip=True cannot be used. Copies are kept between builds while the source is
    unchanged, so a rebuild does not strip again.
    """
    if not sys.platform.startswith("linux"):
        return binaries
    strip = shutil.which("strip")
    if strip is None:
        log.warning("strip not found: binaries are bundled unstripped (install binutils)")
        return binaries
    result = []
    for dest, src, typecode in binaries:
        parts = PurePosixPath(dest).parts
        if typecode not in ("BINARY", "EXTENSION") or any(part.endswith(".libs") for part in parts[:-1]):
            result.append((dest, src, typecode))
            continue
        target, source = workdir / "stripped" / dest, Path(src)
        stamp = source.stat().st_mtime_ns
        if not target.exists() or target.stat().st_mtime_ns != stamp:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            done = subprocess.run([strip, "--strip-unneeded", str(target)], capture_output=True, text=True)
            if done.returncode != 0:
                log.warning("cannot strip %s (%s): bundled as is", dest, done.stderr.strip())
                shutil.copy2(source, target)
            os.utime(target, ns=(stamp, stamp))  # the source's time marks the copy as up to date
        result.append((dest, str(target), typecode))
    return result


ICU_DATA_LIBRARY = re.compile(r"^libicudata\.so\.(\d+)$")


def qt_icu_calls(libraries: Iterable[str], icu_major: str, objdump: str) -> set[str]:
    """The ICU functions these libraries call: their undefined dynamic symbols with ICU's version suffix
    (ucol_open_73). ICU's own libraries, which call each other, are not asked."""
    calls = set()
    for library in libraries:
        if PurePosixPath(library).name.startswith("libicu"):
            continue
        done = subprocess.run([objdump, "-T", library], capture_output=True, text=True)
        for line in done.stdout.splitlines():
            fields = line.split()
            if "*UND*" in fields and fields[-1].endswith(f"_{icu_major}"):
                calls.add(fields[-1])
    return calls


def _linked_icu_data(library: Path, symbol: str) -> bytes:
    """The ICU data package linked into libicudata: the bytes of its icudtNN_dat symbol."""
    listed = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True,
                            check=True).stdout
    value, size = next((int(fields[0], 16), int(fields[1], 16)) for fields in map(str.split, listed.splitlines())
                       if len(fields) == 4 and fields[3] == symbol)
    headers = subprocess.run(["objdump", "-h", "-w", str(library)], capture_output=True, text=True, check=True).stdout
    for fields in map(str.split, headers.splitlines()):
        if len(fields) >= 6 and fields[0].isdigit():
            length, address, offset = int(fields[2], 16), int(fields[3], 16), int(fields[5], 16)
            if address <= value < address + length:
                with library.open("rb") as handle:
                    handle.seek(offset + value - address)
                    return handle.read(size)
    raise ValueError(f"{symbol} is in no section of {library}")


def trim_icu_data(binaries: list[TocEntry], workdir: Path) -> tuple[list[TocEntry], str]:
    """Qt's ICU data library rebuilt without the data no ICU function Qt calls reads (Linux, "icu").

    The data package linked into libicudata is taken out, ICU's own `icupkg` (icu-devtools) removes
    the items matching ICU_DATA_DROPPED (it refuses when a kept item refers to a removed one), and `as`
    and `ld` (binutils, as for strip) link what is left into a library of the same name and symbol.
    Returns the binaries and a line for the build log. Stops the build when Qt calls an ICU function
    outside QT_ICU_CALLS: the data it reads may be among what is left out.
    """
    found = [(index, ICU_DATA_LIBRARY.match(PurePosixPath(entry[0]).name)) for index, entry in enumerate(binaries)]
    found = [(index, match) for index, match in found if match]
    tools = {name: shutil.which(name) for name in ("icupkg", "objdump", "nm", "as", "ld")}
    if not sys.platform.startswith("linux") or not found:
        return binaries, "no ICU data library in this build"
    if not all(tools.values()):
        missing = ", ".join(name for name, path in tools.items() if not path)
        log.warning("%s not found: Qt's ICU data is bundled whole (install icu-devtools and binutils)", missing)
        return binaries, f"ICU data bundled whole: {missing} not found"
    index, match = found[0]
    dest, src, typecode = binaries[index]
    major = match.group(1)
    qt = [entry[1] for entry in binaries if "PySide6" in PurePosixPath(entry[0]).parts
          and entry[2] in ("BINARY", "EXTENSION")]
    unknown = sorted(call for call in qt_icu_calls(qt, major, tools["objdump"]) if not QT_ICU_CALLS.match(call))
    if unknown:
        raise SystemExit(f"build: Qt calls ICU functions the 'icu' saving was not checked for: {', '.join(unknown)}. "
                         "See QT_ICU_CALLS in installer/bundle.py, or build without it (BO_BUILD_SAVINGS).")
    package = f"icudt{major}{'l' if sys.byteorder == 'little' else 'b'}"
    work = workdir / "icu"
    shutil.rmtree(work, ignore_errors=True)
    (work / "whole").mkdir(parents=True)
    (work / "trimmed").mkdir()
    whole = work / "whole" / f"{package}.dat"
    whole.write_bytes(_linked_icu_data(Path(src), f"icudt{major}_dat"))
    items = subprocess.run([tools["icupkg"], "-l", str(whole)], capture_output=True, text=True, check=True)
    dropped = [item for item in items.stdout.split() if ICU_DATA_DROPPED.search(item)]
    (work / "dropped.txt").write_text("".join(f"{item}\n" for item in dropped), encoding="utf-8")
    trimmed = work / "trimmed" / f"{package}.dat"
    done = subprocess.run([tools["icupkg"], "-r", str(work / "dropped.txt"), str(whole), str(trimmed)],
                          capture_output=True, text=True)
    if done.returncode != 0:  # e.g. a kept item refers to a removed one
        raise SystemExit(f"build: icupkg cannot trim Qt's ICU data (ICU_DATA_DROPPED):\n{done.stderr.strip()}")
    (work / "icudata.s").write_text(
        f"""\t.section .rodata
\t.globl icudt{major}_dat
\t.type icudt{major}_dat, @object
\t.balign 16
icudt{major}_dat:
\t.incbin "{trimmed}"
\t.size icudt{major}_dat, . - icudt{major}_dat
\t.section .note.GNU-stack,"",@progbits
""",
        encoding="utf-8",
    )
    library = work / PurePosixPath(dest).name
    subprocess.run([tools["as"], "-o", str(work / "icudata.o"), str(work / "icudata.s")], check=True)
    subprocess.run([tools["ld"], "-shared", "-soname", library.name, "-o", str(library), str(work / "icudata.o")],
                   check=True)
    result = list(binaries)
    result[index] = (dest, str(library), typecode)
    mib = 1024 * 1024
    return result, (f"ICU data {whole.stat().st_size / mib:.1f} -> {trimmed.stat().st_size / mib:.1f} MiB "
                    f"({len(dropped)} of {len(items.stdout.split())} items left out)")


def windows_version_file(target: Path) -> str:
    """Write the Windows version resource (the .exe's Properties: product, version) from __version__.

    PyInstaller's own classes for it need pywin32, so it is written in PyInstaller's text form, which
    PyInstaller reads on Windows.
    """
    parts = [int(part) for part in re.findall(r"\d+", __version__)][:4]
    numbers = tuple(parts + [0] * (4 - len(parts)))
    strings = {
        "CompanyName": DISPLAY_NAME,
        "FileDescription": DISPLAY_NAME,
        "FileVersion": __version__,
        "InternalName": APP_NAME,
        "OriginalFilename": f"{APP_NAME}.exe",
        "ProductName": DISPLAY_NAME,
        "ProductVersion": __version__,
    }
    table = ",\n          ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings.items())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
          {table}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])]),
  ],
)
""",
        encoding="utf-8",
    )
    return str(target)


def app_icon() -> str | None:
    """The icon for the Windows executable or the macOS bundle (None on Linux, where the .desktop file
    names the icon)."""
    if sys.platform.startswith("linux"):
        return None
    return str(bundle_dir("resources") / ICON_PNG)

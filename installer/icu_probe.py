"""What Qt answers through ICU, as JSON on stdout: run once with Qt's whole ICU data and once with the
bundle's trimmed libicudata preloaded (LD_PRELOAD), the answers must be the same ("icu" saving,
installer/bundle.py; the smoke test and tests/installer/test_bundle.py compare them).

Each answer comes from one of the ICU function families Qt calls (bundle.QT_ICU_CALLS): collation,
time-zone names and IDs, locale-aware case mapping, charset conversion. `legacy_codecs` is the one
answer that differs: the legacy charset tables are what the saving leaves out on purpose.

Usage: python -m installer.icu_probe  (imports PySide6: run it in its own process, or use answers())
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cmp_to_key
from pathlib import Path

# The offered locales (desktop_app/locales.py), a few a desktop may be set to, and Tamil, whose
# collation is tailored: sorting in the file dialog follows the desktop's locale.
LOCALES = ("en_IN", "hi_IN", "gu_IN", "en_US", "en_GB", "de_DE", "sv_SE", "ta_IN", "tr_TR")
WORDS = ("zebra", "Äpfel", "apple", "ä", "b", "Z", "क", "ग", "क्ष", "ક", "ખ", "க", "ங", "ı", "i", "İ")
ZONES = (b"Asia/Kolkata", b"Europe/London", b"America/New_York", b"Asia/Dubai")
LEGACY = ("Shift_JIS", "windows-1252", "ISO-8859-15", "GB18030", "KOI8-R")


def probe() -> dict[str, object]:
    from PySide6.QtCore import QCollator, QLocale, QStringConverter, QStringDecoder, QTimeZone

    answers: dict[str, object] = {}
    for name in LOCALES:
        locale = QLocale(name)
        collator = QCollator(locale)
        answers[f"sorted {name}"] = sorted(WORDS, key=cmp_to_key(collator.compare))
        answers[f"upper {name}"] = locale.toUpper("istanbul straße ǆ")
        answers[f"lower {name}"] = locale.toLower("ISTANBUL İ Σ")
        answers[f"zones {name}"] = [
            QTimeZone(zone).displayName(kind, style, locale)
            for zone in ZONES
            for kind in (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime)
            for style in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName)
        ]
    answers["old zone ids"] = [QTimeZone(zone).isValid() for zone in (b"Asia/Calcutta", b"US/Eastern", b"GMT")]
    answers["zone ids"] = len(QTimeZone.availableTimeZoneIds())
    answers["unicode codecs"] = [QStringDecoder(name).isValid() for name in ("UTF-8", "UTF-16LE", "ISO-8859-1")]
    answers["legacy_codecs"] = {
        "available": len(QStringConverter.availableCodecs()),
        **{name: QStringDecoder(name).isValid() for name in LEGACY},
    }
    return answers


def answers(preload: Path | None = None) -> dict[str, object]:
    """probe() in a new process of this Python, with `preload` (a libicudata) loaded first when given:
    Qt's ICU libraries then use its data (the dynamic linker matches the library by its soname)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "installer.icu_probe"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ICU probe failed (preload {preload}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def differences(whole: dict[str, object], trimmed: dict[str, object]) -> list[str]:
    """The answers that differ, apart from the legacy charsets the trimmed data leaves out on purpose."""
    return [f"{key}: {whole.get(key)!r} became {trimmed.get(key)!r}" for key in sorted(whole.keys() | trimmed.keys())
            if key != "legacy_codecs" and whole.get(key) != trimmed.get(key)]


if __name__ == "__main__":
    print(json.dumps(probe(), ensure_ascii=False, sort_keys=True))

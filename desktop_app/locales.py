"""The number formats (Babel locales) the app offers: the one list the settings, the settings dialog
and the frozen build read.

The PyInstaller build keeps only these locales' Babel data (and the locales they inherit from, such as
en_IN -> en_001 -> en -> root), which saves about 30 MB; a locale not listed here would work from a
source checkout but fail in the installed app, so the settings accept only these.
"""

from __future__ import annotations

# code -> how the settings dialog names it
OFFERED_LOCALES: dict[str, str] = {
    "en_IN": "English, India — ₹2,35,000",
    "hi_IN": "Hindi, India",
    "gu_IN": "Gujarati, India",
    "en_US": "English, US — 235,000",
    "en_GB": "English, UK",
}

# Babel also reads this locale for currency names when it checks a currency code in the settings.
NAMES_LOCALE = "en"

"""PyInstaller runtime hook (Linux): pytz reads the system's time-zone database, the one Python's
zoneinfo already reads for the settings and the reports, instead of a bundled copy of 600 files.

build.spec adds this hook only when it leaves pytz's zoneinfo folder out (installer/bundle.py).
"""

import os

if os.path.isdir("/usr/share/zoneinfo"):
    os.environ.setdefault("PYTZ_TZDATADIR", "/usr/share/zoneinfo")

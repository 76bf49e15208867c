"""Runs the real sender in a child process on the settings in its app home; the crash tests kill it while the
server (Slack's webhook, the SMTP server) holds its answer.

Usage: channel_crash_child.py. Secrets come from BO_SLACK_WEBHOOK_URL / BO_EMAIL_PASSWORD (no keyring here).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from desktop_app.delivery import send_pending
from desktop_app.paths import app_paths
from desktop_app.settings import load_settings


def main() -> int:
    paths = app_paths().ensure()
    result = send_pending(load_settings(paths.settings_file), paths)
    print(f"sent={result.sent} failed={result.failed} retry_later={result.retry_later}", flush=True)
    return 0 if result.ok else 3


if __name__ == "__main__":
    raise SystemExit(main())

"""Runs the real sender for Slack in a child process; the crash test kills it while Slack holds its answer.

Usage: channel_crash_child.py. The webhook URL comes from BO_SLACK_WEBHOOK_URL (no keyring in the child).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from desktop_app.delivery import send_pending
from desktop_app.paths import app_paths
from desktop_app.settings import Settings


def main() -> int:
    settings = Settings()
    settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
    result = send_pending(settings, app_paths().ensure())
    print(f"sent={result.sent} failed={result.failed} retry_later={result.retry_later}", flush=True)
    return 0 if result.ok else 3


if __name__ == "__main__":
    raise SystemExit(main())

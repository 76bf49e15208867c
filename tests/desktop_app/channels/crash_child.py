"""Runs the real sender in a child process with the scripted client; the crash test kills it mid-send.

Usage: crash_child.py SENDS_LOG [--block-at N]. Every send is appended (and fsynced) to SENDS_LOG
before it "returns"; with --block-at N the Nth send is recorded, "BLOCKED" is printed, and the
process then waits forever, as if Telegram had the message but the app died before recording it.
Credentials come from the BO_TELEGRAM_* environment variables (no keyring in the child).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from desktop_app.delivery import POSSIBLE_DUPLICATE_NOTE, send_pending
from desktop_app.paths import app_paths
from desktop_app.settings import Settings
from tests.desktop_app.channels.fakes import FakeTelegram, Sent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sends_log", type=Path)
    parser.add_argument("--block-at", type=int, default=0)
    args = parser.parse_args()
    count = 0

    def record(sent: Sent) -> None:
        nonlocal count
        count += 1
        day = sent.text.split("—", 1)[1].split("<", 1)[0].strip()
        with args.sends_log.open("a", encoding="utf-8") as handle:
            handle.write(f"{day}|{'dup' if POSSIBLE_DUPLICATE_NOTE in sent.text else 'first'}\n")
            handle.flush()
            os.fsync(handle.fileno())
        if count == args.block_at:
            print("BLOCKED", flush=True)
            threading.Event().wait()

    settings = Settings()
    settings.telegram.enabled, settings.telegram.destinations = True, ["@owner_ramesh"]
    result = send_pending(settings, app_paths().ensure(), client_factory=FakeTelegram(on_send=record))
    print(f"sent={result.sent} failed={result.failed} retry_later={result.retry_later}", flush=True)
    return 0 if result.ok else 3


if __name__ == "__main__":
    raise SystemExit(main())

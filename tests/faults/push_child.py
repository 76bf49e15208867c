"""A branch PC pushing its outbox of rows, for test_push_kill9.py: optionally SIGKILLed right after the shared
database committed batch KILL_AFTER (before this PC could clear those rows from its outbox).

    python tests/faults/push_child.py HISTORY URL [KILL_AFTER]     (password in BO_HISTORY_DB_PASSWORD)
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_app.storage import push
from desktop_app.storage.shared import SharedHistory


def main() -> int:
    history, url = Path(sys.argv[1]), sys.argv[2]
    kill_after = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    shared = SharedHistory.open(url, password=os.environ.get("BO_HISTORY_DB_PASSWORD"))
    if kill_after:
        original, calls = shared.put, []

        def put_then_die(rows, **kwargs):
            result = original(rows, **kwargs)
            calls.append(1)
            if len(calls) == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        shared.put = put_then_die
    result = push.push_pending(history, shared, branch="Naroda", pc="NARODA-PC", batch=7)
    print(f"pushed={result.pushed} already={result.already} waiting={result.waiting} error={result.error}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

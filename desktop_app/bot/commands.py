"""The bot's commands and its door: pairing, the allow-list, the per-chat rate limit.

`Bot.handle(chat_id, text)` is the whole conversation as plain functions (no Telegram here), so the
listener, the CLI and the tests share it. It blocks (SQLite, pandas, the LLM): the listener runs it
off the Telegram loop.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..history import HistoryStore
from ..paths import AppPaths
from ..settings import Settings, load_settings, save_settings
from .ask import ask
from .frames import sales_frames
from .questions import Questions, money, safe_label

log = logging.getLogger("business_orchestrator.bot")
PAIRING_FILE = "bot_pairing.json"
PAIRING_MINUTES = 10
MAX_WRONG_CODES = 5
HELP = """I answer from the reports on your PC:
/today – the latest report
/report 2026-11-20 – the report of a day
/week, /month – totals, average a day and the change against the period before
/sources – how fresh each source is
/goal – progress against your goals
Or ask: "why are sales down?", "leads by source this week", "top products this month", "sales by channel",
"best day this month", "breakdown of 2026-11-20", "how many absents on Saturday?", "आज की बिक्री?", "આજે વેચાણ કેટલું?\""""
RATE_LIMITED = "Too many messages: I answer {n} a minute. Ask again in a minute."


def new_pairing_code(paths: AppPaths, now: float | None = None) -> str:
    """A one-time 6-digit code, valid for 10 minutes: the owner sends it to the bot to be let in."""
    code = f"{secrets.randbelow(10**6):06d}"
    paths.data.mkdir(parents=True, exist_ok=True)
    expires = (now or time.time()) + PAIRING_MINUTES * 60
    (paths.data / PAIRING_FILE).write_text(json.dumps({"code": code, "expires": expires}), encoding="utf-8")
    return code


def _take_pairing_code(paths: AppPaths, text: str, now: float) -> bool:
    file: Path = paths.data / PAIRING_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    words = text.split()
    if not words or data.get("expires", 0) < now:
        return False
    if words[-1] != data.get("code"):
        if words[-1].isdigit():  # a wrong guess: a handful, and the code is void (a million guesses would find it)
            data["wrong"] = data.get("wrong", 0) + 1
            if data["wrong"] >= MAX_WRONG_CODES:
                log.warning("bot: %d wrong pairing codes; the code is void, show a new one", data["wrong"])
                file.unlink(missing_ok=True)
            else:
                file.write_text(json.dumps(data), encoding="utf-8")
        return False
    file.unlink(missing_ok=True)  # one time only
    return True


class Bot:
    def __init__(self, settings: Settings, paths: AppPaths, *, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time, offline: bool = False,
                 on_paired: Callable[[int], None] = lambda chat_id: None):
        self.settings = settings
        self.paths = paths
        self.on_paired = on_paired  # the tray hears of a new chat, so its settings (and an open dialog) keep it
        self.store = HistoryStore(paths.history_db)
        self.questions = Questions(self.store, sales_frames(settings, paths, self.store.latest_date))
        self.clock = clock
        self.wall = wall
        self.offline = offline
        self._recent: dict[int, deque[float]] = {}
        self._lock = threading.Lock()
        self.paths_taken: list[str] = []  # "llm" / "rules" per question: the tests count them

    def allowed(self, chat_id: int) -> bool:
        return chat_id in self.settings.bot.allowed_chats

    def handle(self, chat_id: int, text: str) -> str | None:
        """The reply to one message, or None: strangers and over-limit repeats get nothing."""
        text = (text or "").strip()
        if not self.allowed(chat_id):
            if _take_pairing_code(self.paths, text, self.wall()):
                self._pair(chat_id)
                return "Paired: this chat now gets answers. Send /help to see what I can do."
            log.warning("bot: message from chat %s, which is not in the allow-list; not answered", chat_id)
            return None
        limited = self._rate_limited(chat_id)
        if limited is not None:
            return limited or None
        try:
            return self._answer(text)
        except Exception:
            log.exception("bot: answering failed")
            return "Sorry, I could not answer that; the details are in the log on the PC."

    def handle_local(self, text: str) -> str:
        """The same answer for the owner at the PC (`ask`): no allow-list, no rate limit."""
        return self._answer(text.strip())

    def _pair(self, chat_id: int) -> None:
        with self._lock:
            on_disk = load_settings(self.paths.settings_file) if self.paths.settings_file.exists() else self.settings
            if chat_id not in on_disk.bot.allowed_chats:
                on_disk.bot.allowed_chats.append(chat_id)
            save_settings(on_disk, self.paths.settings_file)
            self.settings.bot.allowed_chats = list(on_disk.bot.allowed_chats)
        log.info("bot: chat %s paired", chat_id)
        self.on_paired(chat_id)

    def _rate_limited(self, chat_id: int) -> str | None:
        """None: go on; a sentence: the first refusal in a window; "": stay quiet."""
        now = self.clock()
        with self._lock:
            recent = self._recent.setdefault(chat_id, deque())
            while recent and now - recent[0] >= 60:
                recent.popleft()
            recent.append(now)
            over = len(recent) - self.settings.bot.per_minute
        if over <= 0:
            return None
        return RATE_LIMITED.format(n=self.settings.bot.per_minute) if over == 1 else ""

    def _answer(self, text: str) -> str:
        command, _, rest = text.partition(" ")
        command = command.split("@", 1)[0].lower()
        if command in ("/help", "/start"):
            return HELP
        if command == "/today":
            return self._report(self.store.latest_date())
        if command == "/report":
            try:
                return self._report(dt.date.fromisoformat(rest.strip()))
            except ValueError:
                return "Send the date as /report 2026-11-20."
        if command in ("/week", "/month"):
            return self.questions.answer("compare", command[1:]).text
        if command == "/sources":
            return self._sources()
        if command == "/goal":
            return self._goal()
        if command.startswith("/"):
            return "I do not know that command.\n\n" + HELP
        reply = ask(text, self.questions, self.settings, offline=self.offline, paths=self.paths)
        self.paths_taken.append(reply.path)
        return reply.text

    def _report(self, day: dt.date | None) -> str:
        report = self.store.get(day) if day else None
        if report is None:
            latest = self.store.latest_date()
            if day is None or latest is None:
                return "I have no reports yet: the first evening report starts the history."
            return f"I have no report for {day.isoformat()}. The latest is /report {latest.isoformat()}."
        return report.text

    def _sources(self) -> str:
        latest = self.store.latest_date()
        report = self.store.get(latest) if latest else None
        if report is None or not report.sources:
            return "I have no source status yet: it comes with the first report."
        lines = [f"Sources in the report of {report.date.isoformat()}:"]
        for status in report.sources:
            until = f", data to {status.last_date}" if status.last_date else ""
            lines.append(f"• {safe_label(status.name)} ({status.domain}): {status.status}{until}")
        return "\n".join(lines)

    def _goal(self) -> str:
        """Month-to-date against each monthly target, as the latest report computed it (`[goals]`)."""
        goals = getattr(self.settings, "goals", None)
        if goals is None or not any((goals.sales_monthly, goals.leads_monthly, goals.attendance_pct)):
            return "Goals are not set. Set monthly targets in Settings on the PC ([goals]) and I will track them here."
        latest = self.store.latest_date()
        report = self.store.get(latest) if latest else None
        if report is None or not report.goals:
            return "Goals are set, but no report has measured them yet: the next evening report will."
        lines = [f"Goals, month to date ({report.date.isoformat()}):"]
        for goal in report.goals:
            shown = (lambda value: f"{value:.1f}%") if goal.metric == "attendance" else (
                money if goal.metric == "sales" else (lambda value: f"{value:,.0f}"))
            line = f"{goal.metric.capitalize()}: {shown(goal.actual)} of {shown(goal.target)}"
            if goal.pct is not None:
                line += f" ({goal.pct:.0f}%)"
            if goal.met_on:
                line += f", reached on {goal.met_on}"
            elif goal.needed_per_day is not None:
                line += f"; {shown(goal.needed_per_day)} a day needed over {goal.open_days_left} open days"
            lines.append(line)
        return "\n".join(lines)

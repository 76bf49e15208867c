"""Telegram transport: the one Telethon thread, message splitting, and what each error means.

Telethon binds a client to the asyncio loop it first connected on, and the tray's GUI thread must
never wait on the network, so every Telethon call in the app runs here, on one dedicated thread
with its own loop (`run_on_telegram_thread`). The CLI goes through the same thread.

Importing this module imports Telethon (about 0.2 s): the tray imports it lazily, off its start-up path.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from html import escape
from typing import Any, Literal, Protocol, TypeVar

from telethon import errors
from telethon.extensions import html as telegram_html

log = logging.getLogger("business_orchestrator.telegram")
T = TypeVar("T")

MAX_MESSAGE = 4096  # characters after entity parsing, as Telegram counts them (UTF-16 units)
NOTE_ROOM = 200  # kept free in each part for a note added at send time ("possible duplicate")


class TelegramClientLike(Protocol):
    """The part of `telethon.TelegramClient` the app uses: the seam tests replace."""

    session: Any

    async def connect(self) -> None: ...
    async def is_user_authorized(self) -> bool: ...
    async def send_message(self, entity: Any, message: str, **kwargs: Any) -> Any: ...
    async def disconnect(self) -> None: ...


ClientFactory = Callable[[str, int, str], TelegramClientLike]


def default_client_factory(session: str, api_id: int, api_hash: str, *, timeout: int = 20) -> TelegramClientLike:
    """A real client on a StringSession; Telethon never sleeps on flood waits by itself (we schedule them)."""
    from telethon import TelegramClient
    from telethon.sessions import StringSession

    return TelegramClient(
        StringSession(session or None), api_id, api_hash, timeout=timeout, connection_retries=1, request_retries=1,
        retry_delay=1, flood_sleep_threshold=0, receive_updates=False, device_model="Business Orchestrator",
    )


class _TelegramThread:
    """One daemon thread running one asyncio loop, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def serve() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=serve, name="telegram", daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    def submit(self, coro: Awaitable[T]) -> Future[T]:
        loop = self._start()
        if threading.current_thread() is self._thread:
            raise RuntimeError("run_on_telegram_thread was called from the Telegram thread itself")
        return asyncio.run_coroutine_threadsafe(coro, loop)  # type: ignore[arg-type]


_THREAD = _TelegramThread()


def run_on_telegram_thread(coro: Awaitable[T]) -> T:
    """Run `coro` on the Telegram thread and wait for its result (call from any thread but the GUI's)."""
    return _THREAD.submit(coro).result()


# -- message text ---------------------------------------------------------------------------------------------


def visible_length(html: str) -> int:
    """Length as Telegram counts it: text after HTML entity parsing, in UTF-16 code units."""
    text, _entities = telegram_html.parse(html)
    return len(text.encode("utf-16-le")) // 2


def _split_long_line(line: str, limit: int) -> list[str]:
    """A single line too long for one message: its tags are dropped and the text cut at spaces."""
    plain, _entities = telegram_html.parse(line)
    pieces, current = [], ""
    for word in plain.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate.encode("utf-16-le")) // 2 <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(word.encode("utf-16-le")) // 2 > limit:
            pieces.append(word[: limit // 2])
            word = word[limit // 2:]
        current = word
    if current:
        pieces.append(current)
    return [escape(piece, quote=False) for piece in pieces]


def split_message(html: str, limit: int = MAX_MESSAGE - NOTE_ROOM) -> list[str]:
    """Telegram HTML cut on line boundaries into parts of at most `limit` visible characters.

    Our HTML keeps every tag within one line, so a cut between lines never breaks a tag.
    """
    parts: list[str] = []
    current: list[str] = []
    for line in html.split("\n"):
        pieces = [line] if visible_length(line) <= limit else _split_long_line(line, limit)
        for piece in pieces:
            candidate = "\n".join([*current, piece])
            if current and visible_length(candidate) > limit:
                parts.append("\n".join(current).strip("\n"))
                current = [piece]
            else:
                current.append(piece)
    if current and "\n".join(current).strip():
        parts.append("\n".join(current).strip("\n"))
    return [part for part in parts if part.strip()]


def chat_entity(destination: str) -> int | str:
    """A destination from settings as Telethon takes it: numeric ids as int, '@name' and 'me' as they are."""
    text = destination.strip()
    return int(text) if text.lstrip("-").isdigit() else text


# -- what an error means ----------------------------------------------------------------------------------------

Kind = Literal["flood", "network", "auth", "destination", "message", "unexpected"]
TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError, OSError, TimeoutError, asyncio.TimeoutError, errors.ServerError, errors.TimedOutError,
    errors.FloodError,
)
AUTH_ERRORS: tuple[type[BaseException], ...] = (errors.UnauthorizedError, errors.AuthKeyError)
RELOGIN = ("Run `business-orchestrator telegram login` (or Settings → Channels → Telegram → Sign in); waiting "
           "reports go out then.")


@dataclass(frozen=True)
class Outcome:
    """How the sender treats a failed send: wait `wait_seconds` and retry, or stop with `sentence`."""

    kind: Kind
    sentence: str
    wait_seconds: int | None = None

    @property
    def permanent(self) -> bool:
        return self.kind not in ("flood", "network")


def not_allowed_destination(destination: str, account: str) -> str | None:
    """A destination that cannot work for this account, caught before any network call."""
    if account == "bot" and destination.strip().lower() == "me":
        return ("A bot has no Saved Messages ('me'): set the destination to your numeric chat id or @username, "
                "and open the bot in Telegram and press Start.")
    return None


def _entity_not_found(exc: BaseException) -> bool:
    """Telethon raises a plain ValueError when it cannot resolve a chat ("Cannot find any entity ...")."""
    return isinstance(exc, ValueError) and "entity" in str(exc).lower()


def classify(exc: BaseException, destination: str, account: str) -> Outcome:
    """Turn a Telethon (or network) error into a retry plan or a sentence for the owner."""
    start = " Open the bot in Telegram and press Start, then retry." if account == "bot" else ""
    if isinstance(exc, errors.FloodWaitError | errors.SlowModeWaitError | errors.FloodPremiumWaitError):
        return Outcome("flood", f"Telegram asked to wait {exc.seconds} s before sending again", exc.seconds)
    if isinstance(exc, AUTH_ERRORS):
        return Outcome("auth", f"Telegram no longer accepts this app's sign-in ({exc.__class__.__name__}). {RELOGIN}")
    if isinstance(exc, errors.UserIsBlockedError):
        return Outcome("destination", f"Telegram refused to deliver to {destination}: the bot is blocked or was "
                       "never started there. Open the bot in Telegram and press Start (or Unblock), then retry.")
    if isinstance(exc, errors.ChatWriteForbiddenError | errors.ChatAdminRequiredError | errors.ChatRestrictedError
                  | errors.UserBannedInChannelError):
        return Outcome("destination", f"This account may not post in {destination}: add it to the chat with "
                       "permission to send messages, then retry.")
    if isinstance(exc, errors.ChannelPrivateError):
        return Outcome("destination", f"{destination} is private or this account was removed from it: add it back, "
                       "then retry.")
    if isinstance(exc, errors.UsernameNotOccupiedError | errors.UsernameInvalidError):
        return Outcome("destination", f"No Telegram chat is called {destination}: check the @username in "
                       "settings.toml ([telegram] destinations).")
    if isinstance(exc, errors.PeerIdInvalidError | errors.ChatIdInvalidError | errors.UserIdInvalidError
                  | errors.InputUserDeactivatedError) or _entity_not_found(exc):
        return Outcome("destination", f"Telegram does not know chat {destination} for this account: check the id "
                       f"in settings.toml ([telegram] destinations).{start}")
    if isinstance(exc, errors.MessageTooLongError | errors.EntityBoundsInvalidError | errors.MessageEmptyError):
        return Outcome("message", f"Telegram refused the message's format ({exc.__class__.__name__}); edit the "
                       "report text in the outbox and retry.")
    if isinstance(exc, errors.ForbiddenError | errors.BadRequestError):
        return Outcome("destination", f"Telegram refused to deliver to {destination}: {exc.message}.{start}")
    if isinstance(exc, TRANSIENT):
        return Outcome("network", f"could not reach Telegram ({exc.__class__.__name__}: {exc})")
    return Outcome("unexpected", f"unexpected error while sending ({exc.__class__.__name__}: {exc}); "
                   "details are in the log file")

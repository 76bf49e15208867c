"""The bot on the Telegram thread: a Telethon NewMessage handler that answers through `Bot.handle`.

The handler runs on the one Telegram loop (`run_on_telegram_thread`'s), but the answer is computed
in a thread pool (`run_in_executor`), so sends on the same loop never wait for a question.

Its own sign-in. The listener holds a connection open for hours while the evening report is sent
by another process (the tray's report process, `send-pending`), and one Telegram authorisation key
must not be used by two processes at once. So the listener signs the bot in once with the bot token
into a session of its own (`Secret.TELEGRAM_LISTENER_SESSION`, in the keyring like the sender's)
and never touches the sender's `Secret.TELEGRAM_SESSION`. Two keys for one bot are ordinary for
Telegram. A user account cannot get a second key without a login code, so questions need a bot.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from filelock import FileLock, Timeout

from ..channels.telegram import _THREAD, MAX_MESSAGE, NOTE_ROOM, ClientFactory
from ..channels.telegram_auth import NotSignedIn, connect_signed_in, keep_session, load_credentials, make_client
from ..secrets import Secret, get_secret
from .commands import Bot

log = logging.getLogger("business_orchestrator.bot")
LOCK_FILE = "bot_listener.lock"
NEEDS_BOT = ("Questions in Telegram need a bot account: sign in with a bot token (Settings → Channels → Telegram, "
             "Send as: a bot), so the bot can answer while your reports keep their own sign-in.")


class AlreadyListening(Exception):
    """Another process of this app (the tray, or `business-orchestrator bot`) holds the listener session."""


def listener_client_factory(session: str, api_id: int, api_hash: str) -> Any:
    """A real client that receives updates (the sender's client does not)."""
    from telethon import TelegramClient
    from telethon.sessions import StringSession

    return TelegramClient(StringSession(session or None), api_id, api_hash, connection_retries=5,
                          flood_sleep_threshold=0, device_model="Business Orchestrator")


def _parts(text: str, limit: int = MAX_MESSAGE - NOTE_ROOM) -> list[str]:
    return [text[start:start + limit] for start in range(0, len(text), limit)] or [""]


class Listener:
    """Connects once, answers messages until `stop()`; everything Telethon runs on the Telegram thread."""

    def __init__(self, bot: Bot, client_factory: ClientFactory | None = None, workers: int = 2):
        self.bot = bot
        self.client_factory = client_factory or listener_client_factory
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bot-answer")
        self.client: Any = None
        self._stopped: asyncio.Event | None = None
        self._stop_asked = False  # stop() before the handler is registered: `_run` ends as soon as it sees it

    def start(self) -> Future[None]:
        """Start listening on the Telegram thread; the future ends when the listener stops (or fails).

        One listener per data folder: two would share the listener's session (the tray's bot and a
        `business-orchestrator bot` in a terminal). The lock ends with the listener or the process."""
        paths = self.bot.paths
        paths.data.mkdir(parents=True, exist_ok=True)
        lock = FileLock(paths.data / LOCK_FILE, thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise AlreadyListening("another Business Orchestrator is already answering in Telegram (the tray app, "
                                   "or `business-orchestrator bot`): one at a time") from None
        return _THREAD.submit(self._locked(lock))

    async def _locked(self, lock: FileLock) -> None:
        try:
            await self._run()
        finally:
            lock.release()  # after the disconnect (or a failure), before the caller hears the listener ended

    async def _run(self) -> None:
        from telethon import events

        self._stopped = asyncio.Event()
        if self._stop_asked:
            return
        credentials = load_credentials()
        if not credentials.bot_token:
            raise NotSignedIn(NEEDS_BOT)
        own = replace(credentials, session=get_secret(Secret.TELEGRAM_LISTENER_SESSION) or "")
        self.client = make_client(self.client_factory, own)
        await connect_signed_in(self.client, own)  # signs the bot in from its token the first time
        keep_session(self.client, own.session, Secret.TELEGRAM_LISTENER_SESSION)
        if self._stop_asked:
            await self.client.disconnect()
            return
        self.client.add_event_handler(self.on_message, events.NewMessage(incoming=True))
        log.info("bot: listening for messages")
        try:
            await self._stopped.wait()
        finally:
            self.client.remove_event_handler(self.on_message)
            await self.client.disconnect()

    async def on_message(self, event: Any) -> None:
        chat_id, text = event.chat_id, event.raw_text or ""
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self.pool, self.bot.handle, chat_id, text)
        if not reply:
            return
        try:
            for part in _parts(reply):
                await self.client.send_message(chat_id, part, parse_mode=None)
        except Exception as exc:  # one failed reply must not stop the listener
            log.warning("bot: could not reply to chat %s (%s)", chat_id, exc.__class__.__name__)

    def stop(self) -> None:
        self._stop_asked = True
        stopped = self._stopped
        if stopped is not None:
            _THREAD.submit(_set(stopped)).result()
        self.pool.shutdown(wait=False, cancel_futures=True)


async def _set(event: asyncio.Event) -> None:
    event.set()

"""The bot on the Telegram thread: a Telethon NewMessage handler that answers through `Bot.handle`.

The handler runs on the one Telegram loop (`run_on_telegram_thread`'s), but the answer is computed
in a thread pool (`run_in_executor`), so the evening report's sends on the same loop never wait for
a question, and a question never waits for the report.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..channels.telegram import _THREAD, MAX_MESSAGE, NOTE_ROOM, ClientFactory
from ..channels.telegram_auth import connect_signed_in, load_credentials, make_client
from .commands import Bot

log = logging.getLogger("business_orchestrator.bot")


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
        self._ready: Future[None] | None = None

    def start(self) -> Future[None]:
        """Start listening on the Telegram thread; the future ends when the listener stops."""
        return _THREAD.submit(self._run())

    async def _run(self) -> None:
        from telethon import events

        credentials = load_credentials()
        self.client = make_client(self.client_factory, credentials)
        await connect_signed_in(self.client, credentials)
        self._stopped = asyncio.Event()
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
        stopped = self._stopped
        if stopped is not None:
            _THREAD.submit(_set(stopped)).result()
        self.pool.shutdown(wait=False, cancel_futures=True)


async def _set(event: asyncio.Event) -> None:
    event.set()

"""A scripted stand-in for `telethon.TelegramClient`: the one seam this machine cannot reach for real.

Scripts hold Telethon's real exception instances; everything the fake is asked is recorded,
with the thread and loop it was asked on, so tests can check the one-Telethon-thread rule.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from telethon import errors

SESSION = "1FakeSessionStringFromTheTestThatMustNeverReachAFile"


class FakeSession:
    def __init__(self, value: str):
        self.value = value

    def save(self) -> str:
        return self.value


@dataclass
class Sent:
    entity: Any
    text: str
    parse_mode: str | None
    message_id: int


@dataclass
class FakeTelegram:
    """The factory (`client_factory`) and the shared state of every client it made."""

    authorized: bool = True
    connect_script: list[BaseException | None] = field(default_factory=list)
    send_script: list[BaseException | None] = field(default_factory=list)
    entity_errors: dict[Any, BaseException] = field(default_factory=dict)
    needs_password: bool = False
    password: str = "two-step"
    new_session: str = SESSION
    on_send: Callable[[Sent], None] | None = None
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    loops: set[int] = field(default_factory=set)
    made: list[tuple[str, int, str]] = field(default_factory=list)
    next_id: int = 100

    def __call__(self, session: str, api_id: int, api_hash: str) -> FakeClient:
        self.made.append((session, api_id, api_hash))
        return FakeClient(self, session)


class FakeClient:
    def __init__(self, telegram: FakeTelegram, session: str):
        self.t = telegram
        self.session = FakeSession(session)
        self.connected = False

    def _note(self, call: str) -> None:
        self.t.calls.append(call)
        self.t.threads.add(threading.current_thread().name)
        self.t.loops.add(id(asyncio.get_running_loop()))

    async def connect(self) -> None:
        self._note("connect")
        if self.t.connect_script:
            problem = self.t.connect_script.pop(0)
            if problem is not None:
                raise problem
        self.connected = True

    async def is_user_authorized(self) -> bool:
        self._note("is_user_authorized")
        return self.t.authorized and bool(self.session.value)

    async def send_message(self, entity: Any, message: str, parse_mode: str | None = None, **kwargs: Any) -> Any:
        self._note("send_message")
        assert self.connected, "send_message before connect"
        if self.t.send_script:
            problem = self.t.send_script.pop(0)
            if problem is not None:
                raise problem
        self.t.next_id += 1
        sent = Sent(entity, message, parse_mode, self.t.next_id)
        self.t.sent.append(sent)
        if self.t.on_send:
            self.t.on_send(sent)
        return SimpleNamespace(id=self.t.next_id)

    async def disconnect(self) -> None:
        self._note("disconnect")
        self.connected = False

    async def sign_in(self, phone: str | None = None, code: str | None = None, *, password: str | None = None,
                      bot_token: str | None = None, phone_code_hash: str | None = None) -> Any:
        self._note("sign_in")
        if bot_token is not None:
            if not bot_token.count(":"):
                raise errors.AccessTokenInvalidError(request=None)
        elif password is not None:
            if password != self.t.password:
                raise errors.PasswordHashInvalidError(request=None)
        elif code != "12345":
            raise errors.PhoneCodeInvalidError(request=None)
        elif self.t.needs_password:
            raise errors.SessionPasswordNeededError(request=None)
        self.session.value = self.t.new_session
        self.t.authorized = True
        return await self.get_me()

    async def send_code_request(self, phone: str) -> Any:
        self._note("send_code_request")
        return SimpleNamespace(phone_code_hash="hash")

    async def get_me(self) -> Any:
        return SimpleNamespace(id=42, username="shop_report_bot", first_name="Shop", last_name=None)

    async def get_input_entity(self, entity: Any) -> Any:
        self._note("get_input_entity")
        if entity in self.t.entity_errors:
            raise self.t.entity_errors[entity]
        return SimpleNamespace(id=entity)

    async def log_out(self) -> bool:
        self._note("log_out")
        return True


class FakeClock:
    """`now` and `sleep` for the sender: sleeping advances the clock, nobody waits."""

    def __init__(self, start: dt.datetime):
        self.moment = start
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += dt.timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

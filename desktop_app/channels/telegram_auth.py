"""Telegram sign-in, sign-out, status and a test message: the functions the CLI and the settings dialog share.

Credentials (api_id, api_hash, bot token) and the session live only in the OS keyring; the session
is a Telethon `StringSession`, so a bot or user signs in once, not on every send (signing a bot in
on every start earns a FloodWait). Every Telethon call runs on the Telegram thread; these functions
block the caller, so call them from a worker, never from the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from telethon import errors

from ..secrets import Secret, SecretStoreUnavailable, delete_secret, get_secret, keyring_status, set_secret
from ..settings import Settings
from .telegram import (
    AUTH_ERRORS,
    RELOGIN,
    TRANSIENT,
    ClientFactory,
    TelegramClientLike,
    chat_entity,
    classify,
    default_client_factory,
    not_allowed_destination,
    run_on_telegram_thread,
)

log = logging.getLogger("business_orchestrator.telegram")
ENV_HINT = ("set BO_TELEGRAM_API_ID, BO_TELEGRAM_API_HASH and BO_TELEGRAM_BOT_TOKEN in the environment instead "
            "(the bot then signs in on each send); secrets are never written to a plain file")


class NotSignedIn(Exception):
    """No usable Telegram credentials; the message says how to sign in."""


DAMAGED_SESSION = ("the Telegram session kept in the OS keyring is damaged: run `business-orchestrator telegram "
                   "logout`, then `business-orchestrator telegram login`")


class LoginError(Exception):
    """Sign-in failed; the message is a sentence for the owner."""


@dataclass(frozen=True)
class Credentials:
    api_id: int
    api_hash: str
    session: str
    bot_token: str | None


@dataclass(frozen=True)
class LoginResult:
    account: Literal["bot", "user"]
    name: str  # "@shop_report_bot" or "Ramesh Patel"


def load_credentials() -> Credentials:
    """Everything the sender needs, from the keyring (or the BO_TELEGRAM_* environment variables)."""
    api_id, api_hash = get_secret(Secret.TELEGRAM_API_ID), get_secret(Secret.TELEGRAM_API_HASH)
    if not api_id or not api_hash:
        raise NotSignedIn("Telegram is not set up: run `business-orchestrator telegram login` with the api_id and "
                          "api_hash from my.telegram.org (or set BO_TELEGRAM_API_ID and BO_TELEGRAM_API_HASH).")
    try:
        number = int(api_id)
    except ValueError as exc:
        raise NotSignedIn("the stored Telegram api_id is not a number: run `business-orchestrator telegram login` "
                          "again") from exc
    session, bot_token = get_secret(Secret.TELEGRAM_SESSION) or "", get_secret(Secret.TELEGRAM_BOT_TOKEN)
    if not session and not bot_token:
        raise NotSignedIn("Telegram is not signed in: run `business-orchestrator telegram login` "
                          "(a bot token, or your phone number).")
    return Credentials(number, api_hash, session, bot_token)


def keep_session(client: TelegramClientLike, previous: str, secret: Secret = Secret.TELEGRAM_SESSION) -> None:
    """Store the session again when Telethon changed it (a new data centre, a fresh bot sign-in).

    `secret` is the sender's session, or the question bot's own (Secret.TELEGRAM_LISTENER_SESSION)."""
    current = client.session.save()
    if current and current != previous:
        try:
            set_secret(secret, current)
        except SecretStoreUnavailable:
            log.warning("the Telegram session cannot be kept (no keyring): the bot signs in on every start")


def make_client(factory: ClientFactory, credentials: Credentials) -> TelegramClientLike:
    """A client on the stored session; a session string Telethon cannot read is a sign-in problem, not a crash."""
    try:
        return factory(credentials.session, credentials.api_id, credentials.api_hash)
    except (ValueError, struct.error) as exc:  # StringSession: bad base64, wrong length
        log.warning("the stored Telegram session cannot be read: %s", exc.__class__.__name__)
        raise NotSignedIn(DAMAGED_SESSION) from exc


async def connect_signed_in(client: TelegramClientLike, credentials: Credentials) -> None:
    """Connect, and sign a bot in again from its token when the session is missing; a user must log in by hand."""
    await client.connect()
    if await client.is_user_authorized():
        return
    if credentials.bot_token:
        await client.sign_in(bot_token=credentials.bot_token)  # type: ignore[attr-defined]
        return
    raise NotSignedIn(f"Telegram no longer accepts this app's sign-in. {RELOGIN}")


def _factory(client_factory: ClientFactory | None) -> ClientFactory:
    return client_factory or default_client_factory


def _require_keyring() -> None:
    ok, detail = keyring_status()
    if not ok:
        raise SecretStoreUnavailable(f"secure storage (OS keyring) is unavailable ({detail}); {ENV_HINT}.")


def _login_error(exc: BaseException) -> LoginError:
    if isinstance(exc, errors.AccessTokenInvalidError | errors.AccessTokenExpiredError):
        return LoginError("Telegram does not accept this bot token: copy it again from @BotFather.")
    if isinstance(exc, errors.ApiIdInvalidError):
        return LoginError("Telegram does not accept this api_id/api_hash pair: copy both again from my.telegram.org.")
    if isinstance(exc, errors.PhoneNumberInvalidError | errors.PhoneNumberUnoccupiedError):
        return LoginError("Telegram does not know this phone number: write it with the country code, e.g. "
                          "+919812345678.")
    if isinstance(exc, errors.PhoneCodeInvalidError):
        return LoginError("That code is not right: type the code Telegram just sent, digits only.")
    if isinstance(exc, errors.PhoneCodeExpiredError):
        return LoginError("That code has expired: start the sign-in again to get a new one.")
    if isinstance(exc, errors.PasswordHashInvalidError):
        return LoginError("That two-step verification password is not right.")
    if isinstance(exc, errors.FloodWaitError):
        return LoginError(f"Telegram asks to wait {exc.seconds} s before signing in again.")
    if isinstance(exc, TRANSIENT):
        return LoginError(f"Could not reach Telegram ({exc.__class__.__name__}); check the internet connection.")
    return LoginError(f"Telegram refused the sign-in ({exc.__class__.__name__}: {exc}).")


def _store_login(api_id: int, api_hash: str, session: str, bot_token: str | None) -> None:
    set_secret(Secret.TELEGRAM_API_ID, str(api_id))
    set_secret(Secret.TELEGRAM_API_HASH, api_hash)
    set_secret(Secret.TELEGRAM_SESSION, session)
    delete_secret(Secret.TELEGRAM_LISTENER_SESSION)  # the question bot signs in afresh for the new account
    if bot_token:
        set_secret(Secret.TELEGRAM_BOT_TOKEN, bot_token)
    else:
        delete_secret(Secret.TELEGRAM_BOT_TOKEN)


def _requeue_after_login(history_db: Path | None, now: dt.datetime | None) -> None:
    from ..outbox import Outbox
    from ..paths import app_paths

    count = Outbox(history_db or app_paths().history_db).requeue_auth_failures(now=now)
    if count:
        log.info("%d delivery(ies) that failed for want of a sign-in are queued again", count)


def _display_name(me: Any) -> str:
    if getattr(me, "username", None):
        return f"@{me.username}"
    return " ".join(part for part in (getattr(me, "first_name", None), getattr(me, "last_name", None)) if part) \
        or str(getattr(me, "id", "?"))


def login_bot(api_id: int, api_hash: str, bot_token: str, *, client_factory: ClientFactory | None = None,
              history_db: Path | None = None, now: dt.datetime | None = None) -> LoginResult:
    """Sign a bot in once and keep its session in the keyring; failed-for-auth reports are queued again.

    `now` is when the re-queued reports become due (the wall clock unless a caller runs on another).
    """
    _require_keyring()
    factory = _factory(client_factory)

    async def sign_in() -> tuple[str, Any]:
        client = factory("", int(api_id), api_hash)
        try:
            await client.connect()
            await client.sign_in(bot_token=bot_token)  # type: ignore[attr-defined]
            me = await client.get_me()  # type: ignore[attr-defined]
            return client.session.save(), me
        finally:
            await client.disconnect()

    try:
        session, me = run_on_telegram_thread(sign_in())
    except (errors.RPCError, *TRANSIENT) as exc:
        raise _login_error(exc) from exc
    _store_login(int(api_id), api_hash, session, bot_token)
    _requeue_after_login(history_db, now)
    return LoginResult("bot", _display_name(me))


class UserLogin:
    """Phone -> code -> (two-step password): a sign-in a dialog or the CLI drives one step at a time.

    The client stays connected between steps on the Telegram thread; call `cancel()` if the owner gives up.
    """

    def __init__(self, api_id: int, api_hash: str, phone: str, *, client_factory: ClientFactory | None = None,
                 history_db: Path | None = None, now: dt.datetime | None = None):
        self.api_id, self.api_hash, self.phone = int(api_id), api_hash, phone.strip()
        self._factory = _factory(client_factory)
        self._history_db, self._now = history_db, now
        self._client: TelegramClientLike | None = None
        self.needs_password = False
        self.result: LoginResult | None = None

    def _run(self, step: Callable[[], Any]) -> Any:
        try:
            return run_on_telegram_thread(step())
        except (errors.SessionPasswordNeededError, LoginError):
            raise
        except (errors.RPCError, *TRANSIENT) as exc:
            raise _login_error(exc) from exc

    def send_code(self) -> None:
        """Connect and ask Telegram to send the login code (to the Telegram app, or by SMS)."""
        _require_keyring()

        async def step() -> None:
            if self._client is None:
                self._client = self._factory("", self.api_id, self.api_hash)
                await self._client.connect()
            await self._client.send_code_request(self.phone)  # type: ignore[attr-defined]

        self._run(step)

    def submit_code(self, code: str) -> bool:
        """True when signed in; False when the account has a two-step password (call `submit_password`)."""
        if self._client is None:
            raise LoginError("Ask for a code first.")
        client = self._client

        async def step() -> None:
            await client.sign_in(phone=self.phone, code=code.strip().replace(" ", ""))  # type: ignore[attr-defined]

        try:
            self._run(step)
        except errors.SessionPasswordNeededError:
            self.needs_password = True
            return False
        self._finish()
        return True

    def submit_password(self, password: str) -> LoginResult:
        if self._client is None:
            raise LoginError("Ask for a code first.")
        client = self._client

        async def step() -> None:
            await client.sign_in(password=password)  # type: ignore[attr-defined]

        self._run(step)
        return self._finish()

    def _finish(self) -> LoginResult:
        client = self._client
        assert client is not None

        async def step() -> tuple[str, Any]:
            try:
                return client.session.save(), await client.get_me()  # type: ignore[attr-defined]
            finally:
                await client.disconnect()

        session, me = self._run(step)
        self._client = None
        _store_login(self.api_id, self.api_hash, session, None)
        _requeue_after_login(self._history_db, self._now)
        self.result = LoginResult("user", _display_name(me))
        return self.result

    def cancel(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            run_on_telegram_thread(client.disconnect())


def start_user_login(api_id: int, api_hash: str, phone: str, *, client_factory: ClientFactory | None = None,
                     history_db: Path | None = None) -> UserLogin:
    """Begin a user sign-in: Telegram sends a code; then `finish_user_login(login, code, password)`."""
    login = UserLogin(api_id, api_hash, phone, client_factory=client_factory, history_db=history_db)
    login.send_code()
    return login


def finish_user_login(login: UserLogin, code: str, password: str | None = None) -> LoginResult:
    """Complete it with the code (and the two-step password when the account has one)."""
    if login.needs_password or not login.submit_code(code):
        if password is None:
            raise LoginError("This account has two-step verification: enter its password.")
        return login.submit_password(password)
    assert login.result is not None
    return login.result


def logout(*, client_factory: ClientFactory | None = None, forget_app: bool = False) -> str:
    """End the session at Telegram when reachable, and remove it (and the bot token) from the keyring."""
    note = "signed out"
    try:
        credentials = load_credentials()
    except NotSignedIn:
        credentials = None
    if credentials and credentials.session:
        factory = _factory(client_factory)

        async def sign_out() -> None:
            client = make_client(factory, credentials)
            try:
                await client.connect()
                await client.log_out()  # type: ignore[attr-defined]
            finally:
                await client.disconnect()

        try:
            run_on_telegram_thread(sign_out())
        except NotSignedIn:
            note = ("removed from this computer; the stored session was damaged, so Telegram could not be told: end "
                    "the session under Settings → Devices in Telegram")
        except (errors.RPCError, *TRANSIENT) as exc:
            note = (f"removed from this computer; Telegram could not be told ({exc.__class__.__name__}), so end the "
                    "session under Settings → Devices in Telegram")
    for secret in (Secret.TELEGRAM_SESSION, Secret.TELEGRAM_LISTENER_SESSION, Secret.TELEGRAM_BOT_TOKEN):
        delete_secret(secret)
    if forget_app:
        delete_secret(Secret.TELEGRAM_API_ID)
        delete_secret(Secret.TELEGRAM_API_HASH)
    return note


async def _open(factory: ClientFactory, credentials: Credentials) -> TelegramClientLike:
    client = make_client(factory, credentials)
    await connect_signed_in(client, credentials)
    keep_session(client, credentials.session)
    return client


def _with_client(settings: Settings, client_factory: ClientFactory | None,
                 work: Callable[[TelegramClientLike], Awaitable[tuple[bool, str]]]) -> tuple[bool, str]:
    """Open the stored session on the Telegram thread, run `work`, and turn sign-in and connection
    problems into the sentence the owner reads (status and test message share this)."""
    try:
        credentials = load_credentials()
    except (NotSignedIn, SecretStoreUnavailable) as exc:
        return False, str(exc)
    factory = _factory(client_factory)

    async def run() -> tuple[bool, str]:
        client = await _open(factory, credentials)
        try:
            return await work(client)
        finally:
            await client.disconnect()

    try:
        return run_on_telegram_thread(run())
    except NotSignedIn as exc:
        return False, str(exc)
    except (errors.RPCError, *TRANSIENT) as exc:
        return False, classify(exc, "", settings.telegram.account).sentence


def telegram_status(settings: Settings, *, client_factory: ClientFactory | None = None) -> tuple[bool, str]:
    """For `doctor` and the settings dialog: is the session authorised and every chat reachable?"""
    telegram = settings.telegram
    if not telegram.enabled:
        return True, "off ([telegram] enabled = false)"
    if not telegram.destinations:
        return False, "enabled but no destination: set [telegram] destinations (a chat id, @username or me)"

    async def check(client: TelegramClientLike) -> tuple[bool, str]:
        me = await client.get_me()  # type: ignore[attr-defined]
        lines = [f"signed in as {_display_name(me)}"]
        for destination in telegram.destinations:
            problem = not_allowed_destination(destination, telegram.account)
            if problem is None:
                try:
                    await client.get_input_entity(chat_entity(destination))  # type: ignore[attr-defined]
                except (errors.RPCError, ValueError) as exc:
                    problem = classify(exc, destination, telegram.account).sentence
            lines.append(f"{destination}: " + (problem or "reachable"))
        return all(line.endswith(("reachable",)) for line in lines[1:]), "; ".join(lines)

    return _with_client(settings, client_factory, check)


def send_test_message(settings: Settings, *, client_factory: ClientFactory | None = None) -> tuple[bool, str]:
    """Post a short test message to every destination, outside the outbox (nothing is queued or retried)."""
    telegram = settings.telegram
    if not telegram.destinations:
        return False, "no destination: set [telegram] destinations first"

    async def send(client: TelegramClientLike) -> tuple[bool, str]:
        results = []
        for destination in telegram.destinations:
            problem = not_allowed_destination(destination, telegram.account)
            if problem:
                results.append((False, f"{destination}: {problem}"))
                continue
            try:
                await client.send_message(chat_entity(destination), "✅ Business Orchestrator can post here.",
                                          parse_mode="html", link_preview=False)
                results.append((True, f"{destination}: sent"))
            except (errors.RPCError, ValueError, *TRANSIENT) as exc:
                results.append((False, f"{destination}: {classify(exc, destination, telegram.account).sentence}"))
        return all(ok for ok, _ in results), "; ".join(text for _, text in results)

    return _with_client(settings, client_factory, send)


__all__ = [
    "AUTH_ERRORS", "Credentials", "LoginError", "LoginResult", "NotSignedIn", "UserLogin", "finish_user_login",
    "load_credentials", "login_bot", "logout", "send_test_message", "start_user_login", "telegram_status",
]

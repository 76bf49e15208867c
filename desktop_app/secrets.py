"""Secrets (LLM key, Telegram credentials and session) live only in the OS keyring.

An environment variable, when set, is used instead (servers, CI, headless Linux with no Secret
Service). There is deliberately no file fallback: a secret is never written to disk by us.
Keyring calls can block on an unlock prompt, so never call these from the GUI thread.
"""

from __future__ import annotations

import os
import re
import sys
from enum import StrEnum

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

SERVICE = "business-orchestrator"


class Secret(StrEnum):
    LLM_API_KEY = "llm_api_key"
    TELEGRAM_API_ID = "telegram_api_id"
    TELEGRAM_API_HASH = "telegram_api_hash"
    TELEGRAM_BOT_TOKEN = "telegram_bot_token"
    TELEGRAM_SESSION = "telegram_session"
    TELEGRAM_LISTENER_SESSION = "telegram_listener_session"  # the question bot's own sign-in (bot/listener.py)
    EMAIL_PASSWORD = "email_password"
    SLACK_WEBHOOK_URL = "slack_webhook_url"
    WHATSAPP_TOKEN = "whatsapp_token"
    HISTORY_DB_PASSWORD = "history_db_password"  # the shared history's PostgreSQL role (issue 19)


ENV_FALLBACK: dict[Secret, str] = {
    Secret.LLM_API_KEY: "BO_LLM_API_KEY",
    Secret.TELEGRAM_API_ID: "BO_TELEGRAM_API_ID",
    Secret.TELEGRAM_API_HASH: "BO_TELEGRAM_API_HASH",
    Secret.TELEGRAM_BOT_TOKEN: "BO_TELEGRAM_BOT_TOKEN",
    Secret.EMAIL_PASSWORD: "BO_EMAIL_PASSWORD",
    Secret.SLACK_WEBHOOK_URL: "BO_SLACK_WEBHOOK_URL",
    Secret.WHATSAPP_TOKEN: "BO_WHATSAPP_TOKEN",
    Secret.HISTORY_DB_PASSWORD: "BO_HISTORY_DB_PASSWORD",
}


class SecretStoreUnavailable(Exception):
    """No working keyring backend; the message tells the user what to do instead."""


def _unavailable(secret: Secret, exc: Exception) -> SecretStoreUnavailable:
    env = ENV_FALLBACK.get(secret)
    hint = f"set the environment variable {env} instead" if env else "install and unlock a keyring (Secret Service, " \
        "Windows Credential Manager or macOS Keychain)"
    return SecretStoreUnavailable(f"secure storage (OS keyring) is unavailable: {exc}; {hint}. "
                                  "Secrets are never written to a plain file.")


def get_secret(secret: Secret) -> str | None:
    """The environment variable wins when set; else the keyring; None when neither has it."""
    env = ENV_FALLBACK.get(secret)
    if env and os.environ.get(env):
        return os.environ[env]
    try:
        return keyring.get_password(SERVICE, secret.value)
    except KeyringError as exc:
        raise _unavailable(secret, exc) from exc


def set_secret(secret: Secret, value: str) -> None:
    try:
        keyring.set_password(SERVICE, secret.value, value)
    except KeyringError as exc:
        raise _unavailable(secret, exc) from exc


def delete_secret(secret: Secret) -> None:
    try:
        keyring.delete_password(SERVICE, secret.value)
    except PasswordDeleteError:
        pass  # nothing stored: already in the state the caller wants
    except KeyringError as exc:
        raise _unavailable(secret, exc) from exc


def _source_user(source: str, field: str) -> str:
    return f"source:{source}:{field}"


def source_env_name(source: str, field: str) -> str:
    """BO_SOURCE_<NAME>_<FIELD>: a live source's secret from the environment (CI, headless servers)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", source).strip("_").upper()
    return f"BO_SOURCE_{slug}_{field.upper()}"


def get_source_secret(source: str, field: str) -> str | None:
    """A live source's secret (shop token, consumer secret...): environment first, then the keyring."""
    env = source_env_name(source, field)
    if os.environ.get(env):
        return os.environ[env]
    try:
        return keyring.get_password(SERVICE, _source_user(source, field))
    except KeyringError as exc:
        raise SecretStoreUnavailable(f"secure storage (OS keyring) is unavailable: {exc}; set the environment "
                                     f"variable {env} instead. Secrets are never written to a plain file.") from exc


def set_source_secret(source: str, field: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, _source_user(source, field), value)
    except KeyringError as exc:
        raise SecretStoreUnavailable(f"secure storage (OS keyring) is unavailable: {exc}; set the environment "
                                     f"variable {source_env_name(source, field)} instead.") from exc


def delete_source_secret(source: str, field: str) -> None:
    try:
        keyring.delete_password(SERVICE, _source_user(source, field))
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise SecretStoreUnavailable(f"secure storage (OS keyring) is unavailable: {exc}") from exc


def keyring_status() -> tuple[bool, str]:
    """Whether secrets can be stored, and the backend's name, for `doctor` and the settings dialog."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    try:
        backend.get_password(SERVICE, "probe")
    except KeyringError as exc:
        return False, f"{name}: {exc}"
    return True, name


_STORE_NAMES = {"win32": "Windows Credential Manager", "darwin": "the macOS Keychain"}
_FIX = {
    "win32": "Windows Credential Manager could not be used; sign in to Windows with your own account (not a "
             "service account) and try again",
    "darwin": "the macOS Keychain could not be used; open Keychain Access and unlock the 'login' keychain",
    "linux": "this Linux session has no keyring service (GNOME Keyring or KWallet, reached over D-Bus); start the "
             "app from a desktop session where one runs",
}
_ENV_NAMES = "BO_LLM_API_KEY, BO_TELEGRAM_API_ID, BO_TELEGRAM_API_HASH, BO_TELEGRAM_BOT_TOKEN"


def keyring_advice(platform: str | None = None) -> tuple[bool, str]:
    """What the keyring state means for the owner on this OS (for `doctor`), instead of the library's raw text."""
    platform = platform or sys.platform
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    os_key = platform if platform in _FIX else "linux"
    if name.startswith("keyrings.alt"):
        return False, (f"the keyring package uses {name}, which writes secrets to a plain file: uninstall "
                       "keyrings.alt so they go to the OS keyring instead")
    if name == "keyring.backends.null.Keyring":
        return False, ("off: the 'null' keyring is selected (PYTHON_KEYRING_BACKEND), so nothing can be kept; "
                       f"keys and the Telegram sign-in come only from the environment ({_ENV_NAMES})")
    ok, _detail = keyring_status()
    if ok:
        store = _STORE_NAMES.get(platform, "the Secret Service (GNOME Keyring or KWallet)")
        return True, f"ok: secrets are kept in {store} ({name})"
    return False, (f"UNAVAILABLE: {_FIX[os_key]}. Until then the app cannot keep your AI key or Telegram sign-in; "
                   f"set them in the environment instead ({_ENV_NAMES}). Secrets are never written to a plain file.")

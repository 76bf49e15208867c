"""import-seed moves the seed's Telegram setup: .env values to keyring and settings, .session to a StringSession."""

from __future__ import annotations

import os

from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession, StringSession

from desktop_app.history import HistoryStore
from desktop_app.secrets import SERVICE, Secret, get_secret, set_secret
from desktop_app.seed import import_seed
from desktop_app.settings import Settings

from .outbox_helpers import API_HASH, paths


def seed_folder(tmp_path, env: str, *, session: bool = True):
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / ".env").write_text(env, encoding="utf-8")
    key = os.urandom(256)
    if session:
        telethon_session = SQLiteSession(str(folder / "business_bot"))
        telethon_session.set_dc(2, "149.154.167.51", 443)
        telethon_session.auth_key = AuthKey(key)
        telethon_session.save()
        telethon_session.close()
    return folder, key


def test_env_and_session_file_move_into_the_keyring_and_settings(tmp_path, memory_keyring):
    folder, key = seed_folder(tmp_path, f"API_ID=123456\nAPI_HASH={API_HASH}\nSESSION_NAME=business_bot\n"
                                        "DEST_CHAT=owner_ramesh\n")
    before = (folder / "business_bot.session").read_bytes()
    result = import_seed(folder, Settings(), HistoryStore(paths().history_db))
    assert get_secret(Secret.TELEGRAM_API_ID) == "123456" and get_secret(Secret.TELEGRAM_API_HASH) == API_HASH
    restored = StringSession(get_secret(Secret.TELEGRAM_SESSION))
    assert (restored.dc_id, restored.server_address, restored.port) == (2, "149.154.167.51", 443)
    assert restored.auth_key.key == key
    telegram = result.settings.telegram
    assert telegram.destinations == ["@owner_ramesh"] and telegram.enabled and telegram.account == "user"
    assert (folder / "business_bot.session").read_bytes() == before  # the seed's file is left as it was
    assert not any("not imported yet" in note for note in result.notes)
    assert any("moved into the OS keyring" in note for note in result.notes)
    assert set(memory_keyring.store) == {(SERVICE, "telegram_api_id"), (SERVICE, "telegram_api_hash"),
                                         (SERVICE, "telegram_session")}


def test_existing_credentials_win_and_a_missing_session_is_explained(tmp_path):
    set_secret(Secret.TELEGRAM_API_HASH, "the-owners-own-hash")
    folder, _key = seed_folder(tmp_path, f"API_ID=123456\nAPI_HASH={API_HASH}\nSESSION_NAME=gone\nDEST_CHAT=me\n",
                               session=False)
    result = import_seed(folder, Settings(), HistoryStore(paths().history_db))
    assert get_secret(Secret.TELEGRAM_API_HASH) == "the-owners-own-hash"
    assert any("already set" in note for note in result.notes)
    assert any("no gone.session file" in note for note in result.notes)
    assert result.settings.telegram.destinations == ["me"] and not result.settings.telegram.enabled


def test_a_damaged_session_file_does_not_stop_the_import(tmp_path):
    folder, _key = seed_folder(tmp_path, "API_ID=1\nAPI_HASH=x\nSESSION_NAME=broken\n", session=False)
    (folder / "broken.session").write_bytes(b"this is not sqlite at all" * 10)
    result = import_seed(folder, Settings(), HistoryStore(paths().history_db))
    assert any("broken.session: not a Telethon session" in note for note in result.notes)
    assert get_secret(Secret.TELEGRAM_SESSION) is None and get_secret(Secret.TELEGRAM_API_ID) == "1"

"""doctor's keyring line says what the state means for the owner on their OS (issue 11, item 10)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null

from desktop_app.cli import main
from desktop_app.secrets import keyring_advice


@pytest.fixture
def backend():
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.mark.parametrize(("platform", "says"), [
    ("linux", "this Linux session has no keyring service (GNOME Keyring or KWallet"),
    ("win32", "Windows Credential Manager could not be used"),
    ("darwin", "open Keychain Access and unlock the 'login' keychain"),
])
def test_no_keyring_is_explained_for_the_os(backend, platform, says):
    backend(fail.Keyring())
    ok, text = keyring_advice(platform)
    assert not ok and text.startswith("UNAVAILABLE: ") and says in text
    assert "BO_LLM_API_KEY" in text and "keyrings.alt" not in text  # not the library's own advice


def test_a_working_keyring_names_the_store(memory_keyring):
    assert keyring_advice("win32") == (True, "ok: secrets are kept in Windows Credential Manager "
                                             "(tests.conftest.MemoryKeyring)")


def test_the_null_keyring_is_called_off(backend, capsys):
    backend(null.Keyring())
    assert keyring_advice()[1].startswith("off: the 'null' keyring is selected")
    main(["doctor"])
    assert "keyring:   off: the 'null' keyring is selected" in capsys.readouterr().out

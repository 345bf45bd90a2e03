"""What comes from the keyring is checked, and every keyring failure is the clear refusal."""

from __future__ import annotations

import base64

import keyring
import pytest
from keyring.backend import KeyringBackend

from unifer_tray import keys
from unifer_tray.keys import HISTORY, KeyringUnavailable


def test_a_valid_key_decodes():
    key = bytes(range(32))
    assert keys.decode_key(HISTORY, base64.b64encode(key).decode()) == key


@pytest.mark.parametrize(
    "value",
    [
        base64.b64encode(b"sixteen byte key").decode(),  # AES-128: accepted before, refused now
        base64.b64encode(bytes(33)).decode(),
        "not base64 at all!",
        base64.b64encode(bytes(32)).decode()[:-4] + "$$$$",
    ],
)
def test_short_long_or_garbled_keys_are_refused_clearly(value):
    with pytest.raises(KeyringUnavailable, match="not a valid 256-bit key"):
        keys.decode_key(HISTORY, value)


class ThirdPartyKeyring(KeyringBackend):
    """Stands for any backend not on the allow-list (keyrings.alt's plaintext file, say)."""

    priority = 1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise AssertionError("a key must never be written here")

    def delete_password(self, service, username):
        pass


@pytest.fixture
def restore_keyring():
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_only_allow_listed_keyrings_are_used(restore_keyring):
    keyring.set_keyring(ThirdPartyKeyring())
    with pytest.raises(KeyringUnavailable, match=r"no secure keyring is available.*ThirdPartyKeyring"):
        keys.secure_backend()
    with pytest.raises(KeyringUnavailable):
        keys.store_key(HISTORY, bytes(32))


def test_a_keyring_library_that_raises_is_the_clear_refusal(monkeypatch):
    def broken():
        raise RuntimeError("Unable to initialize keyring")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    with pytest.raises(KeyringUnavailable, match=r"keyring cannot be used.*Secret Service"):
        keys.load_key(HISTORY)
    assert keys.backend_name().startswith("insecure or missing")


def test_keys_of_the_wrong_size_are_never_stored():
    with pytest.raises(ValueError, match="32 bytes"):
        keys.store_key(HISTORY, bytes(16))

"""Keys of what UniFER keeps encrypted (history, expression profiles) live in the OS keyring,
and only in a secure one.

Each key has its own keyring entry (a `Key`), so deleting one destroys that data alone. Only the
system keyrings on the allow-list are used (a keyring that stores secrets in a plain
or password-on-a-terminal file is not one): the history is only as private as its key. What
comes back from the keyring is checked too: exactly 32 bytes of strict base64, or a clear error.
Every failure of the keyring library becomes KeyringUnavailable with a fix.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any

SERVICE = "unifer-tray"
KEY_BYTES = 32
# The OS keyrings: the Secret Service (GNOME Keyring, KWallet 5.97+, KeePassXC) and KWallet's own
# API on Linux, the login keychain on macOS, the Credential Manager on Windows.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    }
)
NO_SECURE_KEYRING_FIX = (
    "Fix: on Linux run a Secret Service (GNOME Keyring or KWallet) and unlock it; on macOS "
    "and Windows the system keychain is used automatically"
)


class KeyringUnavailable(RuntimeError):
    """No secure keyring: nothing personal can be kept. The message says why and how to fix it."""


@dataclass(frozen=True)
class Key:
    """One keyring entry: its account name, what it protects and how a damaged one is reset."""

    account: str
    protects: str  # "the history", "the expression profile 'me'"
    reset: str  # the command that deletes the data and its key


HISTORY = Key("history-key", "the history", "`unifer history disable --delete` and enable history again")


def profile_key(name: str) -> Key:
    return Key(
        f"profile-key:{name}",
        f"the expression profile '{name}'",
        f"`unifer profile delete --profile {name}` and teach it again",
    )


def _name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secure_backend() -> Any:
    """The keyring backend that will hold the key; raises KeyringUnavailable if none is secure."""
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend

        backend = keyring.get_keyring()
        candidates = list(backend.backends) if isinstance(backend, ChainerBackend) else [backend]
    except Exception as exc:  # a broken keyring install or config raises anything at all
        raise KeyringUnavailable(
            f"the keyring cannot be used ({type(exc).__name__}: {exc}). {NO_SECURE_KEYRING_FIX}"
        ) from None
    for candidate in candidates:
        if _name(candidate) in SECURE_BACKENDS:
            return candidate
    found = ", ".join(_name(c) for c in candidates) or "none"
    raise KeyringUnavailable(
        f"no secure keyring is available (found: {found}), so nothing personal (history, expression "
        f"profiles) can be encrypted safely, and none is kept. {NO_SECURE_KEYRING_FIX}"
    )


def backend_name() -> str:
    try:
        return _name(secure_backend())
    except KeyringUnavailable as exc:
        return f"insecure or missing ({exc})"


def store_key(name: Key, key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a key has {KEY_BYTES} bytes, not {len(key)}")
    backend = secure_backend()
    try:
        backend.set_password(SERVICE, name.account, base64.b64encode(key).decode())
    except Exception as exc:
        raise KeyringUnavailable(f"the keyring refused the key ({exc}); unlock it and try again") from None
    if load_key(name) != key:
        raise KeyringUnavailable("the keyring did not return the key it was given")


def decode_key(name: Key, value: str) -> bytes:
    """The key from its keyring text: strict base64 of exactly KEY_BYTES bytes."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyringUnavailable(
            f"the key of {name.protects} in the keyring is not a valid {KEY_BYTES * 8}-bit key (it was changed "
            f"or damaged), so {name.protects} cannot be read. Delete it with {name.reset}"
        )
    return key


def load_key(name: Key) -> bytes | None:
    """The key, or None if it is gone (deleted, or a different keyring)."""
    backend = secure_backend()
    try:
        value = backend.get_password(SERVICE, name.account)
    except Exception as exc:
        raise KeyringUnavailable(
            f"cannot read the key of {name.protects} from the keyring ({exc}); is it unlocked?"
        ) from None
    return decode_key(name, value) if value else None


def new_key(name: Key) -> bytes:
    """A fresh random key, stored for `name` (replacing any key it had)."""
    key = os.urandom(KEY_BYTES)
    store_key(name, key)
    return key


def delete_key(name: Key) -> None:
    from keyring.errors import PasswordDeleteError

    backend = secure_backend()
    try:
        backend.delete_password(SERVICE, name.account)
    except PasswordDeleteError:
        pass  # already gone
    except Exception as exc:
        raise KeyringUnavailable(f"cannot delete the key of {name.protects} ({exc})") from None

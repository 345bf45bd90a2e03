"""The history key lives in the OS keyring, and only in a secure one.

Only the system keyrings on the allow-list are used (a keyring that stores secrets in a plain
or password-on-a-terminal file is not one): the history is only as private as its key. What
comes back from the keyring is checked too: exactly 32 bytes of strict base64, or a clear error.
Every failure of the keyring library becomes KeyringUnavailable with a fix.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

SERVICE = "unifer-tray"
ACCOUNT = "history-key"
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
    """No secure keyring: history cannot be kept. The message says why and how to fix it."""


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
        f"no secure keyring is available (found: {found}), so history cannot be encrypted safely and is "
        f"not kept. {NO_SECURE_KEYRING_FIX}"
    )


def backend_name() -> str:
    try:
        return _name(secure_backend())
    except KeyringUnavailable as exc:
        return f"insecure or missing ({exc})"


def store_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a history key has {KEY_BYTES} bytes, not {len(key)}")
    backend = secure_backend()
    try:
        backend.set_password(SERVICE, ACCOUNT, base64.b64encode(key).decode())
    except Exception as exc:
        raise KeyringUnavailable(f"the keyring refused the key ({exc}); unlock it and try again") from None
    if load_key() != key:
        raise KeyringUnavailable("the keyring did not return the key it was given")


def decode_key(value: str) -> bytes:
    """The key from its keyring text: strict base64 of exactly KEY_BYTES bytes."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyringUnavailable(
            f"the history key in the keyring is not a valid {KEY_BYTES * 8}-bit key (it was changed or damaged), "
            "so the history cannot be read. Delete it with `unifer history disable --delete` and enable history again"
        )
    return key


def load_key() -> bytes | None:
    """The key, or None if it is gone (deleted, or a different keyring)."""
    backend = secure_backend()
    try:
        value = backend.get_password(SERVICE, ACCOUNT)
    except Exception as exc:
        raise KeyringUnavailable(f"cannot read the history key from the keyring ({exc}); is it unlocked?") from None
    return decode_key(value) if value else None


def delete_key() -> None:
    from keyring.errors import PasswordDeleteError

    backend = secure_backend()
    try:
        backend.delete_password(SERVICE, ACCOUNT)
    except PasswordDeleteError:
        pass  # already gone
    except Exception as exc:
        raise KeyringUnavailable(f"cannot delete the history key ({exc})") from None

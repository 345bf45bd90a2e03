"""The history key lives in the OS keyring, and only in a secure one.

A keyring that stores secrets in a plain or password-on-a-terminal file, or none at all, is
refused: the history is only as private as its key.
"""

from __future__ import annotations

import base64

SERVICE = "unifer-tray"
ACCOUNT = "history-key"
INSECURE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class KeyringUnavailable(RuntimeError):
    """No secure keyring: history cannot be kept. The message says why and how to fix it."""


def _name(backend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secure_backend():
    """The keyring backend that will hold the key; raises KeyringUnavailable if it is not secure."""
    import keyring
    from keyring.backends.chainer import ChainerBackend

    backend = keyring.get_keyring()
    candidates = backend.backends if isinstance(backend, ChainerBackend) else [backend]
    if not candidates or _name(candidates[0]).startswith(INSECURE_PREFIXES):
        found = _name(candidates[0]) if candidates else "none"
        raise KeyringUnavailable(
            f"no secure keyring is available (found: {found}), so history cannot be encrypted safely and is "
            "not kept. Fix: on Linux run a Secret Service (GNOME Keyring or KWallet) and unlock it; on macOS "
            "and Windows the system keychain is used automatically"
        )
    return candidates[0]


def backend_name() -> str:
    try:
        return _name(secure_backend())
    except KeyringUnavailable as exc:
        return f"insecure or missing ({exc})"


def store_key(key: bytes) -> None:
    from keyring.errors import KeyringError

    backend = secure_backend()
    try:
        backend.set_password(SERVICE, ACCOUNT, base64.b64encode(key).decode())
        if load_key() != key:
            raise KeyringUnavailable("the keyring did not return the key it was given")
    except KeyringError as exc:
        raise KeyringUnavailable(f"the keyring refused the key ({exc}); unlock it and try again") from None


def load_key() -> bytes | None:
    """The key, or None if it is gone (deleted, or a different keyring)."""
    from keyring.errors import KeyringError

    try:
        value = secure_backend().get_password(SERVICE, ACCOUNT)
    except KeyringError as exc:
        raise KeyringUnavailable(f"cannot read the history key from the keyring ({exc}); is it unlocked?") from None
    return base64.b64decode(value) if value else None


def delete_key() -> None:
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        secure_backend().delete_password(SERVICE, ACCOUNT)
    except PasswordDeleteError:
        pass  # already gone
    except KeyringError as exc:
        raise KeyringUnavailable(f"cannot delete the history key ({exc})") from None

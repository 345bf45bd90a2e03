"""One tray per user, and `unifer-tray --trigger ACTION` from a second process.

A local socket only the same user can reach: a Unix socket in the user's private runtime folder
(a named pipe on Windows), with an authentication key in a file only that user can read.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable
from multiprocessing.connection import Client, Listener
from pathlib import Path

import platformdirs

from .. import platform
from .actions import Action

log = logging.getLogger("unifer_tray.instance")


def _runtime_dir() -> Path:
    folder = platformdirs.user_runtime_path("unifer-tray")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _address() -> str:
    if platform.system() == "windows":
        return rf"\\.\pipe\unifer-tray-{os.getlogin()}"
    return str(_runtime_dir() / "tray.sock")


def _key_file() -> Path:
    return _runtime_dir() / "tray.key"


def send(action: Action, timeout: float = 5.0) -> str:
    """Deliver an action to the running tray; raises ConnectionError if none is running."""
    try:
        key = _key_file().read_bytes()
        with Client(_address(), authkey=key) as connection:
            connection.send(action.value)
            if connection.poll(timeout):
                return connection.recv()
            return "sent"
    except (FileNotFoundError, ConnectionRefusedError, OSError, EOFError) as exc:
        raise ConnectionError("UniFER tray is not running (start it with `unifer-tray`)") from exc


class SingleInstance:
    def __init__(self) -> None:
        self._listener: Listener | None = None

    def acquire(self) -> bool:
        """True if this process is now the tray; False if another one answers."""
        try:
            send(Action.PING, timeout=2)
            return False
        except ConnectionError:
            pass
        address = _address()
        if platform.system() != "windows" and Path(address).exists():
            Path(address).unlink()  # left by a tray that crashed
        key = secrets.token_bytes(32)
        descriptor = os.open(_key_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        self._listener = Listener(address, authkey=key)
        return True

    def serve(self, handler: Callable[[Action], str]) -> None:
        def loop() -> None:
            while self._listener is not None:
                try:
                    with self._listener.accept() as connection:
                        word = connection.recv()
                        action = Action.parse(word)
                        reply = handler(action) if action else f"unknown action {word!r}"
                        connection.send(reply)
                except (OSError, EOFError) as exc:
                    if self._listener is None:
                        return
                    log.warning("IPC connection failed: %s", exc)
                except Exception as exc:  # a bad client must not end the loop
                    log.warning("IPC error: %s", exc)

        threading.Thread(target=loop, name="unifer-ipc", daemon=True).start()

    def release(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        for path in (_key_file(), Path(_address())):
            if platform.system() != "windows" and path.exists():
                path.unlink()

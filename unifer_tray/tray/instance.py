"""One tray per user, and `unifer-tray --trigger ACTION` from a second process.

A local socket only the same user can reach: a Unix socket in the user's private runtime folder
(a named pipe on Windows), with an authentication key in a file only that user can read.
Windows' pipe names are one namespace for every session, so a fixed name could be created first
by another account to keep the tray from starting: the tray picks a random name at each start
and keeps it beside the key, in the user's own data folder, where `--trigger` reads it.

The exchange is plain bytes with size caps, never pickle, and every step has a deadline: the
tray sends a random challenge, the client answers with its HMAC under the key, then sends one
action word and reads one reply. Each connection is served on its own short-lived thread, so a
client that connects and says nothing delays no one; it is dropped after HANDSHAKE_SECONDS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

from .. import platform
from .actions import Action

log = logging.getLogger("unifer_tray.instance")
HANDSHAKE_SECONDS = 2.0
MUTEX_NAME = r"Local\unifer-tray"  # the installer's AppMutex: it waits for the tray to exit
CHALLENGE_BYTES = 32
MAX_WORD_BYTES = 64  # the longest action word, with room to spare
MAX_REPLY_BYTES = 256
MAX_PATHS_BYTES = 256 * 1024  # `--open`'s file names, as JSON (a file manager's selection)
Handler = Callable[[Action, list[Path]], str]


class ProtocolError(OSError):
    """The other side did not follow the exchange (wrong key, silence, oversize message)."""


def _receive(connection: Connection, limit: int, timeout: float) -> bytes:
    if not connection.poll(timeout):
        raise ProtocolError("no answer in time")
    return connection.recv_bytes(limit)  # longer messages raise OSError


def _signature(key: bytes, challenge: bytes) -> bytes:
    return hmac.new(key, challenge, hashlib.sha256).digest()


def _key_file() -> Path:
    return platform.current().instance_folder() / "tray.key"


def _address() -> str:
    """Where the running tray listens; FileNotFoundError where that is not known (no tray)."""
    return platform.current().instance_address(platform.current().instance_folder(), fresh=False)


def _new_address() -> str:
    """Where this tray will listen (on Windows a new random pipe name, kept for `_address`)."""
    return platform.current().instance_address(platform.current().instance_folder(), fresh=True)


def send(action: Action, timeout: float = 5.0, paths: list[Path] | None = None) -> str:
    """Deliver an action (OPEN: with the files to open) to the running tray and return its
    reply; raises ConnectionError if none is running or it does not answer within `timeout`."""
    try:
        key = _key_file().read_bytes()
        with Client(_address()) as connection:
            challenge = _receive(connection, CHALLENGE_BYTES, timeout)
            connection.send_bytes(_signature(key, challenge))
            connection.send_bytes(action.value.encode())
            if action is Action.OPEN:
                connection.send_bytes(json.dumps([str(path.absolute()) for path in paths or []]).encode())
            return _receive(connection, MAX_REPLY_BYTES, timeout).decode(errors="replace")
    except ProtocolError as exc:
        raise ConnectionError(f"UniFER tray did not answer ({exc}); restart it if this persists") from exc
    except (FileNotFoundError, ConnectionRefusedError, OSError, EOFError) as exc:
        raise ConnectionError("UniFER tray is not running (start it with `unifer-tray`)") from exc


class SingleInstance:
    def __init__(self) -> None:
        self._listener: Listener | None = None
        self._key = b""
        self._lock: platform.InstanceLock | None = None

    def acquire(self) -> bool:
        """True if this process is now the tray; False if another one answers (or, on Windows,
        holds the session's mutex: two quick launches must not both write the key)."""
        self._lock = platform.current().instance_lock(MUTEX_NAME)
        if self._lock is not None and not self._lock.held:
            return False
        try:
            send(Action.PING, timeout=2)
            return False
        except ConnectionError:
            pass
        for leftover in platform.current().instance_leftovers(platform.current().instance_folder()):
            leftover.unlink(missing_ok=True)  # left by a tray that crashed
        address = _new_address()
        key = secrets.token_bytes(32)
        descriptor = os.open(_key_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        self._key = key
        self._listener = Listener(address)  # no pickle-based authkey handshake: see _answer
        return True

    def serve(self, handler: Handler) -> None:
        def loop() -> None:
            while self._listener is not None:
                try:
                    connection = self._listener.accept()
                except OSError as exc:
                    if self._listener is None:
                        return
                    log.warning("IPC connection failed: %s", exc)
                    continue
                threading.Thread(
                    target=self._answer, args=(connection, handler), name="unifer-ipc-client", daemon=True
                ).start()

        threading.Thread(target=loop, name="unifer-ipc", daemon=True).start()

    def _answer(self, connection: Connection, handler: Handler) -> None:
        with connection:
            try:
                challenge = secrets.token_bytes(CHALLENGE_BYTES)
                connection.send_bytes(challenge)
                signature = _receive(connection, 64, HANDSHAKE_SECONDS)
                if not hmac.compare_digest(signature, _signature(self._key, challenge)):
                    raise ProtocolError("wrong key")
                word = _receive(connection, MAX_WORD_BYTES, HANDSHAKE_SECONDS).decode(errors="replace")
                action = Action.parse(word)
                paths: list[Path] = []
                if action is Action.OPEN:
                    names = json.loads(_receive(connection, MAX_PATHS_BYTES, HANDSHAKE_SECONDS))
                    paths = [Path(name) for name in names if isinstance(name, str)]
                reply = handler(action, paths) if action else f"unknown action {word[:20]!r}"
                connection.send_bytes(reply.encode()[:MAX_REPLY_BYTES])
            except (OSError, EOFError) as exc:
                log.info("IPC client dropped: %s", exc)
            except Exception as exc:  # a bad client or a failing handler must not end the tray
                log.warning("IPC error: %s", exc)

    def release(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            for leftover in platform.current().instance_leftovers(platform.current().instance_folder()):
                leftover.unlink(missing_ok=True)
        if self._lock is not None:
            self._lock.release()

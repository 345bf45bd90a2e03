"""The control socket: timed handshake, plain bytes, no pickle; a silent client blocks no one."""

from __future__ import annotations

import pickle
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from unifer_tray.tray import instance
from unifer_tray.tray.actions import Action
from unifer_tray.tray.instance import SingleInstance, send

# These speak to the Unix socket directly; on Windows the same code listens on a named pipe.
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="raw Unix-socket clients")


@pytest.fixture
def tray(tmp_path, monkeypatch):
    """A running instance whose handler records what it was asked."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setattr(instance, "HANDSHAKE_SECONDS", 0.5)
    asked: list = []
    running = SingleInstance()
    assert running.acquire()

    def handler(action: Action, paths: list[Path]) -> str:
        asked.append((action, paths) if paths else action)
        return "pong" if action is Action.PING else "queued"

    running.serve(handler)
    yield asked
    running.release()


def raw_client() -> socket.socket:
    client = socket.socket(socket.AF_UNIX)
    client.connect(instance._address())
    return client


def test_actions_arrive_and_replies_come_back(tray):
    assert send(Action.PING) == "pong"
    assert send(Action.SCREEN) == "queued"
    assert tray == [Action.PING, Action.SCREEN]


def test_open_carries_the_files_to_open_as_absolute_paths(tray, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert send(Action.OPEN, paths=[Path("photo one.jpg"), tmp_path / "b.png"]) == "queued"
    assert tray == [(Action.OPEN, [tmp_path / "photo one.jpg", tmp_path / "b.png"])]


def test_a_silent_client_blocks_neither_triggers_nor_a_second_start(tray):
    silent = raw_client()  # connects, then says nothing
    try:
        start = time.monotonic()
        assert send(Action.SCREEN, timeout=2) == "queued"
        assert not SingleInstance().acquire()  # the running tray still answers the second start
        assert time.monotonic() - start < 1.0
        time.sleep(0.8)  # past the handshake limit: the tray hung up on it
        silent.settimeout(1)
        received = b""
        while chunk := silent.recv(4096):  # b"" once the tray has closed its end
            received += chunk
        assert len(received) == 4 + instance.CHALLENGE_BYTES  # the challenge, then nothing
    finally:
        silent.close()


def test_a_client_without_the_key_is_not_served(tray, monkeypatch, tmp_path):
    key_file = tmp_path / "stolen.key"
    key_file.write_bytes(b"x" * 32)
    monkeypatch.setattr(instance, "_key_file", lambda: key_file)
    with pytest.raises(ConnectionError):
        send(Action.QUIT, timeout=1)
    assert tray == []


def test_nothing_is_unpickled(tray, tmp_path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("unpickled",))

    from multiprocessing.connection import Client

    key = instance._key_file().read_bytes()
    with Client(instance._address()) as connection:
        challenge = connection.recv_bytes(64)
        connection.send_bytes(instance._signature(key, challenge))
        connection.send_bytes(pickle.dumps(Payload()))
        try:
            reply = connection.recv_bytes(256).decode()
        except (EOFError, OSError):
            reply = "dropped"  # over the word size cap
    assert reply.startswith(("unknown action", "dropped")) and tray == []
    assert not marker.exists()


def test_an_oversized_word_is_dropped(tray):
    from multiprocessing.connection import Client

    key = instance._key_file().read_bytes()
    with Client(instance._address()) as connection:
        challenge = connection.recv_bytes(64)
        connection.send_bytes(instance._signature(key, challenge))
        with pytest.raises((EOFError, OSError)):  # the tray hangs up while it is still being sent
            connection.send_bytes(b"region" * 100_000)
            connection.recv_bytes(256)
    assert tray == []
    assert send(Action.PING) == "pong"  # and the tray goes on


def test_silent_clients_are_dropped_at_the_handshake_limit(tray):
    def serving() -> int:
        return sum(t.name == "unifer-ipc-client" for t in threading.enumerate())

    clients = [raw_client() for _ in range(20)]  # still connected, still silent
    try:
        deadline = time.monotonic() + 2
        while serving() < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert serving() == 20  # one short-lived thread each, none blocking the accept loop
        time.sleep(0.8)  # HANDSHAKE_SECONDS is 0.5 here
        assert serving() == 0
        assert send(Action.PING) == "pong"
    finally:
        for client in clients:
            client.close()


def test_windows_pipe_names_cannot_be_taken_in_advance(tmp_path, monkeypatch):
    """Pipe names are one namespace for all sessions: a name another account could guess (the
    login name) let it create the pipe first. Each start picks a random one, kept in the
    user's data folder, where `--trigger` finds it."""
    import getpass

    from unifer_tray import platform

    monkeypatch.setattr(platform, "system", lambda: "windows")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pytest.raises(ConnectionError, match="not running"):
        instance.send(Action.PING)  # no tray started: no name to find
    first, second = instance._new_address(), instance._new_address()
    assert first != second and all(name.startswith("\\\\.\\pipe\\unifer-tray-") for name in (first, second))
    assert getpass.getuser() not in first
    assert instance._address() == second  # what a `--trigger` reads
    assert (tmp_path / "data" / "unifer-tray" / "tray.pipe").read_text().strip() == second

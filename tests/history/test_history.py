"""Opt-in encrypted history against a real Secret Service (GNOME Keyring on a private bus)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ollama_stub import OllamaStub

pytestmark = pytest.mark.desktop  # a private D-Bus session with GNOME Keyring

UNIFER = str(Path(sys.executable).with_name("unifer"))


def unifer(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([UNIFER, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def history_dir(env) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "unifer-tray" / "history"


def record(env, *images, describe_host: str | None = None) -> None:
    """Analyse and record, through the library the tray uses."""
    script = (
        "import sys\nfrom unifer_tray.pipeline import Pipeline\nfrom unifer_tray.history import History\n"
        "from unifer_tray.config import OllamaConfig\nfrom unifer_tray.describe import Describer\n"
        "host = sys.argv[1]\n"
        "pipeline = Pipeline(describer=Describer(OllamaConfig(host=host, timeout=5)) if host != '-' else None)\n"
        "history = History()\n"
        "for path in sys.argv[2:]:\n    print(history.add(pipeline.run(path)[0], 'file'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, describe_host or "-", *map(str, images)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_off_by_default(env):
    result = unifer(env, "history", "status")
    assert result.returncode == 0 and "history: off" in result.stdout
    assert not history_dir(env).exists()


def test_enable_needs_consent(env):
    result = unifer(env, "history", "enable")  # no terminal, no --yes
    assert result.returncode == 1 and "Not confirmed" in result.stderr
    assert "What is stored" in result.stdout and "Never images" in result.stdout
    assert not history_dir(env).exists()


def test_consent_prompt_on_a_terminal_that_closes(env):
    """A terminal whose input ends (Ctrl+D) is a no, not a traceback."""
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [UNIFER, "history", "enable"], stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    os.close(terminal)
    time.sleep(1.0)  # let it reach the prompt
    os.write(controller, b"\x04")
    _, err = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 1, err
    assert b"Traceback" not in err and b"Not confirmed" in err, err
    assert not history_dir(env).exists()


def test_encrypted_at_rest(env, data_dir):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    folder = history_dir(env)
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    with OllamaStub() as stub:
        record(env, data_dir / "single_face.jpg", data_dir / "multi_face.jpg", describe_host=stub.url)
    record(env, data_dir / "0-f1-su-ph.jpg")
    listing = unifer(env, "history", "list")
    assert listing.stdout.count("happiness") >= 6 and "surprise" in listing.stdout
    shown = json.loads(unifer(env, "history", "show", "2").stdout)
    assert shown["description"]["summary"] == "5 smiling face(s)."
    assert shown["source"] == shown["source_type"] == "file"  # the kind of source, never the path
    for path in folder.iterdir():
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        raw = path.read_bytes()
        for secret in (
            b"happiness",
            b"surprise",
            b"smiling",
            b"raised cheeks",
            b"gemma3",
            b"single_face",
            b"\xff\xd8\xff",
        ):
            assert secret not in raw, (path.name, secret)
    status = unifer(env, "history", "status", "--format", "json")
    info = json.loads(status.stdout)
    assert info["enabled"] and info["records"] == 3 and "SecretService" in info["keyring"]


def test_export_and_dashboard(env, data_dir, tmp_path):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    record(env, data_dir / "single_face.jpg", data_dir / "free-mountain-vector-01.jpg")
    assert unifer(env, "history", "export", "--format", "jsonl", tmp_path / "h.jsonl").returncode == 0
    lines = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text().splitlines()]
    assert [len(line["faces"]) for line in lines] == [1, 0]
    (tmp_path / "h.csv").write_text("an older file, world-readable\n")
    (tmp_path / "h.csv").chmod(0o644)
    assert unifer(env, "history", "export", "--format", "csv", tmp_path / "h.csv").returncode == 0
    assert "happiness" in (tmp_path / "h.csv").read_text()
    assert unifer(env, "history", "report", "--output", tmp_path / "d.html").returncode == 0
    page = (tmp_path / "d.html").read_text()
    assert "<svg" in page and "2 records" in page and "http" not in page
    for copy in ("h.jsonl", "h.csv", "d.html"):  # plaintext copies: the user's alone
        assert oct((tmp_path / copy).stat().st_mode & 0o777) == "0o600"


def test_missing_key_is_a_clear_error(env, data_dir, secrets):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    record(env, data_dir / "single_face.jpg")
    subprocess.run(
        ["secret-tool", "clear", "service", "unifer-tray", "username", "history-key"],
        env={**os.environ, **secrets.env},
        check=False,
    )
    result = unifer(env, "history", "list")
    assert result.returncode == 1 and "history key is missing from the keyring" in result.stderr


def test_no_secure_keyring_refuses(env):
    insecure = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = unifer(insecure, "history", "enable", "--yes")
    assert result.returncode == 1 and "no secure keyring is available" in result.stderr
    assert not history_dir(env).exists()
    assert "insecure or missing" in unifer(insecure, "history", "status").stdout


def test_disable_with_delete_leaves_nothing(env, data_dir, secrets):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    record(env, data_dir / "single_face.jpg")
    result = unifer(env, "history", "disable", "--delete")
    assert result.returncode == 0 and "key was destroyed" in result.stdout
    assert not history_dir(env).exists()
    lookup = subprocess.run(
        ["secret-tool", "lookup", "service", "unifer-tray", "username", "history-key"],
        env={**os.environ, **secrets.env},
        capture_output=True,
        text=True,
    )
    assert lookup.stdout == ""


def test_retention_with_a_controlled_clock(env):
    script = """
import sys
from unifer_tray.history import History
from unifer_tray.result import Analysis
now = [1_700_000_000.0]
history = History(retention_days=30, clock=lambda: now[0])
history.enable()
for age in (40, 31, 29, 1):
    now[0] = 1_700_000_000.0 - age * 86400
    history.add(Analysis("x", 10, 10), "screen")
now[0] = 1_700_000_000.0
print(history.purge_expired(), len(history.records()))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.split() == ["2", "2"], result.stderr


def test_kill_at_random_points_never_loses_an_acknowledged_record(env):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    writer = """
from unifer_tray.history import History
from unifer_tray.result import Analysis
history = History()
while True:
    print(history.add(Analysis("x", 10, 10), "screen"), flush=True)
"""
    acknowledged: list[int] = []
    rng = random.Random(7)
    while len(acknowledged) < 100:
        process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True, env=env)
        wanted = rng.randint(1, 15)
        for _ in range(wanted):
            line = process.stdout.readline()
            if line:
                acknowledged.append(int(line))
        time.sleep(rng.random() * 0.02)  # land the kill anywhere, also mid-write
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
    database = history_dir(env) / "history.db"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    listed = json.loads(unifer(env, "history", "list", "--format", "json").stdout)
    stored = {item["id"] for item in listed}
    assert set(acknowledged) <= stored


@pytest.mark.parametrize("stored", ["c2l4dGVlbiBieXRlIGtleQ==", "%%% not base64 %%%"])
def test_a_tampered_key_is_a_clear_error(env, data_dir, secrets, stored):
    assert unifer(env, "history", "enable", "--yes").returncode == 0
    record(env, data_dir / "single_face.jpg")
    subprocess.run(
        ["secret-tool", "store", "--label", "tampered", "service", "unifer-tray", "username", "history-key"],
        input=stored,
        text=True,
        env={**os.environ, **secrets.env},
        check=True,
    )
    result = unifer(env, "history", "list")
    assert result.returncode == 1 and "not a valid 256-bit key" in result.stderr
    assert "Traceback" not in result.stderr
    assert unifer(env, "history", "disable", "--delete").returncode == 0  # the fix the message gives
    assert unifer(env, "history", "enable", "--yes").returncode == 0

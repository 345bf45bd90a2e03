"""Edited rows and flags in the history file are detected, not trusted (the real Secret Service)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.desktop  # a private D-Bus session with GNOME Keyring


def python(env, script: str) -> subprocess.CompletedProcess:
    prelude = (
        "from unifer_tray.history import History, HistoryError\n"
        "from unifer_tray.result import Analysis\n"
        "history = History()\n"
    )
    return subprocess.run([sys.executable, "-c", prelude + script], capture_output=True, text=True, env=env, timeout=60)


def database(env) -> sqlite3.Connection:
    from pathlib import Path

    return sqlite3.connect(Path(env["XDG_DATA_HOME"]) / "unifer-tray" / "history" / "history.db")


def read_back(env) -> str:
    result = python(env, "try:\n    print(len(history.records()))\nexcept HistoryError as e:\n    print('ERROR', e)\n")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def record_three(env) -> None:
    result = python(env, "history.enable()\nfor n in range(3):\n    history.add(Analysis('x', 10, 10), 'screen')\n")
    assert result.returncode == 0, result.stderr
    assert read_back(env) == "3"


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE records SET created = created - 86400 WHERE id = 2",  # re-dated (escapes retention, reorders)
        "UPDATE records SET id = 7 WHERE id = 3",  # renumbered
        "UPDATE records SET nonce = (SELECT nonce FROM records WHERE id = 1), "
        "payload = (SELECT payload FROM records WHERE id = 1) WHERE id = 2",  # copied over another
    ],
)
def test_an_edited_record_is_detected(env, edit):
    record_three(env)
    with database(env) as db:
        db.execute(edit)
    assert read_back(env).startswith("ERROR the history was changed outside UniFER")


def test_a_flipped_thumbnail_flag_stops_recording_instead_of_widening_it(env):
    record_three(env)  # consented without thumbnails
    with database(env) as db:
        db.execute("UPDATE meta SET value = 'yes' WHERE key = 'thumbnails'")
    result = python(
        env,
        "try:\n    history.add(Analysis('x', 10, 10), 'screen', ['aGVsbG8='])\n"
        "except HistoryError as e:\n    print('ERROR', e)\n",
    )
    assert result.stdout.startswith("ERROR the history was changed outside UniFER"), result.stderr
    with database(env) as db:
        assert db.execute("SELECT COUNT(*) FROM records").fetchone() == (3,)


def test_turning_history_off_and_on_keeps_the_records_readable(env):
    record_three(env)
    result = python(env, "history.disable(delete=False)\nhistory.enable()\nprint(len(history.records()))\n")
    assert result.stdout.strip() == "3", result.stderr


def test_a_history_from_before_the_seals_is_read_then_sealed_on_the_next_consent(env):
    """Records of the first format (a fixed associated data, no consent seal) stay readable,
    recording waits for one more consent, and that consent seals them with their id and time."""
    legacy = """
import os, time
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from unifer_tray import keys
from unifer_tray.keys import HISTORY
from unifer_tray.history import LEGACY_AAD
import json
key = AESGCM.generate_key(bit_length=256)
keys.store_key(HISTORY, key)
with history._db() as db, db:
    db.execute("INSERT INTO meta VALUES ('consent_time', '1'), ('consent_version', '1'), ('thumbnails', 'no')")
    for n in range(2):
        nonce = os.urandom(12)
        payload = {"source_type": "screen", "analysis": Analysis('x', 10, 10).to_dict(), "thumbnails": []}
        sealed = AESGCM(key).encrypt(nonce, json.dumps(payload).encode(), LEGACY_AAD)
        db.execute("INSERT INTO records (created, nonce, payload) VALUES (?, ?, ?)", (time.time(), nonce, sealed))
"""
    assert python(env, legacy).returncode == 0
    assert read_back(env) == "2"
    refused = python(
        env, "try:\n    history.add(Analysis('x', 10, 10), 'screen')\nexcept HistoryError as e:\n    print(e)\n"
    )
    assert "confirm it once more" in refused.stdout
    assert python(env, "history.enable()\nhistory.add(Analysis('x', 10, 10), 'screen')\n").returncode == 0
    assert read_back(env) == "3"
    with database(env) as db:  # sealed anew: a re-dated old record is now detected too
        db.execute("UPDATE records SET created = created + 1 WHERE id = 1")
    assert read_back(env).startswith("ERROR")

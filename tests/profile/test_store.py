"""The profile store's read-modify-write, raced as a teach save and a "Not right?" would."""

from __future__ import annotations

import threading
import time

from unifer_tray import keys
from unifer_tray.profile.store import Example, ProfileStore
from unifer_tray.result import LABELS


def example(label: str) -> Example:
    return Example.of(label, dict.fromkeys(LABELS, 1 / len(LABELS)), "correction")


def test_two_first_writes_at_once_keep_both_examples_under_the_key_in_the_keyring(secrets, tmp_path, monkeypatch):
    for name, value in secrets.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    made = keys.new_key

    def slow_new_key(name):  # the keyring round trip, long enough for the other writer to arrive
        key = made(name)
        time.sleep(0.3)
        return key

    monkeypatch.setattr(keys, "new_key", slow_new_key)
    store = ProfileStore(folder=tmp_path / "profiles")
    writers = [threading.Thread(target=store.add, args=("racer", [example(label)])) for label in ("anger", "fear")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(30)
    profile = ProfileStore(folder=tmp_path / "profiles").load("racer")  # readable with the keyring's key
    assert sorted(e.label for e in profile.examples) == ["anger", "fear"]
    ProfileStore(folder=tmp_path / "profiles").delete("racer")
    assert not (tmp_path / "profiles").exists()  # no lock file left behind

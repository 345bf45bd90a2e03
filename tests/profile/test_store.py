"""The profile store's read-modify-write, raced as a teach save and a "Not right?" would."""

from __future__ import annotations

import subprocess
import sys

# Two writers add the first examples of one profile at once; creating its key is slowed down so
# that, without a lock, both would make a key and one example (or the readable key) would be lost.
RACE = """
import sys, threading, time
from pathlib import Path
from unifer_tray import keys
from unifer_tray.profile.store import Example, ProfileStore
from unifer_tray.result import LABELS

made = keys.new_key
def slow_new_key(name):
    key = made(name)
    time.sleep(0.3)
    return key
keys.new_key = slow_new_key
folder = Path(sys.argv[1])
errors = []
def add(label):
    try:
        ProfileStore(folder=folder).add("racer", [Example.of(label, dict.fromkeys(LABELS, 1 / 7), "correction")])
    except Exception as exc:
        errors.append(repr(exc))
writers = [threading.Thread(target=add, args=(label,)) for label in ("anger", "fear")]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join(30)
profile = ProfileStore(folder=folder).load("racer")
print(sorted(e.label for e in profile.examples), errors)
ProfileStore(folder=folder).delete("racer")
"""


def test_two_first_writes_at_once_keep_both_examples_under_the_key_in_the_keyring(env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", RACE, str(tmp_path / "profiles")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr  # the profile could be read with the keyring's key
    assert result.stdout.strip() == "['anger', 'fear'] []"
    assert not (tmp_path / "profiles").exists()  # deleted, lock file included

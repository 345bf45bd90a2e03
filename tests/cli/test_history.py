"""`unifer history` before any consent: off, nothing stored, and how to turn it on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

UNIFER = str(Path(sys.executable).with_name("unifer"))


def test_history_is_off_until_the_user_turns_it_on(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "UNIFER_CONFIG": str(tmp_path / "c.toml")}
    result = subprocess.run([UNIFER, "history", "status"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0 and "off" in result.stdout.lower()
    assert not (tmp_path / "data" / "unifer-tray" / "history").exists()

"""`unifer-tray` as a person or a desktop shortcut runs it: --trigger with no tray running, and a
broken config, are clear messages and exit codes, not tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TRAY = str(Path(sys.executable).with_name("unifer-tray"))


def run(tmp_path: Path, *args: str, config: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "config.toml").write_text(config)
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),  # no tray of another test is found there
        "UNIFER_CONFIG": str(tmp_path / "config.toml"),
    }
    (tmp_path / "run").mkdir(exist_ok=True, mode=0o700)
    return subprocess.run([TRAY, *args], capture_output=True, text=True, env=env, timeout=60)


def test_a_trigger_with_no_tray_running_says_how_to_start_it(tmp_path):
    result = run(tmp_path, "--trigger", "region")
    assert result.returncode == 1
    assert result.stderr.strip() == "unifer-tray: UniFER tray is not running (start it with `unifer-tray`)"


def test_an_unknown_trigger_is_a_usage_error(tmp_path):
    result = run(tmp_path, "--trigger", "selfie")
    assert result.returncode == 2 and "invalid choice: 'selfie'" in result.stderr


def test_a_broken_config_stops_the_tray_with_the_reason(tmp_path):
    result = run(tmp_path, config="[tray]\ndescribe = 3\n")
    assert result.returncode == 2
    assert "unifer-tray: config error: [tray] describe must be true or false" in result.stderr
    assert "Traceback" not in result.stderr

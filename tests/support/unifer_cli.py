"""The real `unifer` console script of this environment, run with a config file of the test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

UNIFER = str(Path(sys.executable).with_name("unifer"))


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def run(args: list[str], config: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "UNIFER_CONFIG": str(config), **env}
    environment.pop("OLLAMA_HOST", None)
    return subprocess.run([UNIFER, *args], capture_output=True, text=True, env=environment, timeout=120)

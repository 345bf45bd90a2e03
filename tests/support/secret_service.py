"""A private, unlocked GNOME Keyring (a real Secret Service) on a private D-Bus session."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from session_bus import DBUS_CONFIG, start_gnome_keyring


class SecretService:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="unifer-keyring-"))
        self.processes: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    def start(self) -> SecretService:
        runtime = self.root / "runtime"
        for folder in ("runtime", "data", "config", "home"):
            (self.root / folder).mkdir(mode=0o700)
        socket = runtime / "bus"
        (self.root / "bus.conf").write_text(DBUS_CONFIG.format(socket=socket))
        self.processes.append(
            subprocess.Popen(
                ["dbus-daemon", f"--config-file={self.root / 'bus.conf'}", "--nofork"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={socket}",
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "HOME": str(self.root / "home"),
        }
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert time.monotonic() < deadline, "dbus-daemon did not start"
            time.sleep(0.05)
        env = {**os.environ, **self.env}
        env.pop("DISPLAY", None)
        self.processes.append(start_gnome_keyring(env))
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

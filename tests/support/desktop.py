"""A private headless desktop for end-to-end tests: Xvfb, a D-Bus session, dunst and trayer.

Every daemon is our own child, started with a config that auto-activates nothing, and stopped
by PID. Used by the e2e tests and the tray benchmark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from session_bus import DBUS_CONFIG, name_owned, start_gnome_keyring

REQUIRED = [
    "Xvfb",
    "dbus-daemon",
    "dbus-send",
    "dunst",
    "dunstctl",
    "trayer",
    "xdotool",
    "notify-send",
    "gnome-keyring-daemon",
    "secret-tool",
    "xclip",  # a picture on the X clipboard (the photo window's paste)
    "tesseract",  # reads the screen as a user would
    "dbus-monitor",  # which notification replaced which
]


def missing_tools() -> list[str]:
    return [tool for tool in REQUIRED if shutil.which(tool) is None]


class Desktop:
    def __init__(self, width: int = 1280, height: int = 800, tray_host: bool = True):
        self.size = (width, height)
        self.tray_host = tray_host
        self.processes: dict[str, subprocess.Popen] = {}
        self.root = Path(tempfile.mkdtemp(prefix="unifer-desktop-"))
        self.env: dict[str, str] = {}
        self._seen: set[int] = set()

    def _wait(self, what: str, check, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.05)
        raise RuntimeError(f"{what} did not start within {timeout:.0f} s")

    def _bus_has(self, name: str) -> bool:
        return name_owned(name, self.env)

    def start(self) -> Desktop:
        runtime = self.root / "runtime"
        for folder in ("runtime", "data", "config", "cache", "state"):
            (self.root / folder).mkdir(mode=0o700)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "OLLAMA_HOST")
        }
        env.update(
            XDG_RUNTIME_DIR=str(runtime),
            XDG_DATA_HOME=str(self.root / "data"),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_STATE_HOME=str(self.root / "state"),
            NO_AT_BRIDGE="1",
            GSETTINGS_BACKEND="memory",
            GDK_BACKEND="x11",
            XDG_SESSION_TYPE="x11",
            PYSTRAY_BACKEND="gtk",
        )
        read_fd, write_fd = os.pipe()
        self.processes["xvfb"] = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{self.size[0]}x{self.size[1]}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_fd,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = pipe.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not report a display number")
        env["DISPLAY"] = f":{display}"
        socket = runtime / "bus"
        (self.root / "bus.conf").write_text(DBUS_CONFIG.format(socket=socket))
        self.processes["dbus"] = subprocess.Popen(
            ["dbus-daemon", f"--config-file={self.root / 'bus.conf'}", "--nofork"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={socket}"
        self.env = env
        self._wait("the D-Bus session", socket.exists)
        self.processes["keyring"] = start_gnome_keyring(env)
        self.start_notification_server()
        if self.tray_host:
            self.processes["trayer"] = subprocess.Popen(
                [
                    "trayer",
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "request",
                    "--height",
                    "32",
                    "--SetDockType",
                    "true",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._wait("trayer", lambda: self.xdotool("search", "--name", "^panel$").returncode == 0)
        return self

    def start_notification_server(self) -> None:
        self._seen = set()  # a new dunst numbers its notifications from 1 again
        config = self.root / "config" / "dunst"
        config.mkdir(exist_ok=True)
        menu = Path(__file__).with_name("dunst_menu.py")
        (config / "dunstrc").write_text(f"[global]\n    dmenu = {sys.executable} {menu} {config / 'pick'}\n")
        self.processes["dunst"] = subprocess.Popen(
            ["dunst"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait("dunst", lambda: self._bus_has("org.freedesktop.Notifications"))

    def stop_notification_server(self) -> None:
        self._stop("dunst")
        self._wait("dunst to leave the bus", lambda: not self._bus_has("org.freedesktop.Notifications"))

    def _history(self) -> list[dict]:
        import json

        subprocess.run(["dunstctl", "close-all"], env=self.env, capture_output=True)  # history holds closed ones
        result = subprocess.run(["dunstctl", "history"], capture_output=True, text=True, env=self.env)
        if result.returncode != 0:
            return []
        items = json.loads(result.stdout)["data"][0]
        return [{key: item[key]["data"] for key in ("id", "summary", "body", "appname")} for item in items]

    def notifications(self) -> list[dict]:
        """What dunst has shown since the last clear_notifications(), newest first."""
        return [item for item in self._history() if item["id"] not in self._seen]

    def clear_notifications(self) -> None:
        """Forget what was shown so far (dunst 1.9 cannot clear its history, so we remember ids)."""
        self._seen |= {item["id"] for item in self._history()}

    def press_notification_button(self, label: str, timeout: float = 20.0) -> None:
        """Press the button `label` of the notification on screen, through dunst's context menu
        (its D-Bus ActionInvoked, as a click would send). Waits for a notification to be shown."""
        (self.root / "config" / "dunst" / "pick").write_text(label, encoding="utf-8")
        deadline = time.monotonic() + timeout
        while self._dunstctl("count", "displayed").stdout.strip() in ("", "0"):
            if time.monotonic() > deadline:
                raise AssertionError(f"no notification on screen to press {label!r} on")
            time.sleep(0.05)
        self._dunstctl("context")

    def _dunstctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["dunstctl", *args], capture_output=True, text=True, env=self.env)

    def xdotool(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, env=self.env)

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        for name in list(self.processes)[::-1]:
            self._stop(name)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Desktop:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

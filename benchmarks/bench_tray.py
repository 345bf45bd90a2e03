"""Tray figures on a private headless desktop (printed, never asserted).

usage: python benchmarks/bench_tray.py   (needs the packages of scripts/install-desktop-test-deps.sh)

- ready: launch to answering `--trigger ping` (icon shown, hotkeys armed, IPC up)
- idle RSS after start-up
- hotkey to notification, without a language model: region (mouse release in the overlay to the
  Notify call on D-Bus) and the webcam hotkey (a video file as the camera)
- memory over 400 consecutive full-screen analyses (the first ones warm up allocator arenas)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from desktop import Desktop  # noqa: E402

BIN = Path(sys.executable).parent
DATA = ROOT / "tests" / "data"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class NotifyWatch:
    """Timestamps of Notify calls on the session bus, as dbus-monitor sees them."""

    def __init__(self, env: dict):
        self.times: list[float] = []
        self.process = subprocess.Popen(
            [
                "dbus-monitor",
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)

    def _read(self) -> None:
        for line in self.process.stdout:
            if "member=Notify" in line:
                self.times.append(time.monotonic())

    def wait_after(self, start: float, timeout: float = 10) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            later = [t for t in self.times if t >= start]
            if later:
                return later[0] - start
            time.sleep(0.002)
        raise TimeoutError("no notification")

    def stop(self) -> None:
        self.process.terminate()


def main() -> None:
    with Desktop() as desktop:
        config = Path(desktop.root) / "config" / "bench.toml"
        config.write_text(
            f'[tray]\ndescribe = false\n[camera]\nsource = "{DATA / "single_face.mp4"}"\nwarmup_frames = 2\n'
        )
        env = {**desktop.env, "UNIFER_CONFIG": str(config)}
        from PIL import Image

        Image.open(DATA / "single_face.jpg").save(DATA / "bench_face.png")
        face = subprocess.Popen(
            [
                sys.executable,
                "-c",
                (
                    "import tkinter; root = tkinter.Tk(); root.overrideredirect(True); root.geometry('+100+120');"
                    f"image = tkinter.PhotoImage(file={str(DATA / 'bench_face.png')!r});"
                    "tkinter.Label(root, image=image, borderwidth=0).pack(); root.mainloop()"
                ),
            ],
            env=env,
        )

        watch = NotifyWatch(env)
        start = time.monotonic()
        tray = subprocess.Popen([str(BIN / "unifer-tray")], env=env)
        trigger = [str(BIN / "unifer-tray"), "--trigger"]
        while subprocess.run([*trigger, "ping"], env=env, capture_output=True, text=True).stdout.strip() != "pong":
            time.sleep(0.02)
        print(f"tray ready (icon shown, hotkeys armed): {time.monotonic() - start:.2f} s from launch")
        time.sleep(2)
        print(f"idle RSS: {rss_mb(tray.pid):.0f} MB")

        region, webcam = [], []
        for _ in range(10):
            desktop.xdotool("key", "ctrl+alt+e")
            while desktop.xdotool("search", "--name", "select a region$").returncode != 0:
                time.sleep(0.02)
            time.sleep(0.2)
            desktop.xdotool(
                "mousemove", "224", "253", "mousedown", "1", "mousemove", "300", "300", "mousemove", "543", "572"
            )
            released = time.monotonic()
            desktop.xdotool("mouseup", "1")
            region.append(watch.wait_after(released) * 1000)
            time.sleep(0.3)
            pressed = time.monotonic()
            desktop.xdotool("key", "ctrl+alt+w")
            webcam.append(watch.wait_after(pressed) * 1000)
            time.sleep(0.3)
        print(
            f"region: mouse release -> notification: median {statistics.median(region):.0f} ms (max {max(region):.0f})"
        )
        print(
            f"webcam hotkey -> notification (video file as camera): median {statistics.median(webcam):.0f} ms "
            f"(max {max(webcam):.0f})"
        )

        readings = [rss_mb(tray.pid)]
        for index in range(1, 401):
            sent = time.monotonic()
            subprocess.run([*trigger, "screen"], env=env, capture_output=True)
            watch.wait_after(sent)
            if index % 100 == 0:
                readings.append(rss_mb(tray.pid))
        steps = " -> ".join(f"{r:.0f}" for r in readings)
        print(
            f"RSS over 400 full-screen analyses, every 100 (MB): {steps}; "
            f"last 200: {readings[-1] - readings[-3]:+.1f} MB"
        )
        subprocess.run([*trigger, "quit"], env=env, capture_output=True)
        tray.wait(15)
        watch.stop()
        face.terminate()
        (DATA / "bench_face.png").unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""Tray figures on a private headless desktop (printed, never asserted).

usage: python benchmarks/bench_tray.py   (needs the packages of scripts/install-desktop-test-deps.sh)

Memory is PSS (what `smem` reports: shared pages counted by their share) summed over the tray
and all its children, as the issue measures it. Latency is from the request to the Notify call
on D-Bus (dbus-monitor's timestamp).

- ready: launch to answering `--trigger ping` (icon shown, hotkeys armed, IPC up)
- idle PSS; PSS right after a capture; PSS again `keep_models` + 8 s later (keep_models = 5s)
- capture to notification: cold (no analysis process running) and warm, full screen by IPC,
  region (mouse release in the overlay) and the webcam hotkey (a video file as the camera)
- with a describer that takes 6 s (our Ollama stand-in): time to the first notification, to
  the description, and whether the description replaced the reading in place
- PSS over 200 consecutive full-screen analyses (a leak would show as a steady rise)
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from desktop import Desktop  # noqa: E402
from notify_watch import NotifyWatch  # noqa: E402
from ollama_stub import Behaviour, OllamaStub  # noqa: E402

BIN = Path(sys.executable).parent
DATA = ROOT / "tests" / "data"
KEEP_MODELS_S = 5


def tree_pss_mb(pid: int) -> float:
    """PSS of a process and all its descendants."""
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # ended meanwhile
            total += process.memory_full_info().pss
    return total / 2**20


class Tray:
    def __init__(self, desktop: Desktop, config: str) -> None:
        path = Path(desktop.root) / "config" / "bench.toml"
        path.write_text(config)
        self.env = {**desktop.env, "UNIFER_CONFIG": str(path)}
        started = time.monotonic()
        self.process = subprocess.Popen([str(BIN / "unifer-tray")], env=self.env)
        while self.trigger("ping").stdout.strip() != "pong":
            time.sleep(0.02)
        self.ready_s = time.monotonic() - started

    def trigger(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "unifer-tray"), "--trigger", action], env=self.env, capture_output=True, text=True
        )

    def quit(self) -> None:
        self.trigger("quit")
        self.process.wait(20)


def latency_ms(watch: NotifyWatch, act) -> float:
    start = time.monotonic()
    act()
    return (watch.wait(start)[0].at - start) * 1000


def main() -> None:
    with Desktop() as desktop:
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
            env=desktop.env,
        )
        watch = NotifyWatch(desktop.env)
        try:
            measure(desktop, watch)
        finally:
            watch.stop()
            face.terminate()
            (DATA / "bench_face.png").unlink(missing_ok=True)


def measure(desktop: Desktop, watch: NotifyWatch) -> None:
    camera = f'[camera]\nsource = "{DATA / "single_face.mp4"}"\nwarmup_frames = 2\n'
    tray = Tray(desktop, f'[tray]\ndescribe = false\nkeep_models = "{KEEP_MODELS_S}s"\n{camera}')
    print(f"tray ready (icon shown, hotkeys armed): {tray.ready_s:.2f} s from launch")
    time.sleep(3)
    print(f"idle PSS of the tray tree: {tree_pss_mb(tray.process.pid):.0f} MB")
    cold = latency_ms(watch, lambda: tray.trigger("screen"))
    time.sleep(0.5)
    print(
        f"cold full-screen capture -> notification: {cold:.0f} ms; PSS after it: {tree_pss_mb(tray.process.pid):.0f} MB"
    )
    warm = [latency_ms(watch, lambda: tray.trigger("screen")) for _ in range(10)]
    print(f"warm full-screen capture -> notification: median {statistics.median(warm):.0f} ms (max {max(warm):.0f})")

    region, webcam = [], []
    for _ in range(5):
        desktop.xdotool("key", "ctrl+alt+e")
        while desktop.xdotool("search", "--name", "select a region$").returncode != 0:
            time.sleep(0.02)
        time.sleep(0.2)
        desktop.xdotool(
            "mousemove", "224", "253", "mousedown", "1", "mousemove", "300", "300", "mousemove", "543", "572"
        )
        region.append(latency_ms(watch, lambda: desktop.xdotool("mouseup", "1")))
        time.sleep(0.3)
        webcam.append(latency_ms(watch, lambda: desktop.xdotool("key", "ctrl+alt+w")))
        time.sleep(0.3)
    print(f"region: mouse release -> notification: median {statistics.median(region):.0f} ms (max {max(region):.0f})")
    print(f"webcam hotkey -> notification (video file as camera): median {statistics.median(webcam):.0f} ms")

    time.sleep(KEEP_MODELS_S + 8)
    print(f"PSS {KEEP_MODELS_S} s (keep_models) + 8 s after the last capture: {tree_pss_mb(tray.process.pid):.0f} MB")
    again = latency_ms(watch, lambda: tray.trigger("screen"))
    print(f"capture after that -> notification: {again:.0f} ms")

    readings = [tree_pss_mb(tray.process.pid)]
    for index in range(1, 201):
        latency_ms(watch, lambda: tray.trigger("screen"))
        if index % 50 == 0:
            readings.append(tree_pss_mb(tray.process.pid))
    steps = " -> ".join(f"{r:.0f}" for r in readings)
    print(f"PSS over 200 full-screen analyses, every 50 (MB): {steps}")
    tray.quit()

    with OllamaStub(Behaviour(delay=6.0)) as stub:
        tray = Tray(desktop, f'[ollama]\nhost = "{stub.url}"\ntimeout = 30\n[tray]\ndescribe = true\n')
        latency_ms(watch, lambda: tray.trigger("screen"))  # the first capture loads the models
        watch.wait(time.monotonic() - 0.01, timeout=30)
        time.sleep(8)
        start = time.monotonic()
        tray.trigger("screen")
        try:
            reading, described = watch.wait(start, count=2, timeout=30)
        except AssertionError:
            [only] = watch.wait(start)
            print(f"6 s describer: one notification only, after {(only.at - start):.2f} s")
        else:
            in_place = described.replaces_id == reading.id
            print(
                f"6 s describer: reading shown after {(reading.at - start):.2f} s, description after "
                f"{(described.at - start):.2f} s, {'replacing it in place' if in_place else 'as a second notification'}"
            )
        tray.quit()


if __name__ == "__main__":
    main()

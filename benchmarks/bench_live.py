"""The live view's speed with a video file as the camera (printed, never asserted).

usage: python benchmarks/bench_live.py [SECONDS]   (needs the desktop test packages for part 2)

1. Headless: the live view's camera and analysis threads on a 640x480 Motion JPEG clip played
   at a camera's pace (30 frames/s): frames analysed per second, latency from a frame's arrival
   to its result, and the process's RSS.
2. The real window under Xvfb (tests/support/desktop.py): the same clip as the camera; the
   window's own report when it closes (frames analysed per second while drawing).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import threading
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))


def clip_640x480(target: Path) -> Path:
    import cv2

    reader = cv2.VideoCapture(str(ROOT / "tests" / "data" / "single_face.mp4"))
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480))
    while True:
        ok, frame = reader.read()
        if not ok:
            break
        writer.write(cv2.resize(frame, (640, 480)))
    reader.release()
    writer.release()
    return target


def headless(clip: Path, seconds: float) -> None:
    from unifer_tray.capture.webcam import choose
    from unifer_tray.live import FILE_FRAME_RATE, LiveState, analyse_frames, read_camera
    from unifer_tray.pipeline import FrameStream, Pipeline

    backend = choose("opencv")[0]
    stream = FrameStream(Pipeline.from_config(None, speed="screen"), "bench")
    state = LiveState()
    indices = count()

    def passes():
        while not state.stop.is_set():
            yield from backend.frames(str(clip))

    threads = [
        threading.Thread(target=read_camera, args=(state, backend.frames(str(clip)), passes(), 1 / FILE_FRAME_RATE)),
        threading.Thread(target=analyse_frames, args=(state, lambda rgb, t: stream.analyze(rgb, t, next(indices)))),
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    state.stop.set()
    for thread in threads:
        thread.join()
    latency = sorted(state.latency_ms)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"headless, 640x480 at 30 frames/s in: {state.analysed / seconds:.1f} frames/s analysed; "
        f"latency median {latency[len(latency) // 2]:.0f} ms, p90 {latency[int(len(latency) * 0.9)]:.0f} ms; "
        f"peak RSS {rss:.0f} MB"
    )


def window(clip: Path, seconds: float) -> None:
    from desktop import Desktop, missing_tools

    if missing_tools():
        print("window: skipped (desktop test packages missing)")
        return
    with Desktop() as desktop:
        env = {**desktop.env, "UNIFER_CAMERA_SOURCE": str(clip), "UNIFER_CONFIG": str(Path(desktop.root) / "c.toml")}
        process = subprocess.Popen(
            [sys.executable, "-m", "unifer_tray.live.window"], env=env, stdout=subprocess.PIPE, text=True
        )
        time.sleep(seconds)
        found = desktop.xdotool("search", "--name", "^UniFER .* live$").stdout.split()
        desktop.xdotool("windowfocus", "--sync", found[0], "key", "Escape")
        output, _ = process.communicate(timeout=20)
        print("window under Xvfb: " + output.strip().splitlines()[-1])


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        clip = clip_640x480(Path(tmp) / "clip.avi")
        headless(clip, seconds)
        window(clip, seconds)


if __name__ == "__main__":
    main()

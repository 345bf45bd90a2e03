"""Webcam snapshot cost per camera backend, printed, never asserted.

usage: python benchmarks/bench_webcam.py

Each backend reads a Motion JPEG clip (640x360, what most webcams send) through the same
snapshot code as a camera, in a fresh process: the cost of loading the backend, the first
snapshot (warm-up of 5 frames, as the tray does), later snapshots, and the process's peak
RSS (VmHWM: getrusage would report the parent's, inherited through fork).
A real camera adds its own start-up (typically 0.2-1 s), the same for both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from clips import mjpeg_copy  # noqa: E402

PROBE = """
import json, statistics, sys, time
start = time.perf_counter()
from unifer_tray.capture import webcam
camera, _ = webcam.choose(sys.argv[2])
camera.is_available()  # imports the backend's library
loaded = time.perf_counter()
webcam.snapshot(sys.argv[1], 5, sys.argv[2])
first = time.perf_counter()
later = []
for _ in range(10):
    t = time.perf_counter()
    webcam.snapshot(sys.argv[1], 5, sys.argv[2])
    later.append(time.perf_counter() - t)
print(json.dumps({"load": loaded - start, "first": first - loaded, "later": statistics.median(later),
                  "rss": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        clip = mjpeg_copy(ROOT / "tests" / "data" / "single_face.mp4", Path(folder) / "clip.avi")
        for backend in ("opencv", "gstreamer"):
            result = subprocess.run(
                [sys.executable, "-c", PROBE, str(clip), backend], capture_output=True, text=True, check=True
            )
            figures = json.loads(result.stdout)
            print(
                f"{backend:9}  load {figures['load'] * 1000:5.0f} ms   first snapshot {figures['first'] * 1000:4.0f} ms"
                f"   later {figures['later'] * 1000:4.0f} ms   peak RSS {figures['rss']:4.0f} MB"
            )


if __name__ == "__main__":
    main()

"""Video analysis speed (printed, never asserted).

usage: python benchmarks/bench_video.py

Times `unifer analyze CLIP --fps 0` (every frame, process start included) on the test clip
(640x360, 30 fps, 2.4 s) and on a 10 fps Motion JPEG copy of it, and the frames per second the
pipeline analyses once loaded.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))


def ten_fps_copy(source: Path, target: Path) -> Path:
    import cv2

    reader = cv2.VideoCapture(str(source))
    writer, index = None, 0
    while True:
        ok, frame = reader.read()
        if not ok:
            break
        if index % 3 == 0:
            if writer is None:
                writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"MJPG"), 10, frame.shape[1::-1])
            writer.write(frame)
        index += 1
    reader.release()
    if writer is not None:
        writer.release()
    return target


def main() -> None:
    from unifer_tray.pipeline import Options, Setup, analyze_paths, loaded

    unifer = str(Path(sys.executable).with_name("unifer"))
    with tempfile.TemporaryDirectory() as tmp:
        clips = {
            "640x360 H.264, 30 fps, 2.4 s": (ROOT / "tests" / "data" / "single_face.mp4", 2.4),
            "640x360 MJPEG, 10 fps, 2.4 s": (
                ten_fps_copy(ROOT / "tests" / "data" / "single_face.mp4", Path(tmp) / "c.avi"),
                2.4,
            ),
        }
        loaded(Setup())  # the models load before the timing
        for name, (clip, duration) in clips.items():
            walls = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run(
                    [unifer, "analyze", str(clip), "--fps", "0", "--format", "jsonl"], capture_output=True, check=True
                )
                walls.append(time.perf_counter() - start)
            wall = statistics.median(walls)
            start = time.perf_counter()
            count = sum(1 for _ in analyze_paths([clip], Options(fps=0)))
            loaded = time.perf_counter() - start
            print(
                f"{name}: whole process {wall:.2f} s ({duration / wall:.1f}x real time); "
                f"{count / loaded:.0f} frames/s once loaded ({loaded / count * 1000:.1f} ms a frame)"
            )


if __name__ == "__main__":
    main()

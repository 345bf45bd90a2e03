"""Whole-process batch speed against the `fer` package (printed, never asserted).

usage: python benchmarks/bench_batch.py [--fer-python PATH] [--count 213]

Makes COUNT posed-style 256x256 face photos (the test photos' faces, re-framed, rescaled and
mirrored at random) in a temporary folder, then times, process start to last result, import
included: `unifer analyze FOLDER --format jsonl` with --jobs 1 and with the default (one process
per core), and `fer` (TensorFlow mini-Xception + Haar, benchmarks/fer_baseline.py) in the
interpreter given by --fer-python (a venv with `pip install fer`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FACES = ["single_face.jpg", "0-f1-su-ph.jpg", "0-f15-hao-ph.jpg", "15-f13-anc-ph.jpg", "45-m7-di-ph.jpg"]  # posed


def make_photos(folder: Path, count: int) -> list[Path]:
    rng = np.random.default_rng(11)
    sources = [Image.open(DATA / name).convert("RGB") for name in FACES]
    paths = []
    for index in range(count):
        image = sources[index % len(sources)]
        side = min(image.size)
        crop_side = int(side * rng.uniform(0.75, 1.0))
        left = int(rng.integers(0, image.width - crop_side + 1))
        top = int(rng.integers(0, image.height - crop_side + 1))
        crop = image.crop((left, top, left + crop_side, top + crop_side)).resize((256, 256))
        if rng.random() < 0.5:
            crop = ImageOps.mirror(crop)
        path = folder / f"posed_{index:03d}.jpg"
        crop.save(path, quality=92)
        paths.append(path)
    return paths


def wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer-python", help="python of a venv with the `fer` package")
    parser.add_argument("--count", type=int, default=213)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    unifer = str(Path(sys.executable).with_name("unifer"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_photos(Path(tmp), args.count)
        print(f"{args.count} posed 256x256 face photos, whole process (import included), median of {args.repeat}")
        ours = {}
        for jobs in ("1", None):
            command = [unifer, "analyze", tmp, "--format", "jsonl", *(["--jobs", jobs] if jobs else [])]
            ours[jobs or "default"] = wall(command, args.repeat)
            print(f"  unifer --jobs {jobs or 'default (one per core)'}: {ours[jobs or 'default']:.2f} s")
        if args.fer_python:
            theirs = wall(
                [args.fer_python, str(ROOT / "benchmarks" / "fer_baseline.py"), *map(str, paths)], args.repeat
            )
            print(f"  fer: {theirs:.2f} s")
            print(
                f"  unifer is {theirs / ours['default']:.1f}x faster than fer (default jobs), "
                f"{theirs / ours['1']:.1f}x with one process"
            )


if __name__ == "__main__":
    main()

"""Whole-process batch speed against the `fer` package (printed, never asserted).

usage: python benchmarks/bench_batch.py [--fer-python PATH] [--count 213] [--repeat 5]

Makes COUNT posed-style 256x256 face photos (the test photos' faces, re-framed, rescaled and
mirrored at random) in a temporary folder, then times, process start to last result, import
included: `unifer analyze FOLDER --format jsonl` with --jobs 1 and with the default (one process
per core), and `fer` (TensorFlow mini-Xception + Haar, benchmarks/fer_baseline.py) in the
interpreter given by --fer-python (a venv with `pip install fer`), in rounds that run each command
once in turn; prints the medians and each round's ratio.
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


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer-python", help="python of a venv with the `fer` package")
    parser.add_argument("--count", type=int, default=213)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    unifer = str(Path(sys.executable).with_name("unifer"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_photos(Path(tmp), args.count)
        commands = {
            "unifer --jobs 1": [unifer, "analyze", tmp, "--format", "jsonl", "--jobs", "1"],
            "unifer (one process per core)": [unifer, "analyze", tmp, "--format", "jsonl"],
        }
        if args.fer_python:
            commands["fer"] = [args.fer_python, str(ROOT / "benchmarks" / "fer_baseline.py"), *map(str, paths)]
        # Rounds run every command in turn, so a slow minute of a shared machine slows all of them
        # and the per-round ratios stay fair; medians over the rounds.
        rounds = [{name: seconds(command) for name, command in commands.items()} for _ in range(args.repeat)]
        print(f"{args.count} posed 256x256 face photos, whole process (import included), {args.repeat} rounds")
        for name in commands:
            print(f"  {name}: {statistics.median(r[name] for r in rounds):.2f} s")
        if args.fer_python:
            for name in list(commands)[:2]:
                ratios = sorted(r["fer"] / r[name] for r in rounds)
                print(
                    f"  fer / {name}: median {statistics.median(ratios):.1f}x "
                    f"(rounds {', '.join(f'{ratio:.1f}' for ratio in ratios)})"
                )


if __name__ == "__main__":
    main()

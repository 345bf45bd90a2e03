"""Peak memory of analysing very large images, whole process (printed, never asserted).

usage: python benchmarks/bench_images.py [MEGAPIXELS]   (default 79: just under the 80 Mpx limit)

Each image is analysed in its own process, so its peak RSS is that image's alone: a 16-bit
grey PNG, an RGBA PNG and an RGB JPEG of the same size. The images are made in a temporary
folder and deleted afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ANALYSE = "import sys\nfrom unifer_tray.pipeline import Pipeline\nprint(Pipeline().analyze(sys.argv[1]).error)\n"


def make(folder: Path, megapixels: float) -> list[tuple[str, Path]]:
    width = 10_000
    height = int(megapixels * 1e6 / width)
    ramp = np.linspace(0, 1, width, dtype=np.float32)[None, :] * np.linspace(0.2, 1, height, dtype=np.float32)[:, None]
    made = []
    deep = folder / "deep.png"
    Image.fromarray((ramp * 65535).astype(np.uint16)).save(deep, compress_level=1)
    made.append((f"16-bit grey PNG {width}x{height}", deep))
    del ramp
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[..., 0] = np.arange(width, dtype=np.uint32)[None, :] % 256
    alpha = np.full((height, width, 1), 200, np.uint8)
    transparent = folder / "rgba.png"
    Image.fromarray(np.concatenate([rgb, alpha], axis=-1), "RGBA").save(transparent, compress_level=1)
    made.append((f"RGBA PNG {width}x{height}", transparent))
    photo = folder / "photo.jpg"
    Image.fromarray(rgb).save(photo, quality=85)
    made.append((f"RGB JPEG {width}x{height}", photo))
    return made


def peak_of(path: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", ANALYSE, str(path)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read().strip() if process.stdout else ""
    return usage.ru_maxrss / 1024, time.perf_counter() - start, output if status == 0 else f"exit {status}"


def main() -> None:
    if sys.argv[1:2] == ["--make"]:  # in a process of its own, so the analyses start small
        for name, path in make(Path(sys.argv[2]), float(sys.argv[3])):
            print(f"{name}\t{path}")
        return
    megapixels = float(sys.argv[1]) if len(sys.argv) > 1 else 79.0
    with tempfile.TemporaryDirectory() as folder:
        made = subprocess.run(
            [sys.executable, __file__, "--make", folder, str(megapixels)], capture_output=True, text=True, check=True
        ).stdout
        for line in made.splitlines():
            name, path = line.split("\t")
            peak, seconds, error = peak_of(Path(path))
            outcome = "analysed" if error == "None" else f"refused: {error}"
            print(f"{name}: peak RSS {peak:.0f} MB, {seconds:.1f} s, {outcome}")


if __name__ == "__main__":
    main()

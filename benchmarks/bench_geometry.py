"""Face geometry on labelled posed photos: the checks of issue #25, and its cost (printed, never
asserted).

usage: python benchmarks/bench_geometry.py FOLDER [--margin 1.6] [--limit N]

FOLDER holds labels.csv (`path,label,subject`, e.g. the Taiwanese posed set of
../shared/notes/devdata.md). Per photo, with the largest face:
- roll: the photo turned by +15 and -15 degrees; the error of the change in roll
- yaw: yaw of the photo plus yaw of its mirror image (0 when the two agree)
- mesh points inside the face box widened by 20 %
- lid gap / eye width on every photo (the scale of eyes_open), and mouth_open per person:
  surprise against the same person's neutral
- ms a face for the mesh (crop, model, measures), one thread
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from unifer_tray.vision import geometry
from unifer_tray.vision.detector import FaceDetector


def inside_widened_box(mesh: np.ndarray, box: tuple[float, float, float, float], widen: float = 0.2) -> float:
    x, y, w, h = box
    dx, dy = w * widen / 2, h * widen / 2
    inside = (mesh[:, 0] >= x - dx) & (mesh[:, 0] <= x + w + dx) & (mesh[:, 1] >= y - dy) & (mesh[:, 1] <= y + h + dy)
    return float(inside.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--margin", type=float, default=geometry.MESH_MARGIN)
    parser.add_argument("--limit", type=int, default=0, help="at most this many photos (0: all)")
    args = parser.parse_args()
    geometry.MESH_MARGIN = args.margin
    detector, mesh_model = FaceDetector(), geometry.FaceMesh()
    rows = list(csv.DictReader((args.folder / "labels.csv").open()))
    rows = rows[: args.limit] if args.limit else rows

    def largest(image: Image.Image):
        rgb = np.asarray(image.convert("RGB"))
        detections = detector.detect(rgb)
        if not detections:
            return None, (None, 0.0)
        start = time.perf_counter()
        measured = mesh_model.measure(rgb, detections[:1])[0]
        return measured, (detections[0], (time.perf_counter() - start) * 1000)

    roll_errors, yaw_sums, inside, ratios, costs = [], [], [], [], []
    mouth: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    missing = 0
    for row in rows:
        photo = Image.open(args.folder / row["path"])
        found, (detection, cost) = largest(photo)
        if found is None:
            missing += 1
            continue
        costs.append(cost)
        inside.append(inside_widened_box(found.mesh, detection.box))
        ratios.extend(value * geometry.EYE_WIDE_OPEN for value in found.eyes_open.values())
        mouth[row["subject"]][row["label"]].append(found.mouth_open)
        for angle in (15, -15):
            turned, _ = largest(photo.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True))
            if turned is not None:
                roll_errors.append(abs(turned.head_pose["roll"] - found.head_pose["roll"] - angle))
        mirrored, _ = largest(photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
        if mirrored is not None:
            yaw_sums.append(abs(found.head_pose["yaw"] + mirrored.head_pose["yaw"]))

    def spread(values: list[float]) -> str:
        q = np.percentile(values, [50, 90])
        return f"median {q[0]:.2f}, 90th percentile {q[1]:.2f} (n={len(values)})"

    print(f"photos: {len(rows)}, no face found: {missing}, mesh margin {args.margin}")
    print(f"roll error after a +-15 degree turn (degrees): {spread(roll_errors)}")
    print(f"|yaw + yaw of the mirror image| (degrees): {spread(yaw_sums)}")
    print(f"mesh points inside the box widened by 20 %: median {np.median(inside):.3f}, min {min(inside):.3f}")
    ratio_q = np.percentile(ratios, [5, 50, 95])
    print(f"lid gap / eye width: 5th {ratio_q[0]:.3f}, median {ratio_q[1]:.3f}, 95th {ratio_q[2]:.3f}")
    wider = [
        statistics.median(labels["surprise"]) > statistics.median(labels["neutral"])
        for labels in mouth.values()
        if labels.get("surprise") and labels.get("neutral")
    ]
    print(f"people whose surprise opens the mouth wider than their neutral face: {sum(wider)} of {len(wider)}")
    print(f"mesh per face: median {statistics.median(costs):.2f} ms (crop, model, measures; 1 thread)")


if __name__ == "__main__":
    main()

"""Does the face mesh help the expression reading? (issue #25 item 5; printed, never asserted)

usage: python benchmarks/bench_mesh_alignment.py FOLDER [FOLDER ...]

Each FOLDER holds labels.csv (`path,label` and a `fold` column: SFEW folds by film, the
Taiwanese set by person, FER2013's training split). For the largest face of every photo the
shipped classifiers read two crops that differ only in how they are turned:
- eyes: today's alignment, the detector's two eye keypoints level
- mesh: the eye centres of the face mesh level (each the middle of its two corners)
and, from the mesh's head pose, how accuracy falls with |yaw| (a pose weight for fusion or
smoothing can only help if it does). Accuracy per fold, mean and sd over folds.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np

from unifer_tray.imaging import load_rgb
from unifer_tray.result import LABELS
from unifer_tray.vision.classifier import ExpressionEnsemble
from unifer_tray.vision.detector import FaceDetector
from unifer_tray.vision.geometry import LEFT_EYE, RIGHT_EYE, FaceMesh, measure
from unifer_tray.vision.preprocessing import aligned_crop

YAW_BINS = (0, 10, 20, 30, 90)


def mesh_eyes(detection, mesh: np.ndarray):
    """The detection with its eye keypoints moved to the mesh's eye centres."""
    keypoints = detection.keypoints.copy()
    keypoints[0] = mesh[list(RIGHT_EYE["corners"]), :2].mean(axis=0)
    keypoints[1] = mesh[list(LEFT_EYE["corners"]), :2].mean(axis=0)
    return replace(detection, keypoints=keypoints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    detector, ensemble, mesh_model = FaceDetector(), ExpressionEnsemble(), FaceMesh()
    for folder in args.folders:
        right: dict[str, dict[str, list[bool]]] = {"eyes": defaultdict(list), "mesh": defaultdict(list)}
        by_yaw: dict[int, list[bool]] = defaultdict(list)
        no_mesh = 0
        for row in csv.DictReader((folder / "labels.csv").open()):
            rgb = load_rgb(folder / row["path"])
            detections = detector.detect(rgb)
            if not detections:
                continue
            detection = detections[0]
            (mesh,) = mesh_model.meshes(rgb, [detection])
            side = np.array([max(detection.extent[2], detection.extent[3])])
            eyes = ensemble.classify(aligned_crop(rgb, detection, ensemble.margin)[None], side)[0]
            correct_eyes = LABELS[int(np.argmax(eyes))] == row["label"]
            if mesh is None:
                no_mesh += 1
                correct_mesh = correct_eyes  # nothing to align with: today's crop
            else:
                crop = aligned_crop(rgb, mesh_eyes(detection, mesh), ensemble.margin)
                correct_mesh = LABELS[int(np.argmax(ensemble.classify(crop[None], side)[0]))] == row["label"]
                yaw = abs(measure(mesh).head_pose["yaw"])
                by_yaw[next(low for low, high in pairwise(YAW_BINS) if yaw < high)].append(correct_eyes)
            right["eyes"][row["fold"]].append(correct_eyes)
            right["mesh"][row["fold"]].append(correct_mesh)
        print(f"{folder.name}: no mesh on {no_mesh} faces (today's crop kept there)")
        for name, folds in right.items():
            per_fold = [100 * float(np.mean(values)) for values in folds.values()]
            overall = 100 * float(np.mean([v for values in folds.values() for v in values]))
            print(
                f"  {name:4} alignment: {overall:.1f} % (folds: mean {statistics.mean(per_fold):.1f}, "
                f"sd {statistics.stdev(per_fold):.1f})"
            )
        gains = [100 * (np.mean(right["mesh"][fold]) - np.mean(right["eyes"][fold])) for fold in sorted(right["eyes"])]
        print("  mesh - eyes per fold: " + ", ".join(f"{gain:+.1f}" for gain in gains))
        for low in sorted(by_yaw):
            high = YAW_BINS[YAW_BINS.index(low) + 1]
            values = by_yaw[low]
            print(f"  |yaw| {low}-{high} degrees: {100 * np.mean(values):.1f} % of {len(values)} faces (eye alignment)")


if __name__ == "__main__":
    main()

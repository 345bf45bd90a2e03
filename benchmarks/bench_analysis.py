"""Speed and memory figures for the analysis pipeline (printed, never asserted).

usage: python benchmarks/bench_analysis.py [--fer-python PATH]

--fer-python names the interpreter of a separate venv with the `fer` package, to run the
baseline a Python user would otherwise pick side by side on the same images.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from unifer_tray.imaging import load_rgb
from unifer_tray.pipeline import Pipeline
from unifer_tray.vision import DetectorSettings
from unifer_tray.vision.classifier import pair_gate, softmax
from unifer_tray.vision.detector import SCREEN_SETTINGS, FaceDetector
from unifer_tray.vision.preprocessing import aligned_crop

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FACE_PHOTOS = [
    "single_face.jpg",
    "0-f1-su-ph.jpg",
    "0-f15-hao-ph.jpg",
    "15-f13-anc-ph.jpg",
    "45-m7-di-ph.jpg",
    "multi_face.jpg",
    "Image_with_alpha.png",
    "BWPictureHuman.jpg",
]
LABELLED = {
    "single_face.jpg": "happiness",
    "0-f1-su-ph.jpg": "surprise",
    "0-f15-hao-ph.jpg": "happiness",
    "15-f13-anc-ph.jpg": "anger",
    "45-m7-di-ph.jpg": "disgust",
    "Image_with_alpha.png": "happiness",
}


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], unit: str = "ms") -> None:
    print(f"  {name}: median {statistics.median(times):.2f} {unit}, p90 {np.percentile(times, 90):.2f} {unit}")


def classification(pipeline: Pipeline) -> None:
    print("per-face classification, 1 thread (alignment, face-api with its mirror image, the pair when gated)")
    analyzer = pipeline.analyzer
    ensemble = analyzer.ensemble
    crops, detections = [], []
    for name in FACE_PHOTOS:
        rgb = load_rgb(DATA / name)
        for det in analyzer.detector.detect(rgb):
            detections.append((rgb, det))
            crops.append(aligned_crop(rgb, det, ensemble.margin))
    batch = np.stack(crops)
    sides = np.array([max(det.box[2:]) for _, det in detections])
    anchor_log = ensemble.anchor.log_probabilities(ensemble.anchor.prepare(batch))
    gates = pair_gate(anchor_log, sides, ensemble.rule)
    print(f"  {len(crops)} faces; {int((gates > 0).sum())} consult the FER2013 pair")
    report("align one face", timed(lambda: aligned_crop(*detections[0], ensemble.margin), 200))
    rgb, det = detections[0]
    corners = np.array([det.box[0], det.box[1], det.box[0] + det.box[2], det.box[1] + det.box[3]])
    report(
        "re-detect one face in its canonical window (part of detection)",
        timed(lambda: analyzer.detector._refine(rgb, corners, det.keypoints, det.score), 200),
    )
    sharp, small = np.array([200.0]), np.array([48.0])
    report("classify, sharp face (face-api + mirror)", timed(lambda: ensemble.classify(batch[:1], sharp), 200))
    doubtful = batch[np.argmin(softmax(anchor_log).max(axis=1))][None]
    report("classify, small doubtful face (all three)", timed(lambda: ensemble.classify(doubtful, small), 200))
    per_face = timed(lambda: ensemble.classify(batch, sides), 20)
    align = statistics.median(timed(lambda: [aligned_crop(r, d, ensemble.margin) for r, d in detections], 5))
    mean = (statistics.median(per_face) + align) / len(batch)
    print(f"  mean over these {len(batch)} faces, alignment included: {mean:.2f} ms per face")
    small_log = ensemble.anchor.log_probabilities(ensemble.anchor.prepare(batch))
    small_gates = pair_gate(small_log, np.full(len(batch), 48.0), ensemble.rule)
    per_small = timed(lambda: ensemble.classify(batch, np.full(len(batch), 48.0)), 20)
    print(
        f"  the same faces as if 48 px ({int((small_gates > 0).sum())} consult the pair): "
        f"{(statistics.median(per_small) + align) / len(batch):.2f} ms per face"
    )


def screenshot() -> np.ndarray:
    """A 1920x1080 'video call' screen: the test photos tiled on a dark desktop."""
    canvas = Image.new("RGB", (1920, 1080), (30, 32, 36))
    for index, name in enumerate(FACE_PHOTOS[:6]):
        tile = ImageOps.fit(Image.open(DATA / name).convert("RGB"), (620, 500))
        canvas.paste(tile, (20 + (index % 3) * 630, 30 + (index // 3) * 520))
    return np.asarray(canvas)


def detection(pipeline: Pipeline) -> None:
    print("face detection, 1 thread")
    detector = pipeline.analyzer.detector
    screen = screenshot()
    for name, settings in (("screen profile", SCREEN_SETTINGS), ("photo profile", DetectorSettings())):
        profiled = FaceDetector(settings, threads=1)
        faces = profiled.detect(screen)
        report(f"1920x1080 screenshot, {name} ({len(faces)} faces)", timed(lambda d=profiled: d.detect(screen), 30))
    group = load_rgb(DATA / "multi_face.jpg")
    report("1000x667 group photo", timed(lambda: detector.detect(group), 30))
    photo = load_rgb(DATA / "0-f1-su-ph.jpg")
    small = np.asarray(Image.fromarray(photo).resize((256, 256)))
    report("256x256 photo, one face", timed(lambda: detector.detect(small), 50))
    big = load_rgb(DATA / "BWPictureHuman.jpg")
    report("2560x1912 photo", timed(lambda: detector.detect(big), 10))


def cold_cli() -> None:
    """Wall time and peak RSS of fresh `unifer analyze` processes.

    Peak RSS comes from GNU time: a child forked from this (large) process would report this
    process's pages as its own peak.
    """
    print("cold `unifer analyze` of one image (process start to result)")
    command = [
        str(Path(sys.executable).with_name("unifer")),
        "analyze",
        str(DATA / "single_face.jpg"),
        "--format",
        "json",
    ]
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    walls, peaks = [], []
    for _ in range(5):
        start = time.perf_counter()
        if gnu_time:
            out = subprocess.run([gnu_time, "-f", "%M", *command], capture_output=True, text=True, check=True)
            peaks.append(int(out.stderr.strip().splitlines()[-1]) / 1024)
        else:
            subprocess.run(command, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
    peak = f"{max(peaks):.0f} MB" if peaks else "n/a (install GNU time)"
    print(f"  wall: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s; peak RSS: {peak}")


def make_face_folder(folder: Path, count: int = 200) -> list[Path]:
    """200 face photos: the test faces re-framed, rescaled and mirrored at random."""
    rng = np.random.default_rng(7)
    sources = [Image.open(DATA / name).convert("RGB") for name in FACE_PHOTOS[:5]]
    paths = []
    for index in range(count):
        image = sources[index % len(sources)]
        w, h = image.size
        left, top = rng.integers(0, w // 10), rng.integers(0, h // 10)
        crop = image.crop((left, top, w - rng.integers(0, w // 10), h - rng.integers(0, h // 10)))
        crop = crop.resize((int(crop.width * rng.uniform(0.8, 1.6)), int(crop.height * rng.uniform(0.8, 1.6))))
        if rng.random() < 0.5:
            crop = ImageOps.mirror(crop)
        path = folder / f"face_{index:03d}.jpg"
        crop.save(path, quality=90)
        paths.append(path)
    return paths


def throughput(fer_python: str | None) -> None:
    print("throughput on a folder of 200 face photos")
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_face_folder(Path(tmp))
        for threads in (1, 0):
            pipeline = Pipeline(DetectorSettings(), threads=threads)
            start = time.perf_counter()
            for path in paths:
                pipeline.run(path)[0]
            elapsed = time.perf_counter() - start
            label = "1 thread" if threads == 1 else "onnxruntime's own thread pool"
            print(
                f"  unifer ({label}): {len(paths) / elapsed:.1f} images/s ({elapsed / len(paths) * 1000:.1f} ms each)"
            )
        if fer_python:
            start = time.perf_counter()
            out = subprocess.run(
                [fer_python, str(Path(__file__).with_name("fer_baseline.py")), *map(str, paths)],
                capture_output=True,
                text=True,
                check=True,
            )
            wall = time.perf_counter() - start
            result = json.loads(out.stdout.strip().splitlines()[-1])
            per_image = statistics.mean(result["seconds"])
            print(
                f"  fer (TensorFlow + Haar): {1 / per_image:.1f} images/s ({per_image * 1000:.1f} ms each), "
                f"import {result['import_s']:.1f} s, whole run {wall:.1f} s"
            )


def sanity_accuracy(pipeline: Pipeline, fer_python: str | None) -> None:
    print(f"labelled sanity set ({len(LABELLED)} posed/happy photos; far too small to rank models)")
    ours = [pipeline.run(DATA / name)[0].faces for name in LABELLED]
    hits = sum(bool(f) and f[0].expression == truth for f, truth in zip(ours, LABELLED.values(), strict=True))
    print(f"  unifer: {hits}/{len(LABELLED)}")
    if fer_python:
        out = subprocess.run(
            [fer_python, str(Path(__file__).with_name("fer_baseline.py")), *(str(DATA / n) for n in LABELLED)],
            capture_output=True,
            text=True,
            check=True,
        )
        labels = json.loads(out.stdout.strip().splitlines()[-1])["labels"]
        hits = sum(a == b for a, b in zip(labels, LABELLED.values(), strict=True))
        print(f"  fer:    {hits}/{len(LABELLED)}  ({labels})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer-python", help="python of a venv with the `fer` package, for the baseline")
    args = parser.parse_args()
    pipeline = Pipeline(threads=1)
    classification(pipeline)
    detection(pipeline)
    cold_cli()
    throughput(args.fer_python)
    sanity_accuracy(pipeline, args.fer_python)


if __name__ == "__main__":
    main()

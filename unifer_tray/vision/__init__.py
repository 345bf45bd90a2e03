"""On-device vision: face detection, alignment and expression classification with onnxruntime."""

from __future__ import annotations

import time
from typing import Literal

import numpy as np

from ..result import LABELS, Face
from .affect import reading
from .classifier import ExpressionEnsemble
from .detector import DetectorSettings, FaceDetector
from .geometry import FaceGeometry, FaceMesh
from .models import ModelError, ModelInfo
from .preprocessing import aligned_crop, whole_image_crop

__all__ = ["DetectorSettings", "FaceAnalyzer", "Geometry", "ModelError", "ModelInfo"]
Geometry = Literal["pose", "mesh"] | None  # what face geometry to add: None (the default), or how much


def _round(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


class FaceAnalyzer:
    """Detect faces and read their expressions; load once, reuse for every image."""

    def __init__(self, settings: DetectorSettings | None = None, threads: int = 1):
        self.detector = FaceDetector(settings, threads)
        self.ensemble = ExpressionEnsemble(threads)
        self.threads = threads
        self._mesh: FaceMesh | None = None  # loaded by the first analysis that asks for geometry

    @property
    def models(self) -> list[ModelInfo]:
        return [self.detector.info, *self.ensemble.models, *(self._mesh.models if self._mesh else [])]

    @property
    def mesh(self) -> FaceMesh:
        if self._mesh is None:
            self._mesh = FaceMesh(self.threads)
        return self._mesh

    def analyze(
        self,
        rgb: np.ndarray,
        whole: bool = False,
        follow: list[list[int]] | None = None,
        geometry: Geometry = None,
    ) -> tuple[list[Face], dict[str, float]]:
        """Faces sorted by size, and the time each stage took in ms.

        ``whole=True`` treats the image as one already-cropped face (datasets of face crops).
        ``follow``: the boxes of the previous video frame, looked for again where they were.
        ``geometry``: "pose" adds head pose and eye and mouth openness, "mesh" the points too.
        """
        start = time.perf_counter()
        height, width = rgb.shape[:2]
        if whole:
            detections = []
            crops = whole_image_crop(rgb)[None]
            sides = [max(height, width)]
        else:
            followed = self.detector.follow(rgb, follow) if follow else None
            detections = followed if followed is not None else self.detector.detect(rgb)
            crops = (
                np.stack([aligned_crop(rgb, d, self.ensemble.margin) for d in detections])
                if detections
                else np.zeros((0,))
            )
            sides = [max(d.extent[2], d.extent[3]) for d in detections]
        detected = time.perf_counter()
        probabilities = self.ensemble.classify(crops, np.array(sides))
        classified = time.perf_counter()

        faces = []
        for index, row in enumerate(probabilities):
            probs = {label: _round(p) for label, p in zip(LABELS, row, strict=True)}
            if whole:
                box, score, landmarks = [0, 0, width, height], 1.0, []
            else:
                det = detections[index]
                box = [round(v) for v in det.box]
                score = _round(det.score)
                landmarks = [[round(float(x), 1), round(float(y), 1)] for x, y in det.keypoints]
            faces.append(Face(box=box, score=score, landmarks=landmarks, probabilities=probs, **reading(probs)))
        timings = {"detect": (detected - start) * 1000, "classify": (classified - detected) * 1000}
        if geometry and detections:
            for face, measured in zip(faces, self.mesh.measure(rgb, detections), strict=True):
                if measured is not None:
                    _add_geometry(face, measured, with_mesh=geometry == "mesh")
            timings["geometry"] = (time.perf_counter() - classified) * 1000
        return faces, timings


def _add_geometry(face: Face, measured: FaceGeometry, with_mesh: bool) -> None:
    face.head_pose = {axis: _round(angle, 2) for axis, angle in measured.head_pose.items()}
    face.eyes_open = {eye: _round(value, 3) for eye, value in measured.eyes_open.items()}
    face.mouth_open = _round(measured.mouth_open, 3)
    if with_mesh:
        face.mesh = [[round(float(v), 1) for v in point] for point in measured.mesh]

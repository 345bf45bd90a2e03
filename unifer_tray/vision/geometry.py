"""Face geometry from MediaPipe's face mesh: head pose, eye and mouth openness, the mesh itself.

Only run when asked (`unifer analyze --geometry`, `geometry=True`): it adds about 5 ms a face.
Conventions (README, "Face geometry"): image axes x right, y down; z grows away from the camera.
- head_pose: degrees. yaw > 0 when the face points towards the image's right side, pitch > 0
  when it points up, roll > 0 when the head is turned counter-clockwise in the image (as a photo
  rotated by +15 degrees with Pillow or OpenCV). Roll is the outermost rotation, so turning the
  photo adds exactly to it; a mirror image negates yaw and roll.
- eyes_open: per eye (the person's left and right, not the image's), lid gap / eye width divided
  by EYE_WIDE_OPEN and capped at 1; 0 is closed.
- mouth_open: inner-lip gap / mouth width, capped at 1; 0 is closed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .detector import Detection
from .models import ModelInfo, open_session
from .preprocessing import aligned_crop, crop_to_image

MESH_SIZE = 192
# The crop the mesh was trained on: a square of 1.6x the detector's box, eyes level (as Human
# crops it; ADR-0001 has the margins tried).
MESH_MARGIN = 1.6
MIN_FACE_FLAG = 0.5  # the model's own "this is a face" score; below it the mesh is a guess
# Lid gap / eye width of a wide-open eye: the 95th percentile over the posed development faces
# (models/ADR-0001), so a neutral face reads about 0.7 and surprise up to 1.
EYE_WIDE_OPEN = 0.30

# Mesh indices (MediaPipe's canonical face mesh). "Right" is the person's right (image left).
RIGHT_EYE = {"corners": (33, 133), "lids": ((159, 145), (160, 144), (158, 153))}
LEFT_EYE = {"corners": (263, 362), "lids": ((386, 374), (385, 380), (387, 373))}
MOUTH_CORNERS, INNER_LIPS = (61, 291), (13, 14)
# Pairs across the face (person's right, then left) and the midline from forehead to chin.
ACROSS = ((33, 263), (133, 362), (234, 454), (61, 291))
FOREHEAD, CHIN = 10, 152


@dataclass
class FaceGeometry:
    head_pose: dict[str, float]  # yaw, pitch, roll in degrees
    eyes_open: dict[str, float]  # left, right: 0 closed .. 1 wide open
    mouth_open: float  # 0 closed .. 1 as open as it is wide
    mesh: np.ndarray  # 468 x 3, image pixels (z in the same unit, relative to the head's centre)


def head_rotation(mesh: np.ndarray) -> np.ndarray:
    """The head's axes as columns (x: towards the person's left, y: down the face, z: into the
    head), from symmetric point pairs and the midline, made orthonormal."""
    across = sum(mesh[left] - mesh[right] for right, left in ACROSS)
    down = mesh[CHIN] - mesh[FOREHEAD]
    x = across / np.linalg.norm(across)
    y = down - (down @ x) * x
    y /= np.linalg.norm(y)
    return np.stack([x, y, np.cross(x, y)], axis=1)


def head_pose(rotation: np.ndarray) -> dict[str, float]:
    """Yaw, pitch and roll for rotation = Rz(roll) Rx(pitch) Ry(yaw) in image axes (y down), with
    the signs turned to the module's conventions (a counter-clockwise roll is positive)."""
    pitch = math.asin(float(np.clip(rotation[2, 1], -1, 1)))
    yaw = math.atan2(-rotation[2, 0], rotation[2, 2])
    roll = math.atan2(-rotation[0, 1], rotation[1, 1])
    return {"yaw": -math.degrees(yaw), "pitch": -math.degrees(pitch), "roll": -math.degrees(roll)}


def _distance(mesh: np.ndarray, a: int, b: int) -> float:
    return float(np.linalg.norm(mesh[a] - mesh[b]))


def eye_openness(mesh: np.ndarray, eye: dict) -> float:
    """Mean lid gap over eye width, in 3-D so a turned head does not read as a narrowed eye."""
    gap = np.mean([_distance(mesh, upper, lower) for upper, lower in eye["lids"]])
    return min(1.0, gap / _distance(mesh, *eye["corners"]) / EYE_WIDE_OPEN)


def mouth_openness(mesh: np.ndarray) -> float:
    return min(1.0, _distance(mesh, *INNER_LIPS) / _distance(mesh, *MOUTH_CORNERS))


def measure(mesh: np.ndarray) -> FaceGeometry:
    """Everything read off one mesh in image coordinates."""
    return FaceGeometry(
        head_pose=head_pose(head_rotation(mesh)),
        eyes_open={"left": eye_openness(mesh, LEFT_EYE), "right": eye_openness(mesh, RIGHT_EYE)},
        mouth_open=mouth_openness(mesh),
        mesh=mesh,
    )


class FaceMesh:
    """The mesh model; loaded only by analyses that ask for geometry."""

    def __init__(self, threads: int = 1) -> None:
        self.session, self.info = open_session("facemesh", threads)
        self.input = self.session.get_inputs()[0].name
        pre = self.info.preprocessing
        self.scale, self.offset = float(pre["scale"]), float(pre["offset"])

    @property
    def models(self) -> list[ModelInfo]:
        return [self.info]

    def meshes(self, rgb: np.ndarray, detections: list[Detection]) -> list[np.ndarray | None]:
        """Each face's 468 points in image coordinates, None where the model sees no face."""
        if not detections:
            return []
        crops = np.stack([aligned_crop(rgb, d, MESH_MARGIN, MESH_SIZE) for d in detections])
        points, flags = self.session.run(None, {self.input: crops.astype(np.float32) * self.scale + self.offset})
        return [
            crop_to_image(raw.reshape(-1, 3), detection, MESH_MARGIN, MESH_SIZE) if flag >= MIN_FACE_FLAG else None
            for raw, flag, detection in zip(points, flags[:, 0], detections, strict=True)
        ]

    def measure(self, rgb: np.ndarray, detections: list[Detection]) -> list[FaceGeometry | None]:
        return [None if mesh is None else measure(mesh) for mesh in self.meshes(rgb, detections)]

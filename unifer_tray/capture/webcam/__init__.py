"""A single webcam snapshot; the camera is open only for the snapshot.

Backends, picked at run time by their ``is_available()``: OpenCV (any OS, installed with the
tray extra) and GStreamer (Linux, through PyGObject, which the tray needs there anyway; the
Linux bundle ships it instead of OpenCV, which alone would be 150 MB). Both read a camera index
or a video file path through the same code, which is how the tests exercise this path without
a camera.
"""

from __future__ import annotations

import os
from collections import deque
from itertools import islice

import numpy as np

from ... import backends
from .. import CaptureError
from .base import CameraBackend, cannot_open

__all__ = ["SOURCE_ENV", "CameraBackend", "camera_source", "cannot_open", "choose", "default_backends", "snapshot"]

SOURCE_ENV = "UNIFER_CAMERA_SOURCE"


def default_backends() -> list[CameraBackend]:
    from .gstreamer import GStreamerCamera
    from .opencv import OpenCVCamera

    return [OpenCVCamera(), GStreamerCamera()]


def choose(preferred: str = "auto") -> tuple[CameraBackend, list[str]]:
    """The preferred backend ([camera] backend), or the first available one, and hints about
    those skipped."""
    try:
        return backends.choose(default_backends(), "camera backend", preferred, setting="camera.backend")
    except backends.NoBackend as exc:
        raise CaptureError(str(exc)) from None


def camera_source(configured: str | int) -> int | str:
    value = os.environ.get(SOURCE_ENV, configured)
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def snapshot(source: int | str, warmup_frames: int = 5, backend: str | CameraBackend = "auto") -> np.ndarray:
    """One RGB frame, after `warmup_frames` frames that let exposure settle (a short video file
    that ends sooner gives its last frame). `backend`: a name for `choose`, or one it chose."""
    camera = choose(backend)[0] if isinstance(backend, str) else backend
    frames = camera.frames(source)
    try:
        last = deque(islice(frames, max(1, warmup_frames + 1)), maxlen=1)
    finally:
        frames.close()
    if not last:
        raise CaptureError(
            "the camera opened but delivered no picture: it may be in use by another application, "
            "or camera access is not permitted for this app (check the system's privacy settings)"
        )
    return last[0]

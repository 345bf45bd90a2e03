"""A single webcam snapshot through OpenCV; the camera is open only for the snapshot.

The source is a camera index or a video file path (the same cv2.VideoCapture code reads both,
which is how the tests exercise this path without a camera).
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from . import CaptureError

SOURCE_ENV = "UNIFER_CAMERA_SOURCE"


def camera_source(configured: str | int) -> int | str:
    value = os.environ.get(SOURCE_ENV, configured)
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def snapshot(source: int | str, warmup_frames: int = 5) -> np.ndarray:
    """One RGB frame, after `warmup_frames` frames that let exposure settle."""
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # our message replaces OpenCV's warnings
    capture = cv2.VideoCapture(source)
    try:
        if not capture.isOpened():
            if isinstance(source, int):
                raise CaptureError(
                    f"no camera found at index {source}: connect a camera, or choose another one with "
                    "`unifer config set camera.source N`"
                )
            raise CaptureError(f"cannot open the video source {source}")
        frame = None
        for _ in range(max(1, warmup_frames + 1)):
            ok, image = capture.read()
            if ok and image is not None:
                frame = image
            elif frame is not None:
                break  # a short video file ends: keep the last good frame
        if frame is None:
            raise CaptureError(
                "the camera opened but delivered no picture: it may be in use by another application, "
                "or camera access is not permitted for this app (check the system's privacy settings)"
            )
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()

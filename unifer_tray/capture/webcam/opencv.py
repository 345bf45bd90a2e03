"""Camera frames through OpenCV's VideoCapture (V4L2, Media Foundation, AVFoundation, FFmpeg)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from ... import platform
from .base import cannot_open

FAILED_READS_BEFORE_GIVING_UP = 5


def capture_api(cv2: Any, source: int | str) -> int:
    """The capture API this OS opens `source` with fastest (DirectShow for Windows cameras)."""
    return platform.current().camera_api(cv2, source)


class OpenCVCamera:
    name = "opencv"

    def is_available(self) -> tuple[bool, str]:
        try:
            import cv2  # noqa: F401
        except ImportError as exc:
            return False, f"OpenCV is not installed ({exc}); the tray extra brings it: pip install '.[tray]'"
        return True, ""

    def frames(self, source: int | str) -> Generator[np.ndarray, None, None]:
        for rgb, _ in self.timed_frames(source):
            yield rgb

    def timed_frames(self, source: int | str) -> Generator[tuple[np.ndarray, float], None, None]:
        """Frames with their time in seconds (videos sampled by time need it)."""
        platform.current().prepare_opencv()
        import cv2

        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # our message replaces OpenCV's warnings
        capture = cv2.VideoCapture(source, capture_api(cv2, source))
        try:
            if not capture.isOpened():
                raise cannot_open(source)
            delivered, failures = False, 0
            while failures < FAILED_READS_BEFORE_GIVING_UP:
                ok, image = capture.read()
                if ok and image is not None:
                    delivered = True
                    yield cv2.cvtColor(image, cv2.COLOR_BGR2RGB), capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                elif delivered:
                    return  # a video file ended
                else:
                    failures += 1  # some cameras fail their first reads while starting
        finally:
            capture.release()

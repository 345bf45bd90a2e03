"""What every camera backend is (`opencv.py`, `gstreamer.py`), and the one message for a source
that does not open; the backends import this, never the package that picks among them."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol

import numpy as np

from ... import platform
from ...backends import Backend
from .. import CaptureError


class CameraBackend(Backend, Protocol):
    def frames(self, source: int | str) -> Generator[np.ndarray, None, None]:
        """RGB frames until the source ends; the device is released when the iterator closes.
        Raises `cannot_open(source)` when the source does not open."""

    def timed_frames(self, source: int | str) -> Generator[tuple[np.ndarray, float], None, None]:
        """The same frames with their time in seconds (a video file's own timestamps)."""


def cannot_open(source: int | str, detail: str = "") -> CaptureError:
    if isinstance(source, int):
        # macOS reports a camera it has not allowed as none at all: its hint says where to allow it
        return CaptureError(
            f"no camera found at index {source}: connect a camera, or choose another one with "
            f"`unifer config set camera.source N`{platform.current().CAMERA_HINT}"
        )
    return CaptureError(f"cannot open the video source {source}" + (f" ({detail})" if detail else ""))

"""The tray's ways of getting an image: the whole screen, a dragged region, a webcam snapshot.

Each returns a `Captured` (pixels and the kind of capture) so the tray only dispatches; the
region flow (frozen screenshot, overlay, crop) lives here with the rest of capture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import CameraConfig
from ..result import CaptureKind
from . import screen
from .overlay import select_region


@dataclass
class Captured:
    image: np.ndarray | str  # RGB pixels, or the path of a file the user chose
    kind: CaptureKind


class Captures:
    def __init__(self, camera: CameraConfig) -> None:
        self.camera = camera

    def screen(self) -> Captured:
        pixels, _ = screen.grab()
        return Captured(pixels, "screen")

    def region(self, overlay_open: Callable[[bool], None]) -> Captured | None:
        """A frozen full-desktop shot, the overlay over it, then its crop; None if the user
        cancelled. `overlay_open` hears when the overlay goes up and down (the tray coalesces on it)."""
        pixels, origin = screen.grab()
        overlay_open(True)
        try:
            region = select_region(pixels, origin, screen.monitors())
        finally:
            overlay_open(False)
        if region is None:
            return None
        x, y = region.left - origin.left, region.top - origin.top
        return Captured(np.ascontiguousarray(pixels[y : y + region.height, x : x + region.width]), "screen region")

    def webcam(self) -> Captured:
        from . import webcam

        source = webcam.camera_source(self.camera.source)
        return Captured(webcam.snapshot(source, self.camera.warmup_frames, self.camera.backend), "webcam")

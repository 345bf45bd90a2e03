"""Screen grabs with mss: all monitors, or a region of the virtual desktop."""

from __future__ import annotations

import threading

import numpy as np

from .. import platform
from . import CaptureError, Region

_local = threading.local()  # mss handles are not thread-safe: one per thread


def _mss():
    if not hasattr(_local, "grabber"):
        import mss

        try:
            _local.grabber = mss.mss()
        except Exception as exc:  # mss raises its own ScreenShotError, or XError without a display
            raise CaptureError(f"cannot access the screen: {exc}. Is a graphical session running?") from None
    return _local.grabber


def desktop() -> Region:
    """The bounding box of all monitors (mss's monitor 0)."""
    whole = _mss().monitors[0]
    return Region(whole["left"], whole["top"], whole["width"], whole["height"])


def monitors() -> list[Region]:
    return [Region(m["left"], m["top"], m["width"], m["height"]) for m in _mss().monitors[1:]]


SCREEN_RECORDING_REFUSED = (
    "macOS has not allowed UniFER to record the screen (it would capture only the wallpaper): "
    "allow it in " + platform.PERMISSION_PANES["screen recording"] + ", then restart UniFER"
)


def grab(region: Region | None = None) -> tuple[np.ndarray, Region]:
    """RGB pixels of `region` (default: every monitor) and the region actually grabbed."""
    if platform.macos_allows("screen recording") is False:
        raise CaptureError(SCREEN_RECORDING_REFUSED)
    region = region or desktop()
    try:
        shot = _mss().grab({"left": region.left, "top": region.top, "width": region.width, "height": region.height})
    except Exception as exc:
        raise CaptureError(f"screen capture failed: {exc}") from None
    bgra = np.frombuffer(shot.bgra, np.uint8).reshape(shot.height, shot.width, 4)
    return np.ascontiguousarray(bgra[..., 2::-1]), region

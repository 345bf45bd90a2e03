"""Getting pixels from the screen (mss), a region the user drags (Tk overlay), or a camera (webcam/)."""

from __future__ import annotations

from dataclasses import dataclass


class CaptureError(RuntimeError):
    """Capture failed; the message says what happened and what to do."""


@dataclass(frozen=True)
class Region:
    left: int
    top: int
    width: int
    height: int

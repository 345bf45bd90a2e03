"""Frames of a video file, sampled by their own timestamps: a frame source like the camera
(and read by the camera's backends), for `pipeline.analyze_paths` and the live view.

Frames are read with OpenCV (the tray extra installs it) one at a time, so a long video streams
in constant memory. Sampling uses each frame's own timestamp, so variable frame rates are kept.
Frames are held to the images' pixel limit: by the container's header before any frame is
decoded (where OpenCV reads it), and by the first decoded frame otherwise (GStreamer).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..formats import VIDEO_SUFFIXES, is_video
from ..imaging import too_large

__all__ = ["VIDEO_SUFFIXES", "Frame", "VideoError", "frames", "is_video"]


class VideoError(ValueError):
    """A video that cannot be read, or not to the end; the message says what and what to do."""


@dataclass
class Frame:
    index: int  # in the video, counting every decoded frame
    time_s: float  # from the frame's own timestamp
    rgb: np.ndarray


def frames(path: Path, fps: float) -> Iterator[Frame]:
    """Frames of `path`, `fps` per second of video time (0: every frame). Raises VideoError for a
    file that is not a video, has no decoder here, has no frames, or ends early (after the
    frames that could be read). Read by the webcam's own backends: OpenCV where it is
    installed, otherwise GStreamer (the Linux bundle ships it instead of OpenCV)."""
    yield from _sampled(_decoded(path), fps)


def _sampled(timed: Iterator[tuple[int, float, np.ndarray]], fps: float) -> Iterator[Frame]:
    """`fps` frames per second of video time by each frame's own timestamp (0: all)."""
    next_time = 0.0
    for index, time_s, rgb in timed:
        if fps > 0:
            if time_s + 1e-6 < next_time:
                continue
            while next_time <= time_s + 1e-6:  # the next sample's time, past any gap
                next_time += 1.0 / fps
        yield Frame(index, round(time_s, 3), rgb)


def _decoded(path: Path) -> Iterator[tuple[int, float, np.ndarray]]:
    from . import CaptureError, webcam

    # FFmpeg's own complaints ("moov atom not found") would reach the terminal beside our
    # message; OpenCV reads this before it first starts FFmpeg.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    if not is_video(path):
        raise VideoError("not a video, or a format that cannot be read here")
    try:
        camera = webcam.choose("auto")[0]
    except CaptureError as exc:
        raise VideoError(f"reading videos needs OpenCV (pip install 'unifer-tray[tray]') or GStreamer: {exc}") from None
    facts = _container_facts(path)
    refused = too_large(facts.width, facts.height, "video frames")
    if refused:
        raise VideoError(refused)
    count = -1
    try:
        for count, (rgb, time_s) in enumerate(camera.timed_frames(str(path))):
            refused = too_large(rgb.shape[1], rgb.shape[0], "video frames")
            if refused:
                raise VideoError(refused)
            yield count, time_s, rgb
    except CaptureError as exc:
        raise VideoError(_why_not(path, str(exc))) from None
    if count < 0:
        raise VideoError("the video has no frames that can be decoded (empty, or truncated before the first)")
    if facts.frames and count + 1 < facts.frames * 0.9:
        raise VideoError(f"the video ends early: {count + 1} of {facts.frames} frames could be read (truncated?)")


def _why_not(path: Path, detail: str) -> str:
    """Why a video file would not open: a codec without decoder (named), or a damaged file."""
    codec = _container_facts(path).codec
    if codec:
        return (
            f"cannot decode this video ({codec}): no decoder for it in this install; "
            "convert it to H.264 MP4 or MJPEG AVI"
        )
    if "no GStreamer" in detail:  # decodebin named the missing decoder
        return f"cannot decode this video ({detail[detail.index('no GStreamer') :].rstrip(')')})"
    return "cannot open this video: the file is damaged or truncated"


@dataclass
class _ContainerFacts:
    codec: str  # four characters, "" when unknown
    frames: int
    width: int
    height: int


def _container_facts(path: Path) -> _ContainerFacts:
    """What the container's header says, where OpenCV can read it (no frame is decoded for
    this); zeros and "" when it cannot (no OpenCV, or a damaged container)."""
    try:
        import cv2
    except ImportError:
        return _ContainerFacts("", 0, 0, 0)
    probe = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        code = int(probe.get(cv2.CAP_PROP_FOURCC) or 0)
        properties = (cv2.CAP_PROP_FRAME_COUNT, cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT)
        counts = [int(probe.get(prop) or 0) if probe.isOpened() else 0 for prop in properties]
    finally:
        probe.release()
    text = "".join(chr((code >> 8 * i) & 0xFF) for i in range(4)).strip("\x00 ")
    return _ContainerFacts(text if text.isprintable() and text.isascii() else "", *counts)

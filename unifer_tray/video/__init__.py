"""Expressions over time: frames sampled from a video file, faces followed from frame to frame.

Frames are read with OpenCV (the tray extra installs it) one at a time, so a long video streams
in constant memory. Sampling uses each frame's own timestamp, so variable frame rates are kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..formats import VIDEO_SUFFIXES, is_video

__all__ = ["VIDEO_SUFFIXES", "Frame", "VideoError", "frames", "is_video"]


class VideoError(ValueError):
    """A video that cannot be read, or not to the end; the message says what and what to do."""


@dataclass
class Frame:
    index: int  # in the video, counting every decoded frame
    time_s: float  # from the frame's own timestamp
    rgb: np.ndarray


def _opencv() -> Any:
    # FFmpeg's own complaints ("moov atom not found") would reach the user's terminal beside our
    # message; OpenCV reads this before it first starts FFmpeg.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    try:
        import cv2
    except ImportError:
        raise VideoError("reading videos needs OpenCV: pip install 'unifer-tray[tray]'") from None
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # our messages replace its warnings
    return cv2


def frames(path: Path, fps: float) -> Iterator[Frame]:
    """Frames of `path`, `fps` per second of video time (0: every frame). Raises VideoError for a
    file that is not a video, has no decoder here, has no frames, or ends early (after the
    frames that could be read). OpenCV reads them where it is installed; otherwise GStreamer
    (the Linux bundle ships it instead of OpenCV)."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        yield from _sampled(_gstreamer_frames(path), fps)
        return
    yield from _sampled(_opencv_frames(path), fps)


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


def _gstreamer_frames(path: Path) -> Iterator[tuple[int, float, np.ndarray]]:
    from ..capture import CaptureError
    from ..capture.webcam.gstreamer import GStreamerCamera

    camera = GStreamerCamera()
    usable, why = camera.is_available()
    if not usable:
        raise VideoError(f"reading videos needs OpenCV (pip install 'unifer-tray[tray]') or GStreamer: {why}")
    if not is_video(path):
        raise VideoError("not a video, or a format GStreamer cannot read")
    count = -1
    try:
        for count, (rgb, time_s) in enumerate(camera.timed_frames(str(path))):
            yield count, time_s, rgb
    except CaptureError as exc:
        raise VideoError(str(exc).replace(f"cannot open the video source {path}", "cannot decode this video")) from None
    if count < 0:
        raise VideoError("the video has no frames that can be decoded (empty, or truncated before the first)")


def _opencv_frames(path: Path) -> Iterator[tuple[int, float, np.ndarray]]:
    cv2 = _opencv()
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            if not is_video(path):
                raise VideoError("not a video, or a format OpenCV cannot read")
            codec = _fourcc(path, cv2)
            if not codec:
                raise VideoError("cannot open this video: the file is damaged or truncated")
            raise VideoError(
                f"cannot decode this video ({codec}): no decoder for it in this install; "
                "convert it to H.264 MP4 or MJPEG AVI"
            )
        expected = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        index = -1
        while True:
            ok, image = capture.read()
            if not ok or image is None:
                break
            index += 1
            yield index, capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0, cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        if index < 0:
            raise VideoError("the video has no frames that can be decoded (empty, or truncated before the first)")
        if expected and index + 1 < expected * 0.9:
            raise VideoError(f"the video ends early: {index + 1} of {expected} frames could be read (truncated?)")
    finally:
        capture.release()


def _fourcc(path: Path, cv2: Any) -> str:
    """The codec's four characters, where the container can be opened at all."""
    probe = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        code = int(probe.get(cv2.CAP_PROP_FOURCC) or 0)
    finally:
        probe.release()
    text = "".join(chr((code >> 8 * i) & 0xFF) for i in range(4)).strip("\x00 ")
    return text if text.isprintable() and text.isascii() and text else ""

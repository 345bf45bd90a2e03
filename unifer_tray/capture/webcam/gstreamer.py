"""Camera frames through GStreamer (Linux): ``v4l2src`` for a camera, ``filesrc`` for a video
file, then the same decode -> RGB -> appsink chain for both."""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path

import numpy as np

from .. import CaptureError
from .base import cannot_open

# decodebin picks the decoder a camera needs (MJPEG from most webcams, raw YUV from the rest).
CHAIN = "decodebin ! videoconvert ! video/x-raw,format=RGB ! appsink name=sink sync=false max-buffers=1"
REQUIRED = ("v4l2src", "filesrc", "decodebin", "videoconvert", "appsink", "jpegdec")
FRAME_TIMEOUT_S = 5.0  # a camera that opened but sends nothing
POLL_S = 0.05  # how often a wait for a frame looks for errors
INSTALL_HINT = (
    "install its base and good plugins, e.g. sudo apt install gir1.2-gst-plugins-base-1.0 gstreamer1.0-plugins-good"
)


def _gst():
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    Gst.init(None)
    return Gst


class GStreamerCamera:
    name = "gstreamer"

    def is_available(self) -> tuple[bool, str]:
        try:
            gst = _gst()
        except ImportError as exc:
            return False, f"PyGObject is not installed ({exc}); the tray extra brings it: pip install '.[tray]'"
        except ValueError as exc:  # PyGObject without GStreamer's typelib
            return False, f"GStreamer is not installed ({exc}): {INSTALL_HINT}"
        missing = [name for name in REQUIRED if gst.ElementFactory.find(name) is None]
        if missing:
            return False, f"GStreamer elements missing ({', '.join(missing)}): {INSTALL_HINT}"
        return True, ""

    def frames(self, source: int | str) -> Generator[np.ndarray, None, None]:
        for rgb, _ in self.timed_frames(source):
            yield rgb

    def timed_frames(self, source: int | str) -> Generator[tuple[np.ndarray, float], None, None]:
        """Frames with their presentation time in seconds (videos sampled by time need it)."""
        gst = _gst()
        if isinstance(source, int):
            device = Path(f"/dev/video{source}")
            if not device.exists():
                raise cannot_open(source)
            pipeline = gst.parse_launch(f"v4l2src name=source ! {CHAIN}")
            pipeline.get_by_name("source").set_property("device", str(device))
        else:
            if not Path(source).is_file():
                raise cannot_open(source, "no such file")
            pipeline = gst.parse_launch(f"filesrc name=source ! {CHAIN}")
            pipeline.get_by_name("source").set_property("location", str(source))
        sink, bus = pipeline.get_by_name("sink"), pipeline.get_bus()
        try:
            pipeline.set_state(gst.State.PLAYING)
            while (sample := _next_sample(gst, sink, bus, source)) is not None:
                pts = sample.get_buffer().pts
                yield _to_rgb(gst, sample), (pts / gst.SECOND if pts != gst.CLOCK_TIME_NONE else 0.0)
        finally:
            pipeline.set_state(gst.State.NULL)


def _next_sample(gst, sink, bus, source: int | str):
    """The next sample; None at the end of the stream or when none comes in time. An error
    (a file that is not a video, a camera that fails) is raised as soon as GStreamer posts it."""
    deadline = time.monotonic() + FRAME_TIMEOUT_S
    while time.monotonic() < deadline:
        sample = sink.emit("try-pull-sample", int(POLL_S * gst.SECOND))
        if sample is not None:
            return sample
        error = _problem(gst, bus)
        if error:
            if isinstance(source, int):
                raise CaptureError(f"camera {source} failed: {error}")
            raise cannot_open(source, error)
        if sink.get_property("eos"):
            return None
    return None


def _problem(gst, bus) -> str:
    """What went wrong, from an error message or decodebin's note of a missing decoder."""
    while (message := bus.pop_filtered(gst.MessageType.ERROR | gst.MessageType.ELEMENT)) is not None:
        if message.type == gst.MessageType.ERROR:
            return message.parse_error()[0].message
        structure = message.get_structure()
        if structure is not None and structure.get_name() == "missing-plugin":
            return f"no GStreamer {structure.get_string('name')} installed"
    return ""


def _to_rgb(gst, sample) -> np.ndarray:
    """Copy a frame out of GStreamer's buffer; its rows are padded to 4 bytes."""
    structure = sample.get_caps().get_structure(0)
    width, height = structure.get_value("width"), structure.get_value("height")
    buffer = sample.get_buffer()
    ok, info = buffer.map(gst.MapFlags.READ)
    if not ok:
        raise CaptureError("could not read a camera frame from GStreamer")
    try:
        rows = np.frombuffer(info.data, np.uint8).reshape(height, -1)
        return rows[:, : width * 3].reshape(height, width, 3).copy()
    finally:
        buffer.unmap(info)

"""The GStreamer backend (what the Linux bundle reads cameras and videos with), on a real clip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

UNIFER = str(Path(sys.executable).with_name("unifer"))


@pytest.mark.desktop  # GStreamer from the system packages, as the Linux bundle has it instead of OpenCV
def test_without_opencv_videos_are_read_through_gstreamer(mjpeg_clip, data_dir, monkeypatch):
    from unifer_tray.capture.frames import VideoError, frames

    with_opencv = [(f.index, f.time_s) for f in frames(mjpeg_clip, 2)]
    monkeypatch.setitem(sys.modules, "cv2", None)  # as in the Linux bundle
    through_gstreamer = [(f.index, f.time_s) for f in frames(mjpeg_clip, 2)]
    assert through_gstreamer == with_opencv == [(i * 12, i * 0.5) for i in range(6)]  # 24 frames/s, 3 s
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    Gst.init(None)
    if Gst.ElementFactory.find("avdec_h264") is None:  # CI: no H.264 decoder installed
        with pytest.raises(VideoError, match=r"H\.264 .*decoder"):
            list(frames(data_dir / "single_face.mp4", 2))

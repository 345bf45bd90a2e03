"""Both camera backends through the same snapshot code, fed video files instead of a device."""

from __future__ import annotations

import pytest

from unifer_tray.capture import CaptureError, webcam

# GStreamer comes from the system packages of scripts/install-desktop-test-deps.sh (Linux);
# OpenCV from the tray extra, on every OS.
BACKENDS = ["opencv", pytest.param("gstreamer", marks=pytest.mark.desktop)]


@pytest.mark.parametrize("name", BACKENDS)
def test_the_backend_is_available_here(name):
    # CI installs both: none of the tests below may be skipped
    backend, skipped = webcam.choose(name)
    assert backend.name == name and not skipped


def test_auto_prefers_opencv_when_installed():
    assert webcam.choose("auto")[0].name == "opencv"


@pytest.mark.parametrize("backend", BACKENDS)
def test_snapshot_of_a_clip_is_analysed(backend, mjpeg_clip, pipeline):
    frame = webcam.snapshot(str(mjpeg_clip), warmup_frames=5, backend=backend)
    assert frame.shape == (360, 640, 3) and frame.dtype.name == "uint8"
    analysis = pipeline.run(frame)[0]
    assert len(analysis.faces) == 1


@pytest.mark.desktop
def test_backends_deliver_the_same_picture(mjpeg_clip):
    opencv = webcam.snapshot(str(mjpeg_clip), warmup_frames=3, backend="opencv").astype(int)
    gstreamer = webcam.snapshot(str(mjpeg_clip), warmup_frames=3, backend="gstreamer").astype(int)
    assert abs(opencv - gstreamer).mean() < 3  # same frame; JPEG decoders round differently


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_short_clip_gives_its_last_frame(backend, mjpeg_clip):
    assert webcam.snapshot(str(mjpeg_clip), warmup_frames=10_000, backend=backend).shape == (360, 640, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_camera(backend):
    with pytest.raises(CaptureError, match="no camera found at index 7: connect a camera"):
        webcam.snapshot(7, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_not_a_video(backend, data_dir):
    with pytest.raises(CaptureError, match=r"cannot open the video source .*SOURCE\.md"):
        webcam.snapshot(str(data_dir / "SOURCE.md"), backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_file(backend, tmp_path):
    with pytest.raises(CaptureError, match="cannot open the video source"):
        webcam.snapshot(str(tmp_path / "gone.avi"), backend=backend)


@pytest.mark.desktop
def test_gstreamer_names_a_missing_decoder(data_dir):
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    Gst.init(None)
    if Gst.ElementFactory.find("avdec_h264") is None:  # CI: no H.264 decoder is installed
        with pytest.raises(CaptureError, match=r"no GStreamer H\.264 .*decoder installed"):
            webcam.snapshot(str(data_dir / "single_face.mp4"), backend="gstreamer")
    else:
        assert webcam.snapshot(str(data_dir / "single_face.mp4"), backend="gstreamer").shape == (360, 640, 3)


def test_unknown_backend_is_explained():
    with pytest.raises(CaptureError, match=r"unknown camera backend .v4l.: set camera\.backend to auto, opencv"):
        webcam.choose("v4l")

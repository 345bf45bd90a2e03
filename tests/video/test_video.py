"""Videos in `unifer analyze`: sampled frames as records with frame, time and track, timelines,
and a clear per-file error for every video that cannot be read."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from unifer_tray.result import LABELS, Face
from unifer_tray.video.tracking import Tracker

UNIFER = str(Path(sys.executable).with_name("unifer"))


def unifer(*args) -> subprocess.CompletedProcess:
    return subprocess.run([UNIFER, *map(str, args)], capture_output=True, text=True, timeout=300)


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_frames_sampled_per_second_of_video_time(data_dir):
    result = unifer("analyze", data_dir / "single_face.mp4", "--fps", "2", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    lines = records(result)  # a 2.4 s clip at 30 fps
    assert [(r["frame"], r["time_s"]) for r in lines] == [(0, 0.0), (15, 0.5), (30, 1.0), (45, 1.5), (60, 2.0)]
    assert all(r["source"].endswith("single_face.mp4") and len(r["faces"]) == 1 for r in lines)
    assert {r["faces"][0]["track"] for r in lines} == {1}  # one person, one track
    assert lines[-1]["faces"][0]["expression"] == "happiness"


def test_every_frame_with_fps_0_and_a_csv_row_per_face(data_dir):
    result = unifer("analyze", data_dir / "single_face.mp4", "--fps", "0", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 72 and rows[0]["frame"] == "0" and rows[-1]["frame"] == "71"
    assert {"frame", "time_s", "track"} <= set(rows[0]) and rows[5]["track"] == "1"


def test_image_output_keeps_its_shape(data_dir):
    document = records(unifer("analyze", data_dir / "single_face.jpg", "--format", "jsonl"))[0]
    assert "frame" not in document and "time_s" not in document and "track" not in document["faces"][0]


def test_text_mode_ends_with_a_summary_per_track_and_a_timeline(data_dir, tmp_path):
    picture = tmp_path / "timeline.png"
    args = ("--fps", "2", "--timeline", picture)
    result = unifer("analyze", data_dir / "single_face.mp4", data_dir / "no_face.mp4", *args)
    assert result.returncode == 0, result.stderr
    assert "single_face.mp4: 1 track(s)\n  track 1: 5 samples, 0.0-2.0 s; happiness 60%, neutral 40%" in result.stdout
    assert "no_face.mp4:" in result.stdout.split("track 1: 5 samples")[1]  # its own summary follows
    for name in ("timeline-single_face.png", "timeline-no_face.png"):  # two videos: one picture each
        with Image.open(tmp_path / name) as image:
            assert image.width == 1000 and image.height > 200


def test_smoothing_changes_labels_not_probabilities(data_dir):
    raw = records(unifer("analyze", data_dir / "single_face.mp4", "--fps", "2", "--format", "jsonl"))
    smooth = records(
        unifer("analyze", data_dir / "single_face.mp4", "--fps", "2", "--smooth", "2", "--format", "jsonl")
    )
    for r, s in zip(raw, smooth, strict=True):
        assert r["faces"][0]["probabilities"] == s["faces"][0]["probabilities"]
    # at 0.5 s the face still reads neutral on its own; the first smile is averaged with it
    assert [r["faces"][0]["expression"] for r in raw] != [s["faces"][0]["expression"] for s in smooth]


def test_a_video_is_known_by_its_content(data_dir, tmp_path):
    renamed = tmp_path / "clip.bin"
    shutil.copy(data_dir / "single_face.mp4", renamed)
    lines = records(unifer("analyze", renamed, "--fps", "1", "--format", "jsonl"))
    assert len(lines) == 3 and lines[0]["frame"] == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d, p: p.write_text("not a video at all"), "not an image"),
        (lambda d, p: p.write_bytes((d / "single_face.mp4").read_bytes()[:2000]), "damaged or truncated"),
        (lambda d, p: p.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(400)), "damaged or truncated"),
    ],
    ids=["text-named-mp4", "truncated-before-the-first-frame", "container-without-a-stream"],
)
def test_bad_videos_are_per_file_errors_and_the_batch_goes_on(data_dir, tmp_path, make, message):
    bad = tmp_path / "bad.mp4"
    make(data_dir, bad)
    result = unifer("analyze", bad, data_dir / "single_face.jpg", "--format", "jsonl")
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert records(result)[-1]["faces"][0]["expression"] == "happiness"  # the next file was analysed


def test_a_video_cut_short_keeps_the_frames_it_has(mjpeg_clip, tmp_path):
    """An AVI whose end is missing (a copy interrupted): the frames that are there, then the error."""
    data = mjpeg_clip.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: len(data) // 2])
    result = unifer("analyze", cut, "--fps", "0", "--format", "jsonl")
    lines = records(result)
    frames = [r for r in lines if r.get("frame") is not None]
    assert 10 < len(frames) < 72 and all(r["faces"] for r in frames)
    assert result.returncode == 1 and "ends early" in result.stderr and "of 72 frames" in result.stderr
    assert lines[-1]["error"].startswith("the video ends early")


def face(x: int, y: int, side: int = 100) -> Face:
    probabilities = dict.fromkeys(LABELS, 0.0) | {"neutral": 1.0}
    return Face([x, y, side, side], 0.9, [[0.0, 0.0]] * 6, "neutral", 1.0, probabilities, "low", None, 0.0, 0.0)


def test_tracks_follow_people_and_start_anew_after_a_gap():
    tracker = Tracker()
    first = tracker.assign([face(0, 0), face(400, 0)], 0.0)
    moved = tracker.assign([face(430, 10), face(20, 5)], 0.2)  # listed the other way round, both moved
    assert [f.track for f in first] == [1, 2] and [f.track for f in moved] == [2, 1]
    assert [f.track for f in tracker.assign([face(25, 5)], 5.0)] == [3]  # gone 4.8 s: a new person


def test_frames_over_the_pixel_limit_are_refused_before_they_are_decoded(tmp_path):
    """A few MB of MJPEG AVI can hold 9000x9000 frames: refused from the header, like a JPEG
    of that size, without the gigabytes that decoding them would take."""
    import cv2
    import numpy as np

    big = tmp_path / "big.avi"
    writer = cv2.VideoWriter(str(big), cv2.VideoWriter_fourcc(*"MJPG"), 5, (9000, 9000))
    frame = np.zeros((9000, 9000, 3), np.uint8)
    for _ in range(3):
        writer.write(frame)
    writer.release()
    del frame
    assert big.stat().st_size < 4_000_000
    measure = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.returncode); print(r.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", measure, UNIFER, "analyze", str(big)], capture_output=True, text=True, timeout=120
    ).stdout
    peak_kb, code, message = out.split("\n", 2)
    assert code == "1" and "video frames too large: 9000x9000 = 81 Mpx; the limit is 80 Mpx" in message
    assert "Traceback" not in message
    assert int(peak_kb) < 400_000  # one decoded frame and its RGB copy alone would be 480 MB

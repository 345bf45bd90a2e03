"""Over time: smoothing changes labels, not probabilities; a summary per track."""

from __future__ import annotations

import pytest
from PIL import Image

from unifer_tray.pipeline import Options, analyze_paths
from unifer_tray.report.timeline import draw_timeline
from unifer_tray.video.blinks import blink_times
from unifer_tray.video.timeline import VideoSummary


def test_a_summary_per_track_with_shares_and_peaks(pipeline, data_dir):
    summary = VideoSummary("clip")
    for read in analyze_paths([data_dir / "single_face.mp4"], Options(fps=2)):
        summary.add(read.analysis)
    (track,) = summary.tracks.values()
    assert track.samples == 5 and track.first_s == 0.0 and track.last_s == 2.0
    assert summary.text() == "clip: 1 track(s)\n" + track.text()


def test_a_video_without_faces_says_so():
    assert VideoSummary("empty.mp4").text() == "empty.mp4: no face in the sampled frames"


def test_blinks_are_counted_on_a_clip_with_one_blink(data_dir, tmp_path):
    """single_face.mp4 (30 frames a second, 2.4 s): the eyes shut once, in frames 26-28."""
    summary = VideoSummary("clip")
    for read in analyze_paths([data_dir / "single_face.mp4"], Options(fps=0, geometry="pose")):
        summary.add(read.analysis)
    (track,) = summary.tracks.values()
    (blink,) = track.blinks() or []
    assert 26 / 30 - 0.05 <= blink <= 28 / 30 and "1 blink(s), 25 per minute" in track.text()
    draw_timeline(summary, tmp_path / "timeline.png")
    assert Image.open(tmp_path / "timeline.png").height > 600  # the pose and openness panels are there


def test_blinks_are_not_counted_from_frames_too_far_apart(data_dir):
    summary = VideoSummary("clip")
    for read in analyze_paths([data_dir / "single_face.mp4"], Options(fps=5, geometry="pose")):
        summary.add(read.analysis)
    (track,) = summary.tracks.values()
    assert track.blinks() is None and "blinks not counted" in track.text()


def test_a_blink_is_a_brief_drop_against_the_persons_own_open_eyes():
    times = [i / 30 for i in range(150)]
    openness = [0.6] * 150  # narrow eyes: the level is the person's own
    for start in (30, 90):
        openness[start : start + 4] = [0.35] * 4  # two blinks
    openness[120:145] = [0.3] * 25  # eyes closed for most of a second: not a blink
    assert blink_times(times, openness) == pytest.approx([1.0, 3.0])

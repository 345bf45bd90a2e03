"""Over time: smoothing changes labels, not probabilities; a summary per track."""

from __future__ import annotations

from unifer_tray.pipeline import Options, analyze_paths
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

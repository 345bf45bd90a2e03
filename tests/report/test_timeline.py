"""A video's timeline picture: a panel per person, private on disk."""

from __future__ import annotations

import stat

from PIL import Image

from unifer_tray.outcome import save_timeline, video_text
from unifer_tray.pipeline import Options, analyze_paths
from unifer_tray.video.timeline import VideoSummary


def test_a_real_clip_gives_a_panel_and_its_summary(pipeline, data_dir, tmp_path):
    summary = VideoSummary("single_face.mp4")
    for read in analyze_paths([data_dir / "single_face.mp4"], Options(fps=2)):
        summary.add(read.analysis)
    save_timeline(summary, tmp_path / "t.png")
    with Image.open(tmp_path / "t.png") as picture:
        assert picture.width == 1000 and picture.height > 200
    assert stat.S_IMODE((tmp_path / "t.png").stat().st_mode) == 0o600
    assert video_text(summary).startswith("single_face.mp4: 1 track(s)\n  track 1: 5 samples")

"""Expressions over time, after the pipeline: faces followed from frame to frame as tracks
(`tracking.py`), labels smoothed and summarised per track (`timeline.py`). The frames
themselves come from `capture.frames` (files) or the camera."""

"""The live view's threads without a window: the newest frame wins, the camera is released by the
thread that reads it, and a saved timeline is the user's alone."""

from __future__ import annotations

import csv
import itertools
import threading
import time

import numpy as np

from unifer_tray.live import LiveState, analyse_frames, main_face_series, read_camera, save_timeline
from unifer_tray.result import LABELS, Analysis, Face


def camera(released: threading.Event, frames: int | None = None):
    """A camera that delivers numbered frames until closed; `released` is set when it is."""
    try:
        index = 0
        while frames is None or index < frames:
            frame = np.zeros((4, 4, 3), np.uint8)
            frame[0, 0, :2] = divmod(index, 256)  # the frame's number, readable back
            yield frame
            index += 1
            time.sleep(0.001)
    finally:
        released.set()


def test_stopping_releases_the_camera_from_its_own_thread():
    released = threading.Event()
    state = LiveState()
    reader = threading.Thread(target=read_camera, args=(state, camera(released)))
    reader.start()
    time.sleep(0.05)
    assert state.frame is not None and not released.is_set()
    state.stop.set()
    reader.join(timeout=2)
    assert not reader.is_alive() and released.is_set() and state.error is None


def face(happiness: float) -> Face:
    probabilities = dict.fromkeys(LABELS, 0.0) | {"happiness": happiness, "neutral": 1 - happiness}
    return Face(
        [0, 0, 4, 4], 0.9, [[0.0, 0.0]] * 6, "happiness", happiness, probabilities, "high", None, 0.5, 0.2, track=1
    )


def test_slow_analysis_takes_the_newest_frame_and_skips_the_rest():
    released = threading.Event()
    state = LiveState()
    seen: list[int] = []

    def slow(rgb: np.ndarray, time_s: float) -> Analysis:
        seen.append(int(rgb[0, 0, 0]) * 256 + int(rgb[0, 0, 1]))
        time.sleep(0.03)  # slower than the camera
        return Analysis("live", 4, 4, faces=[face(0.9)], frame=len(seen), time_s=time_s)

    threads = [
        threading.Thread(target=read_camera, args=(state, camera(released))),
        threading.Thread(target=analyse_frames, args=(state, slow)),
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    state.stop.set()
    for thread in threads:
        thread.join(timeout=2)
    assert len(seen) >= 5 and all(b > a for a, b in itertools.pairwise(seen))  # newest first
    assert max(np.diff(seen)) > 1  # frames were skipped, not queued
    assert len(main_face_series(list(state.history))) == state.analysed


def test_a_saved_timeline_is_a_private_csv_and_a_private_picture(tmp_path):
    import os

    history = [Analysis("live", 4, 4, faces=[face(p)], frame=i, time_s=i * 0.1) for i, p in enumerate((0.2, 0.6, 0.9))]
    previous = os.umask(0o022)  # the usual umask, which leaves new files readable by everyone
    try:
        picture = save_timeline(history, tmp_path / "t.csv")
    finally:
        os.umask(previous)
    rows = list(csv.reader((tmp_path / "t.csv").open()))
    assert rows[0][:3] == ["time_s", "track", "expression"] and len(rows) == 4
    assert oct((tmp_path / "t.csv").stat().st_mode & 0o777) == "0o600"
    assert oct(picture.stat().st_mode & 0o777) == "0o600"

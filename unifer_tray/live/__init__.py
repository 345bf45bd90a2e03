"""The live view: the webcam picture with boxes and labels, and a strip chart of the main face's
expressions over the last minute, in a window of its own process (Tk never shares the tray's
loop, like the overlay). The camera is open only while the window is; nothing is recorded
unless the user saves the timeline.

Three threads keep it live rather than late: the camera thread keeps only the newest frame
(frames the analysis could not take are skipped, not queued), the analysis thread analyses the
newest frame it finds (faces followed between full detections, `pipeline.FrameStream`), and
Tk's loop draws whatever is newest, about 30 times a second.
"""

from __future__ import annotations

import csv
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CameraConfig
from ..helpers import start_window
from ..result import LABELS, Analysis

if TYPE_CHECKING:  # numpy loads with the window, not with the tray that starts it
    import numpy as np

MODULE = "unifer_tray.live.window"
TITLE = "UniFER — live"
CHART_SECONDS = 60.0


def open_window() -> subprocess.Popen[str]:
    """Start the live view."""
    return start_window(MODULE)


@dataclass
class LiveState:
    """What the three threads share: the newest frame, the newest result, the recent past."""

    frame: tuple[np.ndarray, float] | None = None  # newest camera frame, when it arrived
    result: tuple[np.ndarray, Analysis] | None = None  # the frame analysed, and its analysis
    history: deque[Analysis] = field(default_factory=deque)  # the last CHART_SECONDS
    analysed: int = 0
    started: float = field(default_factory=time.monotonic)
    latency_ms: deque[float] = field(default_factory=lambda: deque(maxlen=60))
    stop: threading.Event = field(default_factory=threading.Event)
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def frames_per_second(self) -> float:
        return self.analysed / max(1e-6, time.monotonic() - self.started)


FILE_FRAME_RATE = 30.0  # a video file standing in for the camera is played at a camera's pace


def read_camera(
    state: LiveState, frames: Iterator[np.ndarray], loop: Iterator[np.ndarray] | None = None, pace: float = 0.0
) -> None:
    """Camera thread: keep only the newest frame. A video file standing in for the camera is
    played `pace` seconds a frame (a camera paces itself) and again from the start when it ends
    (`loop` gives the next passes)."""
    current = frames
    try:
        due = time.monotonic()
        while not state.stop.is_set():
            for rgb in current:
                if pace:
                    due += pace
                    time.sleep(max(0.0, due - time.monotonic()))
                with state.lock:
                    state.frame = (rgb, time.monotonic())
                if state.stop.is_set():
                    return
            if loop is None:
                return
            current = loop
    except Exception as exc:  # the camera went away: the window says so
        state.error = str(exc)
    finally:
        # Closed on this thread, the one iterating it: the backend releases the device here.
        for source in (frames, loop):
            close = getattr(source, "close", None)
            if close is not None:
                close()


def start_camera(state: LiveState, camera: CameraConfig) -> threading.Thread:
    """The camera thread, started; raises capture.CaptureError if the camera cannot be opened.
    A video file standing in for the camera is played at a camera's pace, again and again."""
    from ..capture import webcam

    source = webcam.camera_source(camera.source)
    backend = webcam.choose(camera.backend)[0]
    frames = backend.frames(source)
    replay = (lambda: backend.frames(source)) if isinstance(source, str) else None

    def passes() -> Iterator[np.ndarray]:
        while replay is not None and not state.stop.is_set():
            yield from replay()

    pace = 1.0 / FILE_FRAME_RATE if isinstance(source, str) else 0.0
    thread = threading.Thread(target=read_camera, args=(state, frames, passes(), pace), name="live-camera", daemon=True)
    thread.start()
    return thread


def analyse_frames(state: LiveState, analyze: Callable[[np.ndarray, float], Analysis]) -> None:
    """Analysis thread: the newest frame, whenever the last one is done."""
    seen_at = 0.0
    while not state.stop.is_set():
        with state.lock:
            latest = state.frame
        if latest is None or latest[1] == seen_at:
            time.sleep(0.002)
            continue
        rgb, seen_at = latest
        now = time.monotonic() - state.started
        analysis = analyze(rgb, now)
        with state.lock:
            state.result = (rgb, analysis)
            state.history.append(analysis)
            while state.history and now - (state.history[0].time_s or 0.0) > CHART_SECONDS:
                state.history.popleft()
            state.analysed += 1
            state.latency_ms.append((time.monotonic() - seen_at) * 1000)


def main_face_series(history: list[Analysis]) -> list[tuple[float, dict[str, float]]]:
    """(time, probabilities) of the largest face of each analysed frame that had one."""
    return [(a.time_s or 0.0, a.faces[0].probabilities) for a in history if a.faces]


def save_timeline(history: list[Analysis], csv_path: Path) -> Path:
    """The recent past as CSV (time, main face's probabilities, valence, arousal, track) and
    the same as a PNG beside it; created readable by the user alone."""
    from ..outcome import save_timeline
    from ..private_files import open_private
    from ..video.timeline import VideoSummary

    with open_private(csv_path, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["time_s", "track", "expression", *LABELS, "valence", "arousal"])
        for analysis in history:
            for face in analysis.faces[:1]:
                writer.writerow(
                    [
                        analysis.time_s,
                        face.track,
                        face.expression,
                        *(face.probabilities[label] for label in LABELS),
                        face.valence,
                        face.arousal,
                    ]
                )
    summary = VideoSummary("live view")
    for analysis in history:
        summary.add(analysis)
    picture = csv_path.with_suffix(".png")
    save_timeline(summary, picture)
    return picture

"""What a video's records add up to, per person (track): label smoothing over a time window,
the share of time per expression with its peaks, and the data of a timeline."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from ..result import LABELS, Analysis, Face, top_label
from .blinks import MIN_FPS, blink_times, countable


class Smoother:
    """`--smooth SECONDS`: each face's label and confidence from the mean of its track's
    probabilities over the last SECONDS; `probabilities` stay the frame's own."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._history: dict[int, deque[tuple[float, dict[str, float]]]] = defaultdict(deque)

    def apply(self, face: Face, time_s: float) -> Face:
        if face.track is None:
            return face
        history = self._history[face.track]
        history.append((time_s, face.probabilities))
        while history and time_s - history[0][0] > self.seconds:
            history.popleft()
        mean = {label: sum(p[label] for _, p in history) / len(history) for label in LABELS}
        face.expression = top_label(mean)
        face.confidence = round(mean[face.expression], 4)
        return face


@dataclass
class TrackSummary:
    track: int
    samples: int = 0
    first_s: float = 0.0
    last_s: float = 0.0
    labels: Counter[str] = field(default_factory=Counter)
    peaks: dict[str, tuple[float, float]] = field(default_factory=dict)  # label -> (probability, time)
    series: list[tuple[float, dict[str, float], float, float]] = field(default_factory=list)  # t, p, valence, arousal
    # With --geometry: t, head pose (yaw, pitch, roll), eyes' mean openness, mouth openness
    geometry: list[tuple[float, dict[str, float], float, float]] = field(default_factory=list)

    def add(self, face: Face, time_s: float) -> None:
        if not self.samples:
            self.first_s = time_s
        self.samples += 1
        self.last_s = time_s
        self.labels[face.expression] += 1
        for label, probability in face.probabilities.items():
            if probability > self.peaks.get(label, (-1.0, 0.0))[0]:
                self.peaks[label] = (probability, time_s)
        self.series.append((time_s, face.probabilities, face.valence, face.arousal))
        if face.head_pose is not None and face.eyes_open is not None and face.mouth_open is not None:
            eyes = (face.eyes_open["left"] + face.eyes_open["right"]) / 2
            self.geometry.append((time_s, face.head_pose, eyes, face.mouth_open))

    def blinks(self) -> list[float] | None:
        """When each blink started; None if the frames were too far apart to tell."""
        times = [t for t, _, _, _ in self.geometry]
        if not countable(times):
            return None
        return blink_times(times, [eyes for _, _, eyes, _ in self.geometry])

    def blink_text(self) -> str:
        blinks = self.blinks()
        if blinks is None:
            return f"blinks not counted (analyse at least {MIN_FPS:.0f} frames a second: --fps 0 for every frame)"
        span = self.geometry[-1][0] - self.geometry[0][0]
        return f"{len(blinks)} blink(s), {len(blinks) / span * 60:.0f} per minute"

    def text(self) -> str:
        shares = ", ".join(f"{label} {count / self.samples:.0%}" for label, count in self.labels.most_common())
        peaks = ", ".join(
            f"{label} {p:.0%} at {t:.1f} s"
            for label, (p, t) in sorted(self.peaks.items())
            if label != "neutral" and p >= 0.5
        )
        line = f"  track {self.track}: {self.samples} samples, {self.first_s:.1f}-{self.last_s:.1f} s; {shares}"
        line += f"; peaks: {peaks}" if peaks else ""
        return line + (f"; {self.blink_text()}" if self.geometry else "")


class VideoSummary:
    """Collects the records of one video, track by track."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tracks: dict[int, TrackSummary] = {}

    def add(self, analysis: Analysis) -> None:
        for face in analysis.faces:
            if face.track is not None and analysis.time_s is not None:
                self.tracks.setdefault(face.track, TrackSummary(face.track)).add(face, analysis.time_s)

    def text(self) -> str:
        if not self.tracks:
            return f"{self.source}: no face in the sampled frames"
        return "\n".join([f"{self.source}: {len(self.tracks)} track(s)", *(t.text() for t in self.tracks.values())])

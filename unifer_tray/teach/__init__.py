"""Teach UniFER my expressions: a guided webcam session, one expression at a time.

For each of the seven labels the window asks for that expression, counts down, takes the newest
camera frame, shows it with the general model's reading, and lets the user keep it, take it
again or skip the label. Nothing is stored until the end, when the kept examples are added to
the profile in one step (or discarded); the frames themselves are never kept. The window runs in
its own process like the live view, and says how it ended on its last line of output.

`TeachSession` is the session without Tk, so its rules are tested on their own.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..helpers import start_window
from ..profile.store import Example, Profile, ProfileStore
from ..result import LABELS, Analysis

if TYPE_CHECKING:  # numpy loads with the window, not with the tray that starts it
    import numpy as np

MODULE = "unifer_tray.teach.window"
TITLE = "UniFER — teach my expressions"
COUNTDOWN_SECONDS = 3
PROMPTS = {
    "neutral": "a relaxed, neutral face",
    "happiness": "a smile, as when you are happy",
    "sadness": "a sad face: inner brows up, mouth corners down",
    "surprise": "surprise: brows raised, eyes wide, mouth open",
    "fear": "fear: brows raised and drawn together, eyes wide, lips stretched",
    "disgust": "disgust: nose wrinkled, upper lip raised",
    "anger": "anger: brows lowered and drawn together, lips pressed",
}
SAVED, FAILED, CANCELLED, NOTHING_KEPT = 0, 1, 2, 3  # the window's exit codes


def open_window(profile: str) -> subprocess.Popen[str]:
    """Start the session for `profile`; the caller has the user's consent if it is new."""
    return start_window(MODULE, profile)


@dataclass
class Take:
    rgb: np.ndarray
    analysis: Analysis  # the general model's reading of that frame


@dataclass
class TeachSession:
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    index: int = 0
    pending: Take | None = None  # taken, waiting for keep / retake
    kept: dict[str, Take] = field(default_factory=dict)

    @property
    def current(self) -> str | None:
        return self.labels[self.index] if self.index < len(self.labels) else None

    @property
    def done(self) -> bool:
        return self.current is None

    def offer(self, rgb: np.ndarray, analysis: Analysis) -> str | None:
        """A frame taken for the current label; the problem if it cannot be used."""
        if analysis.failed:
            return f"the frame could not be analysed ({analysis.error}); take it again"
        if not analysis.faces:
            return "no face found: face the camera in good light, closer, and take it again"
        self.pending = Take(rgb, analysis)
        return None

    def keep(self) -> None:
        if self.pending is not None and self.current is not None:
            self.kept[self.current] = self.pending
            self.pending = None
            self.index += 1

    def retake(self) -> None:
        self.pending = None

    def skip(self) -> None:
        self.pending = None
        self.index += 1

    def examples(self) -> list[Example]:
        return [Example.of(label, take.analysis.faces[0].probabilities, "webcam") for label, take in self.kept.items()]

    def summary(self) -> list[str]:
        """A line per kept expression: what the general model read, which the profile will learn from."""
        lines = []
        for label, take in self.kept.items():
            face = take.analysis.faces[0]
            read = "read it so too" if face.expression == label else f"read {face.expression} {face.confidence:.0%}"
            lines.append(f"{label}: the general model {read}")
        skipped = [label for label in self.labels if label not in self.kept]
        if skipped:
            lines.append(f"skipped: {', '.join(skipped)} (read as the general model reads them)")
        return lines

    def save(self, store: ProfileStore, name: str) -> Profile:
        """All kept examples in one step (store.add is all or nothing)."""
        return store.add(name, self.examples())

"""The result of analysing one image: plain dataclasses with a fixed JSON shape.

Other tools read this JSON, so the field names are a public contract; the notification text,
the report and the history record are all rendered from these objects.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

LABELS: tuple[str, ...] = ("neutral", "happiness", "sadness", "surprise", "fear", "disgust", "anger")
# Other names for the seven labels, as used by datasets (folder names) and by language models.
LABEL_SYNONYMS = {label: label for label in LABELS} | {
    "happy": "happiness",
    "joy": "happiness",
    "sad": "sadness",
    "surprised": "surprise",
    "fearful": "fear",
    "afraid": "fear",
    "disgusted": "disgust",
    "angry": "anger",
    "neutrality": "neutral",
    "calm": "neutral",
}


def canonical_label(word: str) -> str | None:
    """One of LABELS for a label or synonym in any case, else None."""
    return LABEL_SYNONYMS.get(word.strip().lower())


@dataclass
class Face:
    box: list[int]  # x, y, width, height in image pixels
    score: float  # detector confidence
    landmarks: list[list[float]]  # right eye, left eye, nose, mouth, right ear, left ear (x, y)
    expression: str
    confidence: float
    probabilities: dict[str, float]
    intensity: str  # low | medium | high
    compound: str | None  # a RAF-DB compound category when the top two labels are close
    valence: float  # -1 (unpleasant) .. 1 (pleasant)
    arousal: float  # -1 (calm) .. 1 (excited)
    # Filled in by the description step (null without it). With a description, `expression` and
    # `confidence` are the fused result, while `probabilities` stay the classifier's.
    model_expression: str | None = None
    cues: list[str] | None = None
    agreement: str | None = None  # "agree" | "disagree" with the classifier's top label


@dataclass
class Description:
    summary: str
    context: str | None
    model: str | None
    status: str  # "ok": from the vision model; "fallback": classifier-only, see `reason`
    reason: str | None
    elapsed_ms: float


@dataclass
class Analysis:
    source: str
    width: int
    height: int
    faces: list[Face] = field(default_factory=list)
    error: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    description: Description | None = None

    @classmethod
    def failed(cls, source: str, error: str) -> Analysis:
        return cls(source=source, width=0, height=0, error=error)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

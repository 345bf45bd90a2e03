"""The result of analysing one image: plain dataclasses with a fixed JSON shape.

Other tools read this JSON, so the field names are a public contract; the notification text,
the report and the history record are all rendered from these objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Intensity = Literal["low", "medium", "high"]
Agreement = Literal["agree", "disagree"]  # the language model's label against the classifier's
DescriptionStatus = Literal["ok", "fallback"]  # ok: from the vision model; fallback: classifier-only
CaptureKind = Literal["screen", "screen region", "webcam", "file"]  # what was captured: never a path

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


# One row per face (an image without faces, or that failed, gets one row with empty face fields):
# the CSV columns of `unifer analyze --format csv` and the columns of Analysis.to_dataframe().
RECORD_FIELDS: tuple[str, ...] = (
    "source",
    "width",
    "height",
    "face",
    "x",
    "y",
    "w",
    "h",
    "score",
    "expression",
    "confidence",
    "intensity",
    "compound",
    "valence",
    "arousal",
    *(f"p_{label}" for label in LABELS),
    "model_expression",
    "agreement",
    "cues",
    "summary",
    "description_status",
    "error",
    "frame",
    "time_s",
    "track",
)
# Added after RECORD_FIELDS only for analyses read with an expression profile.
PROFILE_FIELDS: tuple[str, ...] = ("profile", "base_expression", "base_confidence")
# Added (after those) only for analyses asked for face geometry (`--geometry`).
GEOMETRY_FIELDS: tuple[str, ...] = ("yaw", "pitch", "roll", "eye_open_left", "eye_open_right", "mouth_open")
# Face fields present in JSON only when asked for: the geometry, and the mesh with it.
OPTIONAL_FACE_FIELDS: tuple[str, ...] = ("head_pose", "eyes_open", "mouth_open", "mesh")


def record_fields(*, profile: bool = False, geometry: bool = False) -> tuple[str, ...]:
    """The CSV columns (and DataFrame columns) for analyses read with these options."""
    return RECORD_FIELDS + (PROFILE_FIELDS if profile else ()) + (GEOMETRY_FIELDS if geometry else ())


def top_label(scores: dict[str, float]) -> str:
    """The label with the highest score."""
    return max(scores, key=scores.__getitem__)


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
    intensity: Intensity
    compound: str | None  # a RAF-DB compound category when the top two labels are close
    valence: float  # -1 (unpleasant) .. 1 (pleasant)
    arousal: float  # -1 (calm) .. 1 (excited)
    # Filled in by the description step (null without it). With a description, `expression` and
    # `confidence` are the fused result, while `probabilities` stay the classifier's.
    model_expression: str | None = None
    cues: list[str] | None = None
    agreement: Agreement | None = None
    track: int | None = None  # videos: the same person across frames (absent from image output)
    # With an expression profile: the general model's reading, while `expression`, `confidence`,
    # `probabilities` and the fields derived from them are the profile's (absent without one).
    base_expression: str | None = None
    base_probabilities: dict[str, float] | None = None
    # Face geometry (`--geometry`; absent without it), conventions in vision/geometry.py and the
    # README: yaw, pitch, roll in degrees; eyes (the person's left and right) and mouth 0 closed
    # .. 1 open; `mesh` (`--landmarks`): 468 points [x, y, z] in image pixels.
    head_pose: dict[str, float] | None = None
    eyes_open: dict[str, float] | None = None
    mouth_open: float | None = None
    mesh: list[list[float]] | None = None

    @property
    def base_confidence(self) -> float | None:
        return None if self.base_probabilities is None else self.base_probabilities[self.base_expression or ""]


@dataclass
class Description:
    summary: str
    context: str | None
    model: str | None
    status: DescriptionStatus  # "fallback": see `reason`
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
    frame: int | None = None  # videos: the frame's index, and its time in seconds
    time_s: float | None = None
    profile: str | None = None  # the expression profile the faces were read with, if any

    @classmethod
    def from_error(cls, source: str, error: str) -> Analysis:
        return cls(source=source, width=0, height=0, error=error)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape; the video fields appear only for video frames, so image output keeps
        the shape other tools already read."""
        document = asdict(self)
        if self.frame is None:
            del document["frame"], document["time_s"]
            for face in document["faces"]:
                if face["track"] is None:
                    del face["track"]
        if self.profile is None:
            del document["profile"]
            for face in document["faces"]:
                del face["base_expression"], face["base_probabilities"]
        for face in document["faces"]:
            for name in OPTIONAL_FACE_FIELDS:
                if face[name] is None:
                    del face[name]
        return document

    @property
    def has_geometry(self) -> bool:
        return any(face.head_pose is not None for face in self.faces)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """The inverse of `to_dict` (history records, JSON written by `unifer analyze`)."""
        description = data.get("description")
        return cls(
            source=data["source"],
            width=data["width"],
            height=data["height"],
            faces=[Face(**face) for face in data.get("faces", [])],
            error=data.get("error"),
            timings_ms=dict(data.get("timings_ms", {})),
            description=Description(**description) if description else None,
            frame=data.get("frame"),
            time_s=data.get("time_s"),
            profile=data.get("profile"),
        )

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_records(self) -> list[dict[str, Any]]:
        """Flat rows, one per face (RECORD_FIELDS, and PROFILE_FIELDS when read with a profile;
        None where a field does not apply)."""
        base: dict[str, Any] = dict.fromkeys(record_fields(profile=bool(self.profile), geometry=self.has_geometry))
        base |= {"source": self.source, "width": self.width, "height": self.height, "error": self.error}
        base |= {"frame": self.frame, "time_s": self.time_s}
        if self.description:
            base |= {"summary": self.description.summary, "description_status": self.description.status}
        rows = []
        for index, face in enumerate(self.faces, start=1):
            x, y, w, h = face.box
            row = base | {
                "face": index,
                "x": x,
                "y": y,
                "w": w,
                "h": h,
                "score": face.score,
                "expression": face.expression,
                "confidence": face.confidence,
                "intensity": face.intensity,
                "compound": face.compound,
                "valence": face.valence,
                "arousal": face.arousal,
                "model_expression": face.model_expression,
                "agreement": face.agreement,
                "cues": "; ".join(face.cues) if face.cues else None,
                "track": face.track,
            }
            if self.profile:
                row |= {
                    "profile": self.profile,
                    "base_expression": face.base_expression,
                    "base_confidence": face.base_confidence,
                }
            if face.head_pose is not None and face.eyes_open is not None:
                row |= face.head_pose | {
                    "eye_open_left": face.eyes_open["left"],
                    "eye_open_right": face.eyes_open["right"],
                    "mouth_open": face.mouth_open,
                }
            rows.append(row | {f"p_{label}": face.probabilities[label] for label in LABELS})
        return rows or [base]

    def to_dataframe(self) -> Any:
        """The records as a pandas DataFrame (pandas is optional: `pip install pandas`)."""
        return records_dataframe([self])


def records_dataframe(analyses: Iterable[Analysis]) -> Any:
    """One DataFrame for many analyses (a batch), one row per face."""
    try:
        import pandas
    except ImportError:
        raise ImportError("to_dataframe() needs pandas: pip install pandas") from None
    analyses = list(analyses)
    columns = record_fields(profile=any(a.profile for a in analyses), geometry=any(a.has_geometry for a in analyses))
    return pandas.DataFrame([row for analysis in analyses for row in analysis.to_records()], columns=columns)


def strength(confidence: float) -> str:
    if confidence >= 0.7:
        return "clear"
    return "likely" if confidence >= 0.45 else "mild"


def fallback_summary(analysis: Analysis) -> str:
    """ "2 faces: clear happiness (87%); mild surprise (41%)", "5 faces: clear happiness": the
    summary without a language model, identical readings grouped. It lives with the result
    because the describe step falls back to it."""
    count = len(analysis.faces)
    if not count:
        return "No face found."
    groups: dict[str, list[float]] = {}
    for face in analysis.faces:
        groups.setdefault(f"{strength(face.confidence)} {face.expression}", []).append(face.confidence)
    faces = f"{count} face{'s' if count > 1 else ''}"
    if len(groups) == 1 and count > 1:
        return f"{faces}: {next(iter(groups))}"
    readings = [
        f"{reading} ({confidences[0]:.0%})" if len(confidences) == 1 else f"{reading} ×{len(confidences)}"  # noqa: RUF001
        for reading, confidences in list(groups.items())[:4]
    ]
    more = f"; +{len(groups) - 4} more" if len(groups) > 4 else ""
    return f"{faces}: {'; '.join(readings)}{more}"


@dataclass
class Outcome:
    """What the shells show and keep of one analysis, rendered by `outcome.finish`: plain
    strings, so the tray's analysis process can hand it to the tray."""

    analysis: Analysis
    title: str  # the notification's
    body: str
    report_html: str | None  # None when there were no pixels to show (the input failed)
    report_name: str  # a file name to suggest when the user saves the report
    thumbnails: list[str] | None  # base64 JPEG face crops for history, only when allowed

"""Combining the classifier's distribution with the vision model's label, and the fallback text.

The rule: the model's label multiplies the classifier's probability for that label by
(1 + confidence), up to 2x, and the result is renormalised. So the language model breaks
near-ties (classifier anger 45 %, disgust 40 %, model says disgust -> disgust) but cannot
overrule a clear classifier reading (anger 62 %, disgust 25 % stays anger). The calibrated
on-device nets are better expression classifiers than a general vision-language model; the
model's value is the cues and context it adds. ``probabilities`` stay the classifier's, so the
two sources remain separable.
"""

from __future__ import annotations

from ..result import Analysis, Face

TIE_BREAK = 1.0  # largest factor added to the model's label: 1 + TIE_BREAK * confidence


def fuse_label(probabilities: dict[str, float], model_label: str, model_confidence: float) -> tuple[str, float]:
    weighted = {
        label: p * (1 + TIE_BREAK * model_confidence if label == model_label else 1.0)
        for label, p in probabilities.items()
    }
    total = sum(weighted.values()) or 1.0
    label = max(weighted, key=weighted.get)
    return label, round(weighted[label] / total, 4)


def classifier_label(face: Face) -> tuple[str, float]:
    label = max(face.probabilities, key=face.probabilities.get)
    return label, face.probabilities[label]


def disagreement(face: Face) -> str | None:
    """ "classifier: anger 62% · model: disgust" when the two sources differ, else None."""
    if face.agreement != "disagree":
        return None
    label, p = classifier_label(face)
    return f"classifier: {label} {p:.0%} · model: {face.model_expression}"


def strength(confidence: float) -> str:
    if confidence >= 0.7:
        return "clear"
    return "likely" if confidence >= 0.45 else "mild"


def fallback_summary(analysis: Analysis) -> str:
    """ "2 faces: clear happiness (87%); mild surprise (41%)": the summary without a language model."""
    count = len(analysis.faces)
    if not count:
        return "No face found."
    readings = "; ".join(f"{strength(f.confidence)} {f.expression} ({f.confidence:.0%})" for f in analysis.faces[:4])
    more = f"; +{count - 4} more" if count > 4 else ""
    return f"{count} face{'s' if count > 1 else ''}: {readings}{more}"

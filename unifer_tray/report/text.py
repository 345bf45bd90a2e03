"""Short texts rendered from an Analysis: the classifier-only summary and disagreement notes.

Shared by the CLI, notifications and reports, so every surface words a result the same way.
"""

from __future__ import annotations

from ..result import Analysis, Face


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

"""Fine-grained readings derived from a face's seven-label distribution.

All of these are deterministic functions of the probabilities, documented here so that a
researcher can recompute them:

- ``confidence``: the top probability.
- ``intensity``: how far the face is from neutral. For a non-neutral top label, the expressive
  mass e = 1 - p(neutral): high if e >= 0.8, medium if e >= 0.55, else low. A neutral face is low.
- ``compound``: when the two strongest non-neutral labels are close (the second has at least
  60 % of the first's probability and at least 0.2 absolute), the RAF-DB compound category they
  form ("happily surprised", "sadly angry", ...); null if they are not close or the pair is not one
  of RAF-DB's eleven compound categories.
- ``valence`` / ``arousal``: the expectation of each label's position on Russell's circumplex
  (coordinates below, in [-1, 1]), so a face torn between two labels lands between them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..result import LABELS, Intensity, top_label

CIRCUMPLEX: dict[str, tuple[float, float]] = {  # label: (valence, arousal)
    "neutral": (0.0, 0.0),
    "happiness": (0.8, 0.4),
    "sadness": (-0.7, -0.4),
    "surprise": (0.2, 0.8),
    "fear": (-0.6, 0.7),
    "disgust": (-0.7, 0.3),
    "anger": (-0.6, 0.6),
}

# RAF-DB's eleven compound categories, keyed by the unordered pair of basic labels.
COMPOUNDS: dict[frozenset[str], str] = {
    frozenset(pair): name
    for pair, name in [
        (("happiness", "surprise"), "happily surprised"),
        (("happiness", "disgust"), "happily disgusted"),
        (("sadness", "fear"), "sadly fearful"),
        (("sadness", "anger"), "sadly angry"),
        (("sadness", "surprise"), "sadly surprised"),
        (("sadness", "disgust"), "sadly disgusted"),
        (("fear", "anger"), "fearfully angry"),
        (("fear", "surprise"), "fearfully surprised"),
        (("anger", "surprise"), "angrily surprised"),
        (("anger", "disgust"), "angrily disgusted"),
        (("disgust", "surprise"), "disgustedly surprised"),
    ]
}
COMPOUND_RATIO = 0.6
COMPOUND_MIN = 0.2


def intensity(probabilities: dict[str, float]) -> Intensity:
    top = top_label(probabilities)
    expressive = 1.0 - probabilities["neutral"]
    if top == "neutral" or expressive < 0.55:
        return "low"
    return "high" if expressive >= 0.8 else "medium"


def compound(probabilities: dict[str, float]) -> str | None:
    ranked = sorted((p, label) for label, p in probabilities.items() if label != "neutral")
    (second_p, second), (first_p, first) = ranked[-2], ranked[-1]
    if second_p < COMPOUND_MIN or second_p < COMPOUND_RATIO * first_p:
        return None
    return COMPOUNDS.get(frozenset((first, second)))


def valence_arousal(probabilities: dict[str, float]) -> tuple[float, float]:
    weights = np.array([probabilities[label] for label in LABELS])
    coords = np.array([CIRCUMPLEX[label] for label in LABELS])
    valence, arousal = weights @ coords / max(weights.sum(), 1e-9)
    return float(np.clip(valence, -1, 1)), float(np.clip(arousal, -1, 1))


def reading(probabilities: dict[str, float]) -> dict[str, Any]:
    """A Face's fields that follow from its distribution: what the general model and an
    expression profile both derive the same way."""
    valence, arousal = valence_arousal(probabilities)
    top = top_label(probabilities)
    return {
        "expression": top,
        "confidence": probabilities[top],
        "intensity": intensity(probabilities),
        "compound": compound(probabilities),
        "valence": round(valence, 3),
        "arousal": round(arousal, 3),
    }

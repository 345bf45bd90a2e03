"""How a profile changes a reading: one bias per label on the general model's log-probabilities.

The bias b is the maximum a posteriori fit of

    p_you(label | face) = softmax(log p_general(face) / T + b)

to the user's labelled examples, under a Gaussian prior on b centred on zero with precision
PRIOR_STRENGTH. With one example per expression it moves labels the general model consistently
under-reads for this person by about a nat; with none, b is zero and nothing changes; more
examples outweigh the prior. T is face-api's fitted temperature (models/fusion.json), the scale on
which its log-probabilities are calibrated. The profile's probabilities are softmax(log p + T b),
so the argmax is that of the model above and confidences stay on the general model's scale.

PRIOR_STRENGTH was chosen on development data (benchmarks/bench_profile.py; docs/adr/0009).
Applying it is a vector addition: microseconds per face.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from ..result import LABELS, Analysis, Face
from ..vision.affect import reading
from ..vision.classifier import fusion, softmax
from .store import log_probabilities

PRIOR_STRENGTH = 2.0
NEWTON_STEPS = 25


@cache
def temperature() -> float:
    return fusion().anchor_temperature_48px


def fit_bias(features: np.ndarray, labels: np.ndarray, strength: float = PRIOR_STRENGTH) -> np.ndarray:
    """b for N examples (features N x 7 log-probabilities, labels N indices into LABELS).

    The objective is convex and seven-dimensional, so Newton's method converges in a few steps."""
    bias = np.zeros(len(LABELS))
    if not len(labels):
        return bias
    scaled = np.asarray(features, np.float64) / temperature()
    truth = np.eye(len(LABELS))[np.asarray(labels)]
    for _ in range(NEWTON_STEPS):
        p = softmax(scaled + bias)
        gradient = (p - truth).sum(axis=0) + strength * bias
        hessian = np.einsum("ni,ij->ij", p, np.eye(len(LABELS))) - p.T @ p + strength * np.eye(len(LABELS))
        step = np.linalg.solve(hessian, gradient)
        bias -= step
        if np.abs(step).max() < 1e-9:
            break
    return bias


@dataclass(frozen=True)
class Calibration:
    """A fitted profile, ready to apply; holds no examples."""

    profile: str
    bias: tuple[float, ...]  # LABELS order, on the calibrated scale

    @classmethod
    def fit(cls, profile: str, features: np.ndarray, labels: np.ndarray) -> Calibration:
        return cls(profile, tuple(float(b) for b in fit_bias(features, labels)))

    def probabilities(self, general: dict[str, float]) -> dict[str, float]:
        adapted = softmax(log_probabilities(general) + temperature() * np.array(self.bias))
        return {label: round(float(p), 4) for label, p in zip(LABELS, adapted, strict=True)}

    def apply_to_face(self, face: Face) -> Face:
        """The face as this profile reads it, keeping the general reading beside it. Fields the
        description step adds are left to it: a profile is applied before describing."""
        adapted = self.probabilities(face.probabilities)
        return replace(
            face,
            base_expression=face.expression,
            base_probabilities=face.probabilities,
            probabilities=adapted,
            **reading(adapted),
        )

    def apply(self, analysis: Analysis) -> Analysis:
        if analysis.failed:
            return analysis
        return replace(analysis, faces=[self.apply_to_face(f) for f in analysis.faces], profile=self.profile)

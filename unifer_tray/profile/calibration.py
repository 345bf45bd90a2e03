"""How a profile changes a reading: one bias per label on the general model's log-probabilities.

The bias b is the maximum a posteriori fit of

    p_you(label | face) = softmax(z(face) / T + b),    z = max(log p_general, log FEATURE_FLOOR)

to the user's labelled examples, under a Gaussian prior on b centred on zero with precision
PRIOR_STRENGTH. With none, b is zero; with one example per expression it moves the labels the
general model under-read in them, by a bounded amount; more examples outweigh the prior. T is
face-api's fitted temperature (models/fusion.json), the scale on which its log-probabilities are
calibrated. The floor keeps a sharp face's near-zero probabilities (face-api says 0.0001 where
it means "unlikely") from outweighing everything the user taught. The profile's probabilities
are softmax(z + T b): the argmax of the model above, on the general model's scale.

The prior's strength depends on what was taught. A profile with examples of fewer than
SESSION_LABELS labels (a few "Not right?" corrections) holds every bias with PRIOR_STRENGTH, so
that one example can never overturn a clear reading of another label. Once SESSION_LABELS or
more labels have examples (a teach session), the taught labels are held with SESSION_STRENGTH,
and the labels without any with UNTAUGHT_STRENGTH, so that skipping an expression does not push
its faces away. All were chosen on development data (benchmarks/bench_profile.py on FER2013,
benchmarks/bench_profile_people.py on real people; docs/adr/0009).
Applying it is a vector addition: microseconds per face.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from ..result import LABELS, Analysis, Face
from ..vision.affect import reading
from ..vision.classifier import fusion, softmax
from .features import log_probabilities

PRIOR_STRENGTH = 2.0
SESSION_LABELS = 4
SESSION_STRENGTH = 0.5
UNTAUGHT_STRENGTH = 10.0
FEATURE_FLOOR = 1e-3
NEWTON_STEPS = 25


@cache
def temperature() -> float:
    return fusion().anchor_temperature_48px


def floored(log_p: np.ndarray, floor: float = FEATURE_FLOOR) -> np.ndarray:
    return np.maximum(np.asarray(log_p, np.float64), np.log(floor))


def adapt(log_p: np.ndarray, bias: np.ndarray, floor: float = FEATURE_FLOOR) -> np.ndarray:
    """The profile's (unnormalised) log-probabilities for general log-probabilities `log_p`."""
    return floored(log_p, floor) + temperature() * np.asarray(bias)


def prior_strengths(
    labels: np.ndarray, session: float = SESSION_STRENGTH, untaught: float = UNTAUGHT_STRENGTH
) -> np.ndarray:
    """The prior precision per label for examples with these labels (see above); the
    benchmarks try other `session` and `untaught` strengths."""
    taught = np.bincount(np.asarray(labels, int), minlength=len(LABELS)) > 0
    if taught.sum() < SESSION_LABELS:
        return np.full(len(LABELS), PRIOR_STRENGTH)
    return np.where(taught, session, untaught)


def fit_bias(
    features: np.ndarray,
    labels: np.ndarray,
    priors: float | np.ndarray | None = None,
    floor: float = FEATURE_FLOOR,
) -> np.ndarray:
    """b for N examples (features N x 7 log-probabilities, labels N indices into LABELS).

    `priors`: the prior precision, one for every label or one per label (default:
    `prior_strengths(labels)`). The objective is convex and seven-dimensional, so Newton's
    method converges in a few steps."""
    bias = np.zeros(len(LABELS))
    if not len(labels):
        return bias
    scaled = floored(features, floor) / temperature()
    truth = np.eye(len(LABELS))[np.asarray(labels)]
    prior = prior_strengths(labels) if priors is None else np.broadcast_to(np.asarray(priors, float), len(LABELS))
    for _ in range(NEWTON_STEPS):
        p = softmax(scaled + bias)
        gradient = (p - truth).sum(axis=0) + prior * bias
        hessian = np.einsum("ni,ij->ij", p, np.eye(len(LABELS))) - p.T @ p + np.diag(prior)
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
        adapted = softmax(adapt(log_probabilities(general), np.array(self.bias)))
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

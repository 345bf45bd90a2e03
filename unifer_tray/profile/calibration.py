"""How a profile changes a reading: a bias per label, then the nearest taught examples.

1. The bias b is the maximum a posteriori fit of

       softmax(z(face) / T + b),    z = max(log p_general, log FEATURE_FLOOR)

   to the user's labelled examples, under a Gaussian prior on b centred on zero. With none, b is
   zero; with one example per expression it moves the labels the general model under-read in
   them, by a bounded amount; more examples outweigh the prior. T is face-api's fitted
   temperature (models/fusion.json), the scale on which its log-probabilities are calibrated. The
   floor keeps a sharp face's near-zero probabilities (face-api says 0.0001 where it means
   "unlikely") from outweighing everything the user taught. The profile reads
   p_bias = softmax(z + T b): the argmax of the model above, on the general model's scale.

2. A bias moves every face alike, so it cannot separate two expressions the general model reads
   alike for this person (their fear read as sadness, just as their sadness is). Their readings
   still differ in detail (that sadness has a trace of anger, that fear none), so the nearest
   taught examples decide between the taught labels:

       k_i  = exp(-|z/T - z_i/T|^2 / (2 NEAREST_WIDTH^2))           closeness to example i
       vote = the taught labels' share of p_bias, split in proportion to sum_i k_i per label
       p    = (1 - w) p_bias + w vote,     w = NEAREST_WEIGHT max_i k_i

   Labels without an example keep their share of p_bias, so the vote never takes probability from
   an expression the user did not teach, and a lone correction (one label) changes nothing here.
   A face unlike every example keeps p_bias.

The prior's strength depends on what was taught. A profile with examples of fewer than
SESSION_LABELS labels (a few "Not right?" corrections) holds every bias with PRIOR_STRENGTH, so
that one example's bias can never overturn a clear reading of another label (only the vote can,
for faces that read like an example of another taught label). Once SESSION_LABELS or
more labels have examples (a teach session), the taught labels are held with SESSION_STRENGTH,
and the labels without any with UNTAUGHT_STRENGTH, so that skipping an expression does not push
its faces away. All were chosen on development data (benchmarks/bench_profile.py on FER2013,
benchmarks/bench_profile_people.py on real people; docs/adr/0009).
Applying a profile costs about 0.1 ms per face (benchmarks/bench_profile.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, cached_property

import numpy as np

from ..result import LABELS, Analysis, Face
from ..vision.affect import reading
from ..vision.classifier import fusion, softmax
from .features import log_probabilities

PRIOR_STRENGTH = 2.0
SESSION_LABELS = 4
SESSION_STRENGTH = 0.5
UNTAUGHT_STRENGTH = 10.0
NEAREST_WIDTH = 0.5
NEAREST_WEIGHT = 0.4
FEATURE_FLOOR = 1e-3
NEWTON_STEPS = 25


@cache
def temperature() -> float:
    return fusion().anchor_temperature_48px


def scaled(log_p: np.ndarray, floor: float = FEATURE_FLOOR) -> np.ndarray:
    """z / T: floored general log-probabilities on face-api's calibrated scale."""
    return np.maximum(np.asarray(log_p, np.float64), np.log(floor)) / temperature()


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
    points = scaled(features, floor)
    truth = np.eye(len(LABELS))[np.asarray(labels)]
    prior = prior_strengths(labels) if priors is None else np.broadcast_to(np.asarray(priors, float), len(LABELS))
    for _ in range(NEWTON_STEPS):
        p = softmax(points + bias)
        gradient = (p - truth).sum(axis=0) + prior * bias
        hessian = np.einsum("ni,ij->ij", p, np.eye(len(LABELS))) - p.T @ p + np.diag(prior)
        step = np.linalg.solve(hessian, gradient)
        bias -= step
        if np.abs(step).max() < 1e-9:
            break
    return bias


@dataclass(frozen=True)
class Calibration:
    """A fitted profile, ready to apply. It keeps its examples' readings (seven numbers each, as
    the encrypted profile does) for the nearest-example vote; never an image."""

    profile: str
    bias: tuple[float, ...]  # LABELS order, on the calibrated scale
    examples: tuple[tuple[float, ...], ...] = ()  # z_i / T of each example
    labels: tuple[int, ...] = ()  # each example's index into LABELS
    width: float = NEAREST_WIDTH
    weight: float = NEAREST_WEIGHT
    floor: float = FEATURE_FLOOR

    @classmethod
    def fit(
        cls,
        profile: str,
        features: np.ndarray,
        labels: np.ndarray,
        priors: float | np.ndarray | None = None,
        width: float = NEAREST_WIDTH,
        weight: float = NEAREST_WEIGHT,
        floor: float = FEATURE_FLOOR,
    ) -> Calibration:
        """The shipped profile for these examples; the benchmarks try other `priors`, `width`,
        `weight` and `floor`."""
        bias = fit_bias(features, labels, priors, floor)
        return cls(
            profile,
            tuple(float(b) for b in bias),
            tuple(tuple(float(v) for v in row) for row in scaled(features, floor)) if len(labels) else (),
            tuple(int(label) for label in labels),
            width,
            weight,
            floor,
        )

    def read(self, log_p: np.ndarray) -> np.ndarray:
        """The profile's probabilities (N x 7) for general log-probabilities `log_p` (N x 7)."""
        points = scaled(np.atleast_2d(log_p), self.floor)
        p = softmax(temperature() * (points + np.array(self.bias)))  # on the general model's scale
        if not self.labels or not self.weight:
            return p
        examples, one_hot, taught = self._examples
        closeness = np.exp(-((points[:, None, :] - examples[None]) ** 2).sum(-1) / (2 * self.width**2))
        per_label = closeness @ one_hot
        split = per_label / np.maximum(per_label.sum(axis=1, keepdims=True), 1e-300)
        vote = np.where(taught, split * p[:, taught].sum(axis=1, keepdims=True), p)
        near = self.weight * closeness.max(axis=1, keepdims=True)
        return (1 - near) * p + near * vote

    @cached_property
    def _examples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The examples' points, their labels one-hot and which labels were taught, made once per
        loaded profile rather than for every face."""
        one_hot = np.eye(len(LABELS))[list(self.labels)]
        return np.array(self.examples), one_hot, np.asarray(one_hot.any(axis=0))

    def probabilities(self, general: dict[str, float]) -> dict[str, float]:
        adapted = self.read(log_probabilities(general))[0]
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

"""The ensemble rule and the derived readings, on hand-made distributions."""

from __future__ import annotations

import numpy as np
import pytest

from unifer_tray.result import LABELS
from unifer_tray.vision.affect import compound, intensity, valence_arousal
from unifer_tray.vision.classifier import expert_gate, fuse, normalised_entropy


def dist(**probs: float) -> np.ndarray:
    rest = (1 - sum(probs.values())) / (len(LABELS) - len(probs))
    return np.array([probs.get(label, rest) for label in LABELS])


def as_dict(p: np.ndarray) -> dict[str, float]:
    return dict(zip(LABELS, map(float, p), strict=True))


def test_entropy_bounds():
    assert normalised_entropy(np.full((1, 7), 1 / 7))[0] == pytest.approx(1.0)
    assert normalised_entropy(dist(happiness=1.0)[None])[0] < 0.01


SHARP, SMALL = np.array([200.0]), np.array([48.0])


def test_decisive_anchor_on_a_sharp_face_closes_the_gate():
    assert expert_gate(dist(happiness=0.99)[None], SHARP)[0] == 0.0
    assert expert_gate(np.full((1, 7), 1 / 7), SHARP)[0] == pytest.approx(1.0)


def test_small_faces_always_consult_the_fer2013_pair():
    assert expert_gate(dist(happiness=0.99)[None], SMALL)[0] == pytest.approx(1.0)
    middle = expert_gate(dist(happiness=0.99)[None], np.array([88.0]))[0]
    assert 0.3 < middle < 0.7


def test_confident_anchor_survives_hesitant_disagreeing_experts():
    anchor = dist(surprise=0.95)[None]
    experts = [dist(fear=0.5)[None], dist(fear=0.6)[None]]
    fused = fuse(anchor, experts, expert_gate(anchor, SMALL))
    assert LABELS[fused[0].argmax()] == "surprise"


def test_unsure_anchor_is_decided_by_agreeing_experts():
    anchor = dist(neutral=0.4, sadness=0.35)[None]
    experts = [dist(sadness=0.7)[None], dist(sadness=0.6)[None]]
    gate = expert_gate(anchor, SHARP)
    assert gate[0] > 0.5
    fused = fuse(anchor, experts, gate)
    assert LABELS[fused[0].argmax()] == "sadness"
    assert fused.sum() == pytest.approx(1.0)


def test_intensity_levels():
    assert intensity(as_dict(dist(happiness=0.95))) == "high"
    assert intensity(as_dict(dist(happiness=0.5, neutral=0.35))) == "medium"
    assert intensity(as_dict(dist(neutral=0.9))) == "low"


def test_compound_when_top_two_are_close():
    assert compound(as_dict(dist(happiness=0.45, surprise=0.40))) == "happily surprised"
    assert compound(as_dict(dist(anger=0.5, sadness=0.35))) == "sadly angry"
    assert compound(as_dict(dist(happiness=0.8, surprise=0.1))) is None  # not close
    assert compound(as_dict(dist(happiness=0.45, sadness=0.40))) is None  # not a RAF-DB compound


def test_valence_arousal_follow_the_distribution():
    happy_v, happy_a = valence_arousal(as_dict(dist(happiness=1.0)))
    sad_v, sad_a = valence_arousal(as_dict(dist(sadness=1.0)))
    assert happy_v > 0.7 and sad_v < -0.6 and sad_a < 0 < happy_a
    mixed_v, _ = valence_arousal(as_dict(dist(happiness=0.5, sadness=0.5)))
    assert sad_v < mixed_v < happy_v

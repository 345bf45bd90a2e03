"""The ensemble rule and the derived readings, on hand-made distributions."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from unifer_tray.result import LABELS
from unifer_tray.vision.affect import compound, intensity, valence_arousal
from unifer_tray.vision.classifier import fuse, fusion, pair_gate


def dist(**probs: float) -> np.ndarray:
    rest = (1 - sum(probs.values())) / (len(LABELS) - len(probs))
    return np.array([probs.get(label, rest) for label in LABELS])


def log(p: np.ndarray) -> np.ndarray:
    return np.log(p)[None]


def as_dict(p: np.ndarray) -> dict[str, float]:
    return dict(zip(LABELS, map(float, p), strict=True))


SHARP, SMALL = np.array([200.0]), np.array([48.0])
RULE = fusion()


def test_shipped_rule_has_its_provenance():
    raw = json.loads((resources.files("unifer_tray.models") / "fusion.json").read_text())
    assert raw["provenance"]["script"] == "models/build/fit_fusion.py"
    assert RULE.anchor_temperature_48px > 1  # face-api is overconfident on 48 px web crops
    open_below, closed_above = RULE.gate_confidence
    assert 0 < open_below < closed_above < 1


@pytest.mark.parametrize(("sides", "sure", "pair_says"), [(SHARP, "happiness", "anger"), (SMALL, "surprise", "fear")])
def test_a_face_that_face_api_is_sure_of_keeps_face_apis_label(sides, sure, pair_says):
    anchor = log(dist(**{sure: 0.99999}))
    assert pair_gate(anchor, sides, RULE)[0] == 0.0
    fused = fuse(anchor, log(dist(**{pair_says: 0.9})), sides, RULE)
    assert LABELS[fused[0].argmax()] == sure


def test_sharp_doubtful_face_in_the_wild_is_decided_with_the_pair():
    anchor = log(dist(neutral=0.4, sadness=0.35))
    assert pair_gate(anchor, SHARP, RULE)[0] > 0.5
    fused = fuse(anchor, log(dist(sadness=0.8)), SHARP, RULE)
    assert LABELS[fused[0].argmax()] == "sadness"


def test_small_doubtful_face_is_decided_with_the_pair():
    anchor = log(dist(neutral=0.5, sadness=0.3))
    assert pair_gate(anchor, SMALL, RULE)[0] == pytest.approx(1.0)
    fused = fuse(anchor, log(dist(sadness=0.8)), SMALL, RULE)
    assert LABELS[fused[0].argmax()] == "sadness"
    assert fused.sum() == pytest.approx(1.0)


def test_the_gates_ramp_reaches_further_down_for_sharp_faces():
    """Between doubt and confidence the pair counts less for a sharp face than for a small one,
    and the weight moves smoothly with the face's size."""
    anchor = log(dist(neutral=0.999))  # raw 0.999 is doubtful once calibrated
    gates = [pair_gate(anchor, np.array([side]), RULE)[0] for side in (48.0, 88.0, 128.0, 400.0)]
    assert gates[0] > gates[1] > gates[2] > 0
    assert gates[2] == pytest.approx(gates[3])


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

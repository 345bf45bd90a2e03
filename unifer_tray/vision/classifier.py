"""Expression classification: face-api's net in charge, the FER2013 pair consulted where it doubts.

The rule (models/ADR-0001-expression-ensemble.md has the evidence; the numbers live in
models/fusion.json with their provenance and are refitted by models/build/fit_fusion.py):

    z_a = mean(log p_faceapi(crop), log p_faceapi(mirror)) / T(r)      T(r) = Ts + r (T48 - Ts)
    z_p = mean(mean(log p_minixception(crop), log p_minixception(mirror)), log p_human(crop)) / T_pair
    p   = softmax((z_a + g z_p) T(r) / S)            S = S0(r) + g (T(r) - S0(r)),  S0(r) = 1 + r (T48 - 1)
    r   = clip((128 - side) / (128 - 48), 0, 1)        how close the face is to FER2013's 48 px
    g   = clip((c_hi - c) / (c_hi - c_lo(r)), 0, 1)    c = face-api's confidence calibrated at 48 px
    c_lo(r) = c_lo_sharp + r (c_lo - c_lo_sharp)

A face that face-api reads with calibrated confidence above ``c_hi`` is face-api's (posed faces:
face-api is right and sure there); below it the pair joins, fully where face-api, calibrated,
expects to be less often right than the pair is on faces it has not seen. Sharp faces in the wild
(films, calls) get the pair's evidence too: fitted on them, the ramp reaches further down there.
Ts sets how much face-api counts against the pair on sharp faces (fitted for accuracy). S only
sets how sure the reading is shown, never its label: a face the pair does not join is shown at
face-api's own scale (a clear smile stays a confident smile), a face it joins fully at the mix's
(two doubtful nets do not make a sure reading); ADR-0001 says why not one log-loss scale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from ..imaging import resize_to, to_gray
from ..result import LABELS
from .models import ModelError, ModelInfo, open_session

ANCHOR = "faceapi_expression"
PAIR = ("mini_xception", "human_emotion")
_EPS = 1e-6


@dataclass(frozen=True)
class Fusion:
    """The fitted numbers of the rule above (models/fusion.json)."""

    anchor_temperature_48px: float
    anchor_temperature_sharp: float
    pair_temperature: float
    gate_confidence: tuple[float, float]  # at 48 px: (fully open at or below, closed at or above)
    sharp_gate_open: float  # fully open at or below, for faces of resolution_sides[1] and more
    resolution_sides: tuple[float, float]  # (48 px rule at or below, sharp rule from) px


@cache
def fusion() -> Fusion:
    try:
        raw = json.loads((resources.files("unifer_tray.models") / "fusion.json").read_text(encoding="utf-8"))
        return Fusion(
            anchor_temperature_48px=float(raw["anchor_temperature_48px"]),
            anchor_temperature_sharp=float(raw["anchor_temperature_sharp"]),
            pair_temperature=float(raw["pair_temperature"]),
            gate_confidence=(float(raw["gate_confidence"]["open"]), float(raw["gate_confidence"]["closed"])),
            sharp_gate_open=float(raw["gate_confidence"]["open_sharp"]),
            resolution_sides=(float(raw["resolution_sides"]["full"]), float(raw["resolution_sides"]["none"])),
        )
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"models/fusion.json is missing or unreadable ({exc}); reinstall unifer-tray") from None


class ExpressionModel:
    """One shipped classifier; takes 112x112 RGB crops, returns log-probabilities in LABELS order,
    averaged over the crop and its mirror image when its crop protocol says so (manifest.json)."""

    def __init__(self, name: str, threads: int = 1):
        self.session, self.info = open_session(name, threads)
        self.mirror = bool(self.info.crop.get("mirror", False))
        self._input = self.session.get_inputs()[0].name
        self._order = [self.info.labels.index(label) for label in LABELS]

    @property
    def margin(self) -> float:
        return float(self.info.crop["margin"])

    def prepare(self, crops: np.ndarray) -> np.ndarray:
        pre = self.info.preprocessing
        size = int(pre["size"])
        if pre["color"] == "gray":
            batch = np.stack([resize_to(to_gray(c), (size, size), area=True) for c in crops])[..., None]
        elif size != crops.shape[1]:
            batch = np.stack([resize_to(c, (size, size), area=True) for c in crops])
        else:
            batch = crops
        return batch.astype(np.float32) * float(pre["scale"]) + float(pre["offset"])

    def log_probabilities(self, prepared: np.ndarray) -> np.ndarray:
        """Mirroring commutes with the grey conversion and resize, so the prepared batch is
        flipped directly and both go through the net as one batch."""
        if self.mirror:
            prepared = np.concatenate([prepared, prepared[:, :, ::-1]])
        log_p = np.log(np.clip(self.session.run(None, {self._input: prepared})[0][:, self._order], _EPS, 1.0))
        if self.mirror:
            half = len(log_p) // 2
            log_p = (log_p[:half] + log_p[half:]) / 2
        return log_p


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def low_resolution(face_sides: np.ndarray, rule: Fusion) -> np.ndarray:
    """1 for a face at FER2013's resolution or below, 0 for a sharp one, linear between."""
    full, none = rule.resolution_sides
    return np.clip((none - np.asarray(face_sides, np.float64)) / (none - full), 0.0, 1.0)


def pair_gate(anchor_log: np.ndarray, face_sides: np.ndarray, rule: Fusion) -> np.ndarray:
    """Weight of the FER2013 pair per face: how far face-api doubts, on a ramp that reaches
    further down for sharp faces."""
    calibrated = softmax(anchor_log / rule.anchor_temperature_48px).max(axis=-1)
    open_48, closed_above = rule.gate_confidence
    open_below = rule.sharp_gate_open + low_resolution(face_sides, rule) * (open_48 - rule.sharp_gate_open)
    return np.clip((closed_above - calibrated) / (closed_above - open_below), 0.0, 1.0)


def fuse(anchor_log: np.ndarray, pair_log: np.ndarray, face_sides: np.ndarray, rule: Fusion) -> np.ndarray:
    """Probabilities from face-api's and the pair's log-probabilities (the pair's rows of faces
    the gate keeps closed are never read, so they may be left at zero)."""
    r = low_resolution(face_sides, rule)
    t48 = rule.anchor_temperature_48px
    temperature = rule.anchor_temperature_sharp + r * (t48 - rule.anchor_temperature_sharp)
    gate = pair_gate(anchor_log, face_sides, rule)
    alone = 1.0 + r * (t48 - 1.0)
    output = alone + gate * (temperature - alone)
    mix = anchor_log / temperature[:, None] + gate[:, None] * pair_log / rule.pair_temperature
    return softmax(mix * (temperature / output)[:, None])


class ExpressionEnsemble:
    def __init__(self, threads: int = 1):
        self.rule = fusion()
        self.anchor = ExpressionModel(ANCHOR, threads)
        self.pair = [ExpressionModel(name, threads) for name in PAIR]
        self.nets = [self.anchor, *self.pair]
        # One crop serves all three, and one grey input both FER2013 nets.
        if len({net.margin for net in self.nets}) != 1 or len({repr(net.info.preprocessing) for net in self.pair}) != 1:
            raise ModelError("the shipped classifiers' crop protocols no longer match (manifest.json)")

    @property
    def models(self) -> list[ModelInfo]:
        return [net.info for net in self.nets]

    @property
    def margin(self) -> float:
        """Crop side / detector box side, the protocol all three read best at (manifest.json)."""
        return self.anchor.margin

    def pair_log_probabilities(self, crops: np.ndarray) -> np.ndarray:
        """Both FER2013 nets read the same 64 px grey input, prepared once."""
        prepared = self.pair[0].prepare(crops)
        return np.mean([model.log_probabilities(prepared) for model in self.pair], axis=0)

    def classify(self, crops: np.ndarray, face_sides: np.ndarray) -> np.ndarray:
        """Probabilities (N x 7, LABELS order) for N 112x112 RGB face crops.

        ``face_sides``: each face's side in the source image, in pixels, before it was resized.
        """
        if not len(crops):
            return np.zeros((0, len(LABELS)), np.float32)
        sides = np.asarray(face_sides, dtype=np.float64)
        anchor_log = self.anchor.log_probabilities(self.anchor.prepare(crops))
        consulted = pair_gate(anchor_log, sides, self.rule) > 0
        pair_log = np.zeros_like(anchor_log)  # the pair runs only for the faces it is consulted on
        if consulted.any():
            pair_log[consulted] = self.pair_log_probabilities(crops[consulted])
        return fuse(anchor_log, pair_log, sides, self.rule)

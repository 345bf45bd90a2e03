"""Expression classification: three shipped nets combined by a gated product of experts.

Why this rule (models/ADR-0001-expression-ensemble.md has the evidence and the alternatives):
face-api's net is by far the best on clear, sharp faces, while the two FER2013-trained nets
were trained on, and are better on, small (48 px) noisy in-the-wild faces. Averaging all three
drags face-api's confident answers towards the weaker nets. Instead face-api is the anchor, and
the FER2013 pair's geometric mean is added in log space with a weight ``g``:

    log p  =  log p_faceapi  +  g * mean(log p_minixception, log p_human)
    g = clip((max(u, r) - 0.1) / 0.9, 0, 1)
    u = H(p_faceapi) / log 7                       face-api's doubt (normalised entropy)
    r = clip((128 - side) / (128 - 48), 0, 1)      how close the face is to FER2013's 48 px

So the pair speaks in full for faces at FER2013's resolution and for faces face-api is unsure
of, and is not even run for a sharp face face-api reads decisively. Log-linear pooling weighs
each model by its own confidence: a flat distribution moves the result little, a peaked one a
lot, so a decisive face-api still wins against a hesitant pair.
mini-Xception also reads the mirror image (test-time flip, averaged): it is the noisiest of the
three and the cheapest (0.4 ms); flipping the others too would push a face past the 5 ms budget.
The two FER2013 nets take the same 64 px grey input, so it is prepared once.
"""

from __future__ import annotations

import numpy as np

from ..imaging import resize_to, to_gray
from ..result import LABELS
from .models import ModelInfo, open_session

ANCHOR = "faceapi_expression"
EXPERTS = {"mini_xception": True, "human_emotion": False}  # name: read the mirror image too
GATE_OPENS_AT = 0.1
FER2013_SIDE, SHARP_SIDE = 48.0, 128.0  # source face side (px) where the pair counts fully / by doubt only
_EPS = 1e-6


class ExpressionModel:
    """One shipped classifier; takes 112x112 RGB crops, returns probabilities in LABELS order."""

    def __init__(self, name: str, threads: int = 1, flip: bool = False):
        self.session, self.info = open_session(name, threads)
        self.flip = flip
        self._input = self.session.get_inputs()[0].name
        self._order = [self.info.labels.index(label) for label in LABELS]

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

    def run(self, prepared: np.ndarray) -> np.ndarray:
        """Probabilities for an already prepared batch (see `prepare`)."""
        return self.session.run(None, {self._input: prepared})[0][:, self._order]

    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.run(self.prepare(crops))

    def run_tta(self, prepared: np.ndarray) -> np.ndarray:
        """Averaged over the input and its mirror image, if this model flips (mirroring commutes
        with the grey conversion and resize, so the prepared batch is flipped directly)."""
        if not self.flip:
            return self.run(prepared)
        both = self.run(np.concatenate([prepared, prepared[:, :, ::-1]]))
        return (both[: len(prepared)] + both[len(prepared) :]) / 2


def normalised_entropy(probabilities: np.ndarray) -> np.ndarray:
    p = np.clip(probabilities, _EPS, 1.0)
    return -(p * np.log(p)).sum(axis=-1) / np.log(p.shape[-1])


def expert_gate(probabilities: np.ndarray, face_sides: np.ndarray) -> np.ndarray:
    """Weight of the FER2013 pair per face, from face-api's doubt and the face's source size."""
    doubt = normalised_entropy(probabilities)
    low_resolution = np.clip((SHARP_SIDE - face_sides) / (SHARP_SIDE - FER2013_SIDE), 0.0, 1.0)
    need = np.maximum(doubt, low_resolution)
    return np.clip((need - GATE_OPENS_AT) / (1 - GATE_OPENS_AT), 0.0, 1.0)


def fuse(anchor: np.ndarray, experts: list[np.ndarray], gate: np.ndarray) -> np.ndarray:
    """Log-linear pooling: the anchor plus the experts' geometric mean weighted by the gate."""
    expert_log = np.mean([np.log(np.clip(e, _EPS, 1.0)) for e in experts], axis=0)
    log_p = np.log(np.clip(anchor, _EPS, 1.0)) + gate[:, None] * expert_log
    log_p -= log_p.max(axis=-1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=-1, keepdims=True)


class ExpressionEnsemble:
    def __init__(self, threads: int = 1):
        self.anchor = ExpressionModel(ANCHOR, threads)
        self.experts = [ExpressionModel(name, threads, flip) for name, flip in EXPERTS.items()]

    @property
    def models(self) -> list[ModelInfo]:
        return [self.anchor.info] + [e.info for e in self.experts]

    def classify(self, crops: np.ndarray, face_sides: np.ndarray) -> np.ndarray:
        """Probabilities (N x 7, LABELS order) for N 112x112 RGB face crops.

        ``face_sides``: each face's side in the source image, in pixels, before it was resized.
        """
        if not len(crops):
            return np.zeros((0, len(LABELS)), np.float32)
        anchor = self.anchor.predict(crops)
        gate = expert_gate(anchor, np.asarray(face_sides, dtype=np.float64))
        doubtful = gate > 0
        if not doubtful.any():
            return anchor
        subset = crops[doubtful]
        prepared: dict[str, np.ndarray] = {}  # both FER2013 nets read the same 64 px grey input
        expert_outputs = []
        for expert in self.experts:
            key = repr(sorted(expert.info.preprocessing.items()))
            if key not in prepared:
                prepared[key] = expert.prepare(subset)
            expert_outputs.append(expert.run_tta(prepared[key]))
        fused = anchor.copy()
        fused[doubtful] = fuse(anchor[doubtful], expert_outputs, gate[doubtful])
        return fused

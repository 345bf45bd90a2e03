"""What a profile keeps of a face: its general reading as log-probabilities. Shared by the store
(which keeps examples) and the calibration (which applies them), so neither imports the other."""

from __future__ import annotations

import numpy as np

from ..result import LABELS

SMALLEST_READING = 1e-4  # results carry 4 decimals: 0 means "below 0.0001"


def log_probabilities(probabilities: dict[str, float]) -> np.ndarray:
    """A face's distribution as the feature a profile keeps (LABELS order)."""
    return np.log(np.clip([probabilities[label] for label in LABELS], SMALLEST_READING, 1.0))

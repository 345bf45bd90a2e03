"""Blinks in one person's eye openness over time.

A blink is a brief closing measured against the person's own open eyes, not a fixed level: the
mesh never reads a shut eye as 0 (a shut eye reads about 0.6 of the same eye open), and eyes
narrow in a smile. So: the eyes' mean openness falls below BLINK_DROP of its median over the
BASELINE_S around it, and opens again within MAX_BLINK_S (longer is eyes closed, not a blink).
Only runs with open eyes on both sides count, and only when frames are MIN_FPS apart or closer:
at the default 5 frames a second most blinks fall between two frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BLINK_DROP = 0.75
BASELINE_S = 1.5  # each side of the sample
MAX_BLINK_S = 0.5
MIN_FPS = 10.0


def countable(times: Sequence[float]) -> bool:
    """Whether frames come often enough to catch blinks."""
    return len(times) > 2 and float(np.median(np.diff(times))) <= 1 / MIN_FPS


def blink_times(times: Sequence[float], openness: Sequence[float]) -> list[float]:
    """When each blink started (seconds)."""
    t, value = np.asarray(times, float), np.asarray(openness, float)
    level = np.array([np.median(value[np.abs(t - moment) <= BASELINE_S]) for moment in t])
    closed = value < BLINK_DROP * level
    blinks, start = [], None
    for index, shut in enumerate(closed):
        if shut and start is None:
            start = index
        elif not shut and start is not None:
            if start > 0 and t[index - 1] - t[start] <= MAX_BLINK_S:
                blinks.append(float(t[start]))
            start = None
    return blinks  # a run still closed at the end is not counted: it may not be a blink

"""Combining the classifier's distribution with the vision model's label, and the fallback text.

The rule: the model's label multiplies the classifier's probability for that label by
(1 + confidence), up to 2x, and the result is renormalised. So the language model breaks
near-ties (classifier anger 45 %, disgust 40 %, model says disgust -> disgust) but cannot
overrule a clear classifier reading (anger 62 %, disgust 25 % stays anger). The calibrated
on-device nets are better expression classifiers than a general vision-language model; the
model's value is the cues and context it adds. ``probabilities`` stay the classifier's, so the
two sources remain separable.
"""

from __future__ import annotations

from ..result import top_label

TIE_BREAK = 1.0  # largest factor added to the model's label: 1 + TIE_BREAK * confidence


def fuse_label(probabilities: dict[str, float], model_label: str, model_confidence: float) -> tuple[str, float]:
    weighted = {
        label: p * (1 + TIE_BREAK * model_confidence if label == model_label else 1.0)
        for label, p in probabilities.items()
    }
    total = sum(weighted.values()) or 1.0
    label = top_label(weighted)
    return label, round(weighted[label] / total, 4)

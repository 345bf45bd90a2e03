"""The teach session's rules without a window, on the real models and test photos."""

from __future__ import annotations

import numpy as np
from PIL import Image

from unifer_tray.result import LABELS
from unifer_tray.teach import PROMPTS, TeachSession


def frame(data_dir, name: str) -> np.ndarray:
    return np.asarray(Image.open(data_dir / name).convert("RGB"))


class Store:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list]] = []

    def add(self, name, examples):
        self.calls.append((name, examples))
        return examples


def test_every_label_has_a_prompt():
    assert set(PROMPTS) == set(LABELS)


def test_take_keep_retake_skip_and_save_in_one_step(pipeline, data_dir):
    session = TeachSession()
    assert session.current == "neutral"
    empty = frame(data_dir, "free-mountain-vector-01.jpg")
    problem = session.offer(empty, pipeline.run(empty)[0])
    assert problem.startswith("no face found") and session.pending is None
    session.keep()  # nothing taken: nothing kept, still on neutral
    assert session.current == "neutral" and not session.kept

    surprised = frame(data_dir, "0-f1-su-ph.jpg")
    assert session.offer(surprised, pipeline.run(surprised)[0]) is None
    session.retake()
    assert session.pending is None and session.current == "neutral"
    assert session.offer(surprised, pipeline.run(surprised)[0]) is None
    session.keep()
    assert session.current == "happiness" and list(session.kept) == ["neutral"]
    happy = frame(data_dir, "0-f15-hao-ph.jpg")
    session.offer(happy, pipeline.run(happy)[0])
    session.keep()
    for _ in range(5):
        session.skip()
    assert session.done and session.current is None

    summary = session.summary()
    assert summary[0].startswith("neutral: the general model read surprise")
    assert summary[1] == "happiness: the general model read it so too"
    assert summary[2] == "skipped: sadness, surprise, fear, disgust, anger (read as the general model reads them)"
    store = Store()
    session.save(store, "me")
    ((name, examples),) = store.calls
    assert name == "me" and [e.label for e in examples] == ["neutral", "happiness"]
    assert all(e.source == "webcam" and len(e.features) == 7 for e in examples)
    assert np.argmax(examples[0].features) == LABELS.index("surprise")  # the general reading is what is kept

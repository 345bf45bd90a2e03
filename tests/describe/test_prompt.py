"""What is sent to the local model: the capture, no larger than 1024 px, and a crop per face."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from unifer_tray.describe.prompt import MAX_SIDE, build_messages
from unifer_tray.result import LABELS


def test_the_capture_and_one_crop_per_face_with_the_classifiers_reading(pipeline, data_dir):
    analysis, rgb = pipeline.run(data_dir / "multi_face.jpg")
    system, user = build_messages(analysis, rgb)
    assert system["role"] == "system" and user["role"] == "user"
    images = [Image.open(BytesIO(data)) for data in user["images"]]
    assert len(images) == 1 + len(analysis.faces)
    assert max(images[0].size) <= MAX_SIDE
    assert all(label in user["content"] for label in LABELS)
    assert "crops of its faces" in user["content"]

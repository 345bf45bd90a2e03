"""The shipped models on real photos: faces found, expressions read, every input kind handled."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from unifer_tray import LABELS, analyze_image
from unifer_tray.imaging import load_rgb
from unifer_tray.pipeline import Options

FACE_FIELDS = {
    "box",
    "score",
    "landmarks",
    "expression",
    "confidence",
    "probabilities",
    "intensity",
    "compound",
    "valence",
    "arousal",
    "model_expression",
    "cues",
    "agreement",
}
ANALYSIS_FIELDS = {"source", "width", "height", "faces", "error", "timings_ms", "description"}


def test_smiling_face_is_happiness(pipeline, data_dir):
    analysis = pipeline.run(data_dir / "single_face.jpg")[0]
    assert analysis.error is None
    assert len(analysis.faces) == 1
    face = analysis.faces[0]
    assert face.expression == "happiness"
    assert face.confidence > 0.8
    assert face.intensity == "high"
    assert face.valence > 0.5


@pytest.mark.parametrize(("name", "expected"), [("0-f1-su-ph.jpg", "surprise"), ("0-f15-hao-ph.jpg", "happiness")])
def test_posed_expressions(pipeline, data_dir, name, expected):
    faces = pipeline.run(data_dir / name)[0].faces
    assert [f.expression for f in faces] == [expected]


def test_group_photo_has_five_faces_sorted_by_size(pipeline, data_dir):
    faces = pipeline.run(data_dir / "multi_face.jpg")[0].faces
    assert len(faces) == 5
    areas = [f.box[2] * f.box[3] for f in faces]
    assert areas == sorted(areas, reverse=True)
    for face in faces:
        assert len(face.landmarks) == 6
        x, y, w, h = face.box
        (rx, ry), (lx, _) = face.landmarks[:2]
        assert x <= rx < lx <= x + w and y <= ry <= y + h  # eyes inside the box, image-left first


def test_landscape_has_no_face(pipeline, data_dir):
    analysis = pipeline.run(data_dir / "free-mountain-vector-01.jpg")[0]
    assert analysis.error is None
    assert analysis.faces == []


def test_large_greyscale_photo(pipeline, data_dir):
    assert Image.open(data_dir / "BWPictureHuman.jpg").mode == "L"
    analysis = pipeline.run(data_dir / "BWPictureHuman.jpg")[0]
    assert (analysis.width, analysis.height) == (2560, 1912)
    assert len(analysis.faces) == 1


def test_rgba_photo(pipeline, data_dir):
    assert Image.open(data_dir / "Image_with_alpha.png").mode == "RGBA"
    faces = pipeline.run(data_dir / "Image_with_alpha.png")[0].faces
    assert [f.expression for f in faces] == ["happiness"]


def test_small_faces_in_a_large_image_are_found(pipeline, data_dir):
    """Five 30-40 px faces: the group photo shrunk onto a 1920x1080 canvas (smallest face 82 -> 30 px)."""
    group = Image.open(data_dir / "multi_face.jpg")
    small = group.resize((group.width * 30 // 82, group.height * 30 // 82), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (1920, 1080), (40, 40, 40))
    canvas.paste(small, (1200, 600))
    faces = pipeline.run(canvas)[0].faces
    assert len(faces) == 5
    assert all(25 <= f.box[2] <= 50 for f in faces)
    assert all(1200 <= f.box[0] < 1200 + small.width for f in faces)


def test_tiny_crop_whole_mode(pipeline, data_dir):
    """A 48x48 grey crop, as in face-crop datasets, read as one face."""
    rgb = load_rgb(data_dir / "0-f15-hao-ph.jpg")
    crop = Image.fromarray(rgb[150:480, 90:420]).convert("L").resize((48, 48))
    analysis = pipeline.run(crop, Options(whole=True))[0]
    assert len(analysis.faces) == 1
    assert analysis.faces[0].box == [0, 0, 48, 48]
    assert analysis.faces[0].expression == "happiness"


def test_pixel_arrays_are_accepted(pipeline, data_dir):
    rgb = load_rgb(data_dir / "single_face.jpg")
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    assert pipeline.run(rgba, source="screen")[0].faces[0].expression == "happiness"
    assert pipeline.run(rgb[..., 0])[0].source == "<image>"


def test_json_has_the_fixed_field_names(data_dir):
    analysis = analyze_image(data_dir / "multi_face.jpg")
    document = json.loads(analysis.to_json())
    assert set(document) == ANALYSIS_FIELDS
    assert document["error"] is None
    assert document["description"] is None  # no description was asked for
    assert set(document["timings_ms"]) >= {"load", "detect", "classify", "total"}
    for face in document["faces"]:
        assert set(face) == FACE_FIELDS
        assert list(face["probabilities"]) == list(LABELS)
        assert abs(sum(face["probabilities"].values()) - 1) < 1e-3
        assert face["intensity"] in {"low", "medium", "high"}
        assert -1 <= face["valence"] <= 1 and -1 <= face["arousal"] <= 1
        assert len(face["box"]) == 4 and all(isinstance(v, int) for v in face["box"])


def test_an_analysis_round_trips_through_json(pipeline, data_dir):
    import json

    from unifer_tray.result import Analysis

    analysis = pipeline.run(data_dir / "multi_face.jpg")[0]
    again = Analysis.from_dict(json.loads(analysis.to_json()))
    assert again == analysis and len(again.faces) == 5


def test_failed_is_a_property_that_can_be_false(pipeline, data_dir, tmp_path):
    assert not pipeline.run(data_dir / "single_face.jpg")[0].failed
    missing = pipeline.run(tmp_path / "missing.jpg")[0]
    assert missing.failed and not missing.ok and missing.error

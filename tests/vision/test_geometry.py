"""Face geometry from the shipped mesh model on real photos: the conventions the README states
(roll follows the photo, a mirror negates yaw, openness on a 0-1 scale), and its shape in the
results (absent unless asked)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from unifer_tray.pipeline import Options, analyze_image
from unifer_tray.result import GEOMETRY_FIELDS

FRONTAL = ["0-f1-su-ph.jpg", "15-f13-anc-ph.jpg", "single_face.jpg"]


def largest_face(pipeline, image: Image.Image, geometry="pose"):
    analysis, _ = pipeline.run(image, Options(geometry=geometry))
    return analysis.faces[0]


@pytest.mark.parametrize("name", FRONTAL)
@pytest.mark.parametrize("angle", [15, -15])
def test_roll_turns_with_the_photo_by_the_same_angle(pipeline, data_dir, name, angle):
    photo = Image.open(data_dir / name).convert("RGB")
    before = largest_face(pipeline, photo).head_pose["roll"]
    after = largest_face(pipeline, photo.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)).head_pose
    assert after["roll"] - before == pytest.approx(angle, abs=2.0)  # +15: counter-clockwise, as Pillow turns it


@pytest.mark.parametrize("name", [*FRONTAL, "45-m7-di-ph.jpg"])
def test_a_mirror_image_negates_yaw(pipeline, data_dir, name):
    photo = Image.open(data_dir / name).convert("RGB")
    yaw = largest_face(pipeline, photo).head_pose["yaw"]
    mirrored = largest_face(pipeline, photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)).head_pose["yaw"]
    assert yaw + mirrored == pytest.approx(0, abs=5.0)


def test_a_turned_head_reads_as_turned_and_a_frontal_one_as_frontal(pipeline, data_dir):
    turned = largest_face(pipeline, Image.open(data_dir / "45-m7-di-ph.jpg").convert("RGB")).head_pose
    frontal = largest_face(pipeline, Image.open(data_dir / "0-f1-su-ph.jpg").convert("RGB")).head_pose
    assert abs(turned["yaw"]) > 25 and abs(frontal["yaw"]) < 8 and abs(frontal["roll"]) < 8


def test_surprise_opens_the_mouth_and_a_closed_mouth_reads_closed(pipeline, data_dir):
    surprise = largest_face(pipeline, Image.open(data_dir / "0-f1-su-ph.jpg").convert("RGB"))
    anger = largest_face(pipeline, Image.open(data_dir / "15-f13-anc-ph.jpg").convert("RGB"))
    assert surprise.mouth_open > 0.3 > 0.1 > anger.mouth_open
    for face in (surprise, anger):
        assert set(face.eyes_open) == {"left", "right"} and all(0.3 < v <= 1 for v in face.eyes_open.values())


def test_mesh_points_lie_on_the_face(pipeline, data_dir):
    for name in ["multi_face.jpg", *FRONTAL]:
        analysis, _ = pipeline.run(data_dir / name, Options(geometry="mesh"))
        for face in analysis.faces:
            mesh = np.array(face.mesh)
            x, y, w, h = face.box
            inside = (
                (mesh[:, 0] >= x - 0.1 * w)
                & (mesh[:, 0] <= x + 1.1 * w)
                & (mesh[:, 1] >= y - 0.1 * h)
                & (mesh[:, 1] <= y + 1.1 * h)
            )
            assert mesh.shape == (468, 3) and inside.mean() >= 0.95


def test_a_profile_the_mesh_does_not_see_keeps_its_reading_without_geometry(pipeline, data_dir):
    analysis, _ = pipeline.run(data_dir / "BWPictureHuman.jpg", Options(geometry="pose"))
    (face,) = analysis.faces
    assert face.expression and face.head_pose is None and "head_pose" not in analysis.to_dict()["faces"][0]


def test_geometry_is_absent_unless_asked_and_in_json_and_csv_when_asked(data_dir):
    plain = analyze_image(data_dir / "single_face.jpg")
    assert plain.faces[0].head_pose is None and "geometry" not in plain.timings_ms
    assert not {"head_pose", "eyes_open", "mouth_open", "mesh"} & set(plain.to_dict()["faces"][0])
    asked = analyze_image(data_dir / "single_face.jpg", geometry=True)
    face = asked.to_dict()["faces"][0]
    assert set(face["head_pose"]) == {"yaw", "pitch", "roll"} and "mesh" not in face
    (row,) = asked.to_records()
    assert all(isinstance(row[name], float) for name in GEOMETRY_FIELDS)
    assert len(analyze_image(data_dir / "single_face.jpg", landmarks=True).faces[0].mesh or []) == 468

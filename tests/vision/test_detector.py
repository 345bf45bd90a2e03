"""What a user dragging a region around a face gets: one face, and the label of the whole photo.

Regions are cut as the tray's overlay cuts them: a square of 1.0x to 2.0x the face's box, centred
on it, clipped to the photo. Labels pinned here are the ones we consider right for these photos,
so a change to imaging or the models cannot silently flip them.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from unifer_tray.imaging import load_rgb
from unifer_tray.pipeline import Pipeline
from unifer_tray.vision.detector import SCREEN_SETTINGS
from unifer_tray.vision.preprocessing import aligned_crop

REGION_SCALES = (1.0, 1.2, 1.5, 2.0)
# photo: its label; the posed anger and disgust photos are left out on purpose: every net reads
# the closed-mouth anger as sadness and the turned disgust face as neutral or sadness.
PINNED = {
    "single_face.jpg": "happiness",
    "0-f1-su-ph.jpg": "surprise",
    "0-f15-hao-ph.jpg": "happiness",
    "Image_with_alpha.png": "happiness",
}


@pytest.fixture(scope="module")
def screen_pipeline() -> Pipeline:
    return Pipeline(SCREEN_SETTINGS)


def region(rgb: np.ndarray, box: list[int], scale: float) -> np.ndarray:
    x, y, w, h = box
    side = max(w, h) * scale
    cx, cy = x + w / 2, y + h / 2
    x0, y0 = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    x1, y1 = min(rgb.shape[1], round(cx + side / 2)), min(rgb.shape[0], round(cy + side / 2))
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


@pytest.mark.parametrize(
    "name",
    [
        "single_face.jpg",
        "0-f1-su-ph.jpg",
        "0-f15-hao-ph.jpg",
        "15-f13-anc-ph.jpg",
        "45-m7-di-ph.jpg",
        "Image_with_alpha.png",
    ],
)
@pytest.mark.parametrize("scale", REGION_SCALES)
def test_a_region_dragged_around_one_face_gives_one_face(screen_pipeline, data_dir, name, scale):
    rgb = load_rgb(data_dir / name)
    (face,) = screen_pipeline.run(rgb)[0].faces
    faces = screen_pipeline.run(region(rgb, face.box, scale))[0].faces
    assert len(faces) == 1, [f.box for f in faces]


@pytest.mark.parametrize("name", ["single_face.jpg", "0-f1-su-ph.jpg", "0-f15-hao-ph.jpg", "15-f13-anc-ph.jpg"])
@pytest.mark.parametrize("scale", (0.6, 0.7))
def test_a_crop_tighter_than_the_face_is_still_a_face(pipeline, data_dir, name, scale):
    """Aligned crops of faces in films, or a region dragged inside a face: the face runs past every
    edge. Before the tight-face rule (detector.TIGHT) none of these 0.6x crops was found."""
    rgb = load_rgb(data_dir / name)
    (face,) = pipeline.run(rgb)[0].faces
    faces = pipeline.run(region(rgb, face.box, scale))[0].faces
    assert len(faces) == 1, [f.box for f in faces]


@pytest.mark.parametrize(
    ("name", "share", "shift"), [("single_face.jpg", 0.6, (-0.15, 0.15)), ("0-f1-su-ph.jpg", 0.6, (0.0, 0.15))]
)
def test_a_small_crop_cut_inside_the_face_off_centre_is_still_a_face(pipeline, data_dir, name, share, shift):
    """Like SFEW's badly aligned film crops (143x181): cut inside the face, off its centre, so the
    face runs past three or four edges. Every pass misses it; the margin pass (detector.MARGIN)
    finds it, and its box runs past the crop."""
    rgb = load_rgb(data_dir / name)
    (face,) = pipeline.run(rgb)[0].faces
    x, y, w, h = face.box
    cx, cy, side = x + w / 2 + shift[0] * w, y + h / 2 + shift[1] * h, w * share
    x0, y0 = int(cx - side / 2), int(cy - side * 1.27 / 2)
    crop = np.asarray(Image.fromarray(rgb[y0 : int(y0 + side * 1.27), x0 : int(x0 + side)]).resize((143, 181)))
    detector = pipeline.analyzer.detector
    assert detector._found(crop) == []  # what the detector gave before the margin pass
    (found,) = detector.detect(crop)
    ex, ey, ew, eh = found.extent
    assert ew > 143 and eh > 143 and ex < 0 < ex + ew and ey < 0 < ey + eh
    (read,) = pipeline.run(crop)[0].faces
    assert read.box == pytest.approx(found.box, abs=1)  # the result rounds to pixels


@pytest.mark.parametrize("scale", REGION_SCALES)
def test_each_face_of_the_group_photo_dragged_alone_is_one_face(screen_pipeline, data_dir, scale):
    rgb = load_rgb(data_dir / "multi_face.jpg")
    for face in screen_pipeline.run(rgb)[0].faces:
        cut = region(rgb, face.box, scale)
        # at 2.0x a neighbour may be in the region too; the face itself must be there once
        centre = np.array([cut.shape[1] / 2, cut.shape[0] / 2])
        near = [
            f
            for f in screen_pipeline.run(cut)[0].faces
            if np.linalg.norm(np.array(f.box[:2]) + np.array(f.box[2:]) / 2 - centre) < face.box[2] / 2
        ]
        assert len(near) == 1


@pytest.mark.parametrize(("name", "label"), PINNED.items())
def test_pinned_labels_hold_on_the_whole_photo_and_every_region(screen_pipeline, pipeline, data_dir, name, label):
    rgb = load_rgb(data_dir / name)
    (face,) = pipeline.run(rgb)[0].faces
    assert face.expression == label
    for scale in REGION_SCALES:
        assert [f.expression for f in screen_pipeline.run(region(rgb, face.box, scale))[0].faces] == [label]


def test_group_photo_reads_five_smiles(pipeline, data_dir):
    faces = pipeline.run(data_dir / "multi_face.jpg")[0].faces
    assert [f.expression for f in faces] == ["happiness"] * 5


def test_shouting_soldier_is_found_once(pipeline, data_dir):
    """A profile: BlazeFace's box sits on the cheek and ear and the open mouth falls outside any
    crop of it, so no net sees the shout (anger before the Pillow change, sadness after it, by a
    hair either way). We pin that the face is found once, not a label read from a cheek."""
    faces = pipeline.run(data_dir / "BWPictureHuman.jpg")[0].faces
    assert len(faces) == 1
    assert faces[0].confidence < 0.8  # reported as doubtful, not as a clear reading


def test_a_region_cut_inside_the_face_is_cropped_around_the_whole_face(screen_pipeline, data_dir):
    """A region 0.9x the face box cuts the face: the reported box stays inside the region, the
    crop is centred on the face at its size, black where the region ends (not shrunk onto the part
    that is left, which read this surprise face as anger)."""
    rgb = load_rgb(data_dir / "0-f1-su-ph.jpg")
    (face,) = screen_pipeline.run(rgb)[0].faces
    cut = region(rgb, face.box, 0.9)
    (detection,) = screen_pipeline.analyzer.detector.detect(cut)
    x, y, w, h = detection.box
    assert x >= 0 and y >= 0 and x + w <= cut.shape[1] and y + h <= cut.shape[0]
    ex, ey, ew, _ = detection.extent
    assert min(ex, ey) < -0.02 * ew and ew > w  # the face goes on beyond the region
    crop = aligned_crop(cut, detection, screen_pipeline.analyzer.ensemble.margin)
    assert (crop[:3] == 0).all() and crop[crop.shape[0] // 2].any()  # black above the cut, face within
    (read,) = screen_pipeline.run(cut)[0].faces
    assert read.expression == "surprise"

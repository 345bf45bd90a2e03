"""Annotated pictures: labels that never cover a face or each other."""

from __future__ import annotations

from PIL import Image


def test_labels_in_a_group_photo_never_cover_each_other_or_other_faces(group):
    from PIL import ImageDraw, ImageFont

    from unifer_tray.report.annotate import face_caption, place_labels

    analysis, rgb = group
    boxes = [(x, y, x + w, y + h) for x, y, w, h in (face.box for face in analysis.faces)]
    font = ImageFont.load_default(size=20)
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def size(text):
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        return right - left + 6, bottom - top + 6

    sizes = [[size(f"{i}: {face_caption(f)}"), size(str(i))] for i, f in enumerate(analysis.faces, start=1)]
    spots = place_labels(boxes, sizes, (rgb.shape[1], rgb.shape[0]))
    for i, spot in enumerate(spots):
        assert spot[0] >= 0 and spot[1] >= 0 and spot[2] <= rgb.shape[1] and spot[3] <= rgb.shape[0]
        for j, other in enumerate(spots):
            if i != j:
                assert not (spot[0] < other[2] and other[0] < spot[2] and spot[1] < other[3] and other[1] < spot[3])
        for j, box in enumerate(boxes):
            if i != j:
                assert not (spot[0] < box[2] and box[0] < spot[2] and spot[1] < box[3] and box[1] < spot[3])


def test_crowded_labels_fall_back_to_numbers():
    from unifer_tray.report.annotate import place_labels

    boxes = [(10, 40, 60, 90), (62, 40, 112, 90)]  # side by side, no room above for long labels
    sizes = [[(200, 20), (14, 20)], [(200, 20), (14, 20)]]
    spots = place_labels(boxes, sizes, (120, 100))
    assert [spot[2] - spot[0] for spot in spots] == [14, 14]


def test_the_mesh_and_the_heads_direction_are_drawn_only_when_the_analysis_has_them(pipeline, data_dir):
    import numpy as np

    from unifer_tray.outcome import annotated
    from unifer_tray.pipeline import Options
    from unifer_tray.report.annotate import MESH_COLOUR

    def mesh_pixels(geometry):
        analysis, rgb = pipeline.run(data_dir / "single_face.jpg", Options(geometry=geometry))
        pixels = np.asarray(annotated(rgb, analysis))
        return int((pixels == MESH_COLOUR).all(axis=2).sum())

    assert mesh_pixels(None) == 0 and mesh_pixels("pose") == 0 and mesh_pixels("mesh") > 1000

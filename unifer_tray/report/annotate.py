"""Draw boxes, eye keypoints and labels onto a copy of the analysed image, and the face mesh
with the head's direction where the analysis has them (`--landmarks`, the live view's mesh).

Labels are placed where they collide with no other label and no other face's box (above the
box, below it, inside its top edge, or shifted to fit the picture); where a full caption fits
nowhere, the face gets just its number, which the report and the CLI list in full.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..result import Analysis, Face

BOX_COLOUR = (255, 196, 0)
MESH_COLOUR = (0, 220, 255)
NOSE_TIP = 1  # mesh index the head's direction is drawn from
TEXT_COLOUR = (0, 0, 0)
Rect = tuple[int, int, int, int]  # left, top, right, bottom


def face_caption(face: Face) -> str:
    caption = f"{face.expression} {face.confidence:.0%}"
    return f"{caption} ({face.compound})" if face.compound else caption


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(boxes: list[Rect], sizes: list[list[tuple[int, int]]], image_size: tuple[int, int]) -> list[Rect]:
    """A label rectangle for each box, trying each of its label `sizes` (longest first) at each
    spot in turn; the first that stays in the picture and clear of every other box and label."""
    width, height = image_size
    placed: list[Rect] = []
    for index, (left, top, _, bottom) in enumerate(boxes):
        others = boxes[:index] + boxes[index + 1 :]
        chosen: Rect | None = None
        for label_w, label_h in sizes[index]:
            if label_w > width:
                continue
            x = max(0, min(left, width - label_w))
            for y in (top - label_h, bottom, top):  # above, below, inside the top edge
                if y < 0 or y + label_h > height:
                    continue
                spot = (x, y, x + label_w, y + label_h)
                if not any(_overlaps(spot, other) for other in others + placed):
                    chosen = spot
                    break
            if chosen:
                break
        if chosen is None:  # crowded beyond help: the number, above or inside, over whatever is there
            label_w, label_h = sizes[index][-1]
            x, y = max(0, min(left, width - label_w)), top - label_h if top >= label_h else top
            chosen = (x, y, x + label_w, y + label_h)
        placed.append(chosen)
    return placed


def annotate(rgb: np.ndarray, analysis: Analysis) -> Image.Image:
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image)
    scale = max(image.size) / 1000
    line = max(2, round(3 * scale))
    font = ImageFont.load_default(size=max(12, round(20 * scale)))
    boxes: list[Rect] = [(x, y, x + w, y + h) for x, y, w, h in (face.box for face in analysis.faces)]
    texts = [[f"{i}: {face_caption(face)}", str(i)] for i, face in enumerate(analysis.faces, start=1)]

    def size(text: str) -> tuple[int, int]:
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        return round(right - left) + 2 * line, round(bottom - top) + 2 * line

    spots = place_labels(boxes, [[size(t) for t in options] for options in texts], image.size)
    for face, box, spot, options in zip(analysis.faces, boxes, spots, texts, strict=True):
        draw.rectangle(box, outline=BOX_COLOUR, width=line)
        for px, py in face.landmarks[:2]:
            draw.ellipse([px - line, py - line, px + line, py + line], fill=BOX_COLOUR)
        if face.mesh:
            _draw_mesh(draw, face, box[2] - box[0], line)
        text = options[0] if spot[2] - spot[0] >= size(options[0])[0] else options[1]
        draw.rectangle(spot, fill=BOX_COLOUR)
        top_offset = draw.textbbox((0, 0), text, font=font)[1]
        draw.text((spot[0] + line, spot[1] + line - top_offset), text, fill=TEXT_COLOUR, font=font)
    return image


def _draw_mesh(draw: ImageDraw.ImageDraw, face: Face, side: int, line: int) -> None:
    """The mesh as dots, and a line from the nose tip the way the head points (half the box
    long when the head is turned 90 degrees)."""
    dot = max(1, line // 2)
    for x, y, _ in face.mesh or []:
        draw.ellipse([x - dot, y - dot, x + dot, y + dot], fill=MESH_COLOUR)
    if face.head_pose and face.mesh:
        x, y, _ = face.mesh[NOSE_TIP]
        yaw, pitch = np.radians(face.head_pose["yaw"]), np.radians(face.head_pose["pitch"])
        end = (x + np.sin(yaw) * side / 2, y - np.sin(pitch) * side / 2)
        draw.line([(x, y), end], fill=MESH_COLOUR, width=line)

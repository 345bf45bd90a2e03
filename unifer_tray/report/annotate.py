"""Draw boxes, eye keypoints and labels onto a copy of the analysed image."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..result import Analysis

BOX_COLOUR = (255, 196, 0)
TEXT_COLOUR = (0, 0, 0)


def face_caption(face) -> str:
    caption = f"{face.expression} {face.confidence:.0%}"
    return f"{caption} ({face.compound})" if face.compound else caption


def annotate(rgb: np.ndarray, analysis: Analysis) -> Image.Image:
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image)
    scale = max(image.size) / 1000
    line = max(2, round(3 * scale))
    font = ImageFont.load_default(size=max(12, round(20 * scale)))
    for index, face in enumerate(analysis.faces, start=1):
        x, y, w, h = face.box
        draw.rectangle([x, y, x + w, y + h], outline=BOX_COLOUR, width=line)
        for px, py in face.landmarks[:2]:
            draw.ellipse([px - line, py - line, px + line, py + line], fill=BOX_COLOUR)
        text = f"{index}: {face_caption(face)}"
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        label_y = y - (bottom - top) - 2 * line if y - (bottom - top) - 2 * line >= 0 else y + h
        draw.rectangle(
            [x, label_y, x + (right - left) + 2 * line, label_y + (bottom - top) + 2 * line], fill=BOX_COLOUR
        )
        draw.text((x + line, label_y + line - (top - y)), text, fill=TEXT_COLOUR, font=font)
    return image

"""Tray icons drawn at run time: the state shows in the colour, a dot marks history logging."""

from __future__ import annotations

from typing import Literal

from PIL import Image, ImageDraw

IconState = Literal["idle", "busy", "describing", "attention"]
COLOURS = {"idle": (255, 196, 0), "busy": (64, 156, 255), "describing": (150, 110, 230), "attention": (230, 60, 60)}


def icon_image(state: IconState = "idle", history: bool = False, size: int = 64) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = size // 16
    draw.ellipse([pad, pad, size - pad, size - pad], fill=COLOURS[state])
    eye = size // 10
    for cx in (size * 0.36, size * 0.64):  # a simple face: two eyes and a mouth
        draw.ellipse([cx - eye / 2, size * 0.34, cx + eye / 2, size * 0.34 + eye], fill=(40, 40, 40))
    draw.arc([size * 0.3, size * 0.42, size * 0.7, size * 0.72], 20, 160, fill=(40, 40, 40), width=max(2, size // 20))
    if history:
        draw.ellipse([size * 0.68, size * 0.68, size - 1, size - 1], fill=(40, 160, 80), outline="white")
    return image

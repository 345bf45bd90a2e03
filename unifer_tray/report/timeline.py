"""A timeline picture of a video: per track (person), the seven expression probabilities over
time, with valence and arousal below; drawn with Pillow, readable at a glance."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..private_files import save_image_private
from ..result import LABELS
from ..video.timeline import VideoSummary
from .colours import COLOURS

WIDTH, PANEL, AFFECT, MARGIN = 1000, 200, 80, 60


def draw_timeline(summary: VideoSummary, path: Path) -> None:
    tracks = list(summary.tracks.values())
    height = 40 + max(1, len(tracks)) * (PANEL + AFFECT + 40) + 30
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    draw.text((MARGIN, 10), f"{summary.source}: expressions over time", fill="black", font=font)
    if not tracks:
        draw.text((MARGIN, 50), "no face in the sampled frames", fill="black", font=font)
    span_start = min((t.first_s for t in tracks), default=0.0)
    span = max(max((t.last_s for t in tracks), default=1.0) - span_start, 1e-3)
    plot_width = WIDTH - MARGIN - 130

    def x_of(time_s: float) -> float:
        return MARGIN + (time_s - span_start) / span * plot_width

    top = 40
    for track in tracks:
        draw.text((MARGIN, top), f"track {track.track}", fill="black", font=font)
        panel_top = top + 20
        draw.rectangle([MARGIN, panel_top, MARGIN + plot_width, panel_top + PANEL], outline="#bbbbbb")
        for index, label in enumerate(LABELS):
            points = [(x_of(t), panel_top + PANEL * (1 - p[label])) for t, p, _, _ in track.series]
            if len(points) > 1:
                draw.line(points, fill=COLOURS[label], width=2)
            elif points:
                x, y = points[0]
                draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=COLOURS[label])
            draw.text((MARGIN + plot_width + 10, panel_top + 4 + index * 18), label, fill=COLOURS[label], font=font)
        affect_top = panel_top + PANEL + 10
        draw.rectangle([MARGIN, affect_top, MARGIN + plot_width, affect_top + AFFECT], outline="#bbbbbb")
        middle = affect_top + AFFECT / 2
        draw.line([(MARGIN, middle), (MARGIN + plot_width, middle)], fill="#dddddd")
        for row_index, (name, colour) in enumerate((("valence", "#222222"), ("arousal", "#888888"))):
            values = [(t, valence if row_index == 0 else arousal) for t, _, valence, arousal in track.series]
            points = [(x_of(t), middle - value * AFFECT / 2) for t, value in values]
            if len(points) > 1:
                draw.line(points, fill=colour, width=2)
            draw.text((MARGIN + plot_width + 10, affect_top + row_index * 18), name, fill=colour, font=font)
        top = affect_top + AFFECT + 30
    draw.text((MARGIN, height - 22), f"{span_start:.1f} s", fill="black", font=font)
    draw.text((MARGIN + plot_width - 40, height - 22), f"{span_start + span:.1f} s", fill="black", font=font)
    save_image_private(image, path)

"""A timeline picture of a video: per track (person), the seven expression probabilities over
time, with valence and arousal below, and with --geometry the head pose and the eyes' and mouth's
openness (blinks marked); drawn with Pillow, readable at a glance."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..private_files import save_image_private
from ..result import LABELS
from ..video.timeline import TrackSummary, VideoSummary
from .colours import COLOURS

WIDTH, PANEL, AFFECT, MARGIN = 1000, 200, 80, 60
POSE, OPENNESS, POSE_RANGE = 100, 80, 60.0  # geometry panels; the pose panel spans +-60 degrees
POSE_COLOURS = {"yaw": "#1f77b4", "pitch": "#2ca02c", "roll": "#d62728"}
OPENNESS_COLOURS = {"eyes": "#9467bd", "mouth": "#e377c2"}


def draw_timeline(summary: VideoSummary, path: Path) -> None:
    save_image_private(timeline_picture(summary), path)


def timeline_picture(summary: VideoSummary) -> Image.Image:
    """One panel per person: the expressions over time, valence and arousal (and, with face
    geometry, head pose and openness)."""
    tracks = list(summary.tracks.values())
    height = 40 + sum(_track_height(track) for track in tracks) + (0 if tracks else PANEL + AFFECT + 40) + 30
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

    top: float = 40
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
        if track.geometry:
            top = _geometry_panels(draw, font, track, top - 20, x_of, plot_width) + 30
    draw.text((MARGIN, height - 22), f"{span_start:.1f} s", fill="black", font=font)
    draw.text((MARGIN + plot_width - 40, height - 22), f"{span_start + span:.1f} s", fill="black", font=font)
    return image


def _track_height(track: TrackSummary) -> int:
    return PANEL + AFFECT + 60 + (POSE + OPENNESS + 20 if track.geometry else 0)


def _geometry_panels(
    draw: ImageDraw.ImageDraw, font, track: TrackSummary, top: float, x_of, plot_width: float
) -> float:
    """Head pose (degrees, 0 in the middle) and openness (0 at the bottom, blinks as ticks);
    returns the bottom of the last panel."""
    pose_top = top + 10
    draw.rectangle([MARGIN, pose_top, MARGIN + plot_width, pose_top + POSE], outline="#bbbbbb")
    middle = pose_top + POSE / 2
    draw.line([(MARGIN, middle), (MARGIN + plot_width, middle)], fill="#dddddd")
    draw.text((MARGIN - 50, pose_top - 6), f"+{POSE_RANGE:.0f}°", fill="#888888", font=font)
    draw.text((MARGIN - 50, pose_top + POSE - 8), f"-{POSE_RANGE:.0f}°", fill="#888888", font=font)
    for row, (axis, colour) in enumerate(POSE_COLOURS.items()):
        points = [
            (x_of(t), middle - max(-1.0, min(1.0, pose[axis] / POSE_RANGE)) * POSE / 2)
            for t, pose, _, _ in track.geometry
        ]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        draw.text((MARGIN + plot_width + 10, pose_top + row * 18), f"head {axis}", fill=colour, font=font)
    open_top = pose_top + POSE + 10
    draw.rectangle([MARGIN, open_top, MARGIN + plot_width, open_top + OPENNESS], outline="#bbbbbb")
    for row, (name, colour) in enumerate(OPENNESS_COLOURS.items()):
        points = [
            (x_of(t), open_top + OPENNESS * (1 - (eyes if row == 0 else mouth))) for t, _, eyes, mouth in track.geometry
        ]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        draw.text((MARGIN + plot_width + 10, open_top + row * 18), f"{name} open", fill=colour, font=font)
    blinks = track.blinks()
    for blink in blinks or []:
        draw.line([(x_of(blink), open_top + OPENNESS - 12), (x_of(blink), open_top + OPENNESS)], fill="black", width=2)
    if blinks is not None:
        draw.text((MARGIN + plot_width + 10, open_top + 40), "| blink", fill="black", font=font)
    return open_top + OPENNESS

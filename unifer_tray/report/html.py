"""The HTML report of one analysis: the capture with boxes, probability bars, description, models.

Self-contained (the image is inlined), so it can be served from memory and saved as one file.
"""

from __future__ import annotations

import base64
import io
from html import escape

import numpy as np
from PIL import Image

from ..result import LABELS, Analysis, Face, fallback_summary
from .annotate import annotate
from .text import disagreement, profile_note

DISCLAIMER = (
    "Automatic expression reading is an estimate of visible facial configurations, not of what "
    "anyone feels. It is not a lie detector or a diagnosis, it is less accurate on some faces, "
    "lighting and cultures than others, and it must not be used to judge people (the EU AI Act "
    "bans emotion recognition in workplaces and schools). Everything here was computed on this "
    "computer."
)


def _jpeg_data_uri(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def _image_data_uri(rgb: np.ndarray, analysis: Analysis) -> str:
    image = annotate(rgb, analysis)
    image.thumbnail((1600, 1600))
    return _jpeg_data_uri(image)


def _face_data_uri(rgb: np.ndarray, face: Face) -> str:
    """The face itself, with a little margin, at most 160 px: shown beside its bars."""
    x, y, w, h = face.box
    margin = max(w, h) // 6
    crop = Image.fromarray(rgb[max(0, y - margin) : y + h + margin, max(0, x - margin) : x + w + margin])
    crop.thumbnail((160, 160))
    return _jpeg_data_uri(crop)


def _summary_table(analysis: Analysis) -> str:
    """For group photos: every face on one line before the cards."""
    rows = "".join(
        f"<tr><td>{number}</td><td>{escape(face.expression)}</td><td>{face.confidence:.0%}</td>"
        f"<td>{escape(face.intensity)}</td><td>{escape(face.compound or '')}</td></tr>"
        for number, face in enumerate(analysis.faces, start=1)
    )
    return (
        "<table class='faces'><caption>Faces, largest first</caption><tr><th scope='col'>face</th>"
        "<th scope='col'>expression</th><th scope='col'>confidence</th><th scope='col'>intensity</th>"
        f"<th scope='col'>compound</th></tr>{rows}</table>"
    )


def _correction_form(face: Face) -> str:
    """ "Not right?": the face's true label, posted back to the report's own URL (report/server.py)."""
    buttons = "".join(
        f"<button name='label' value='{label}'>{label}</button>" for label in LABELS if label != face.expression
    )
    return (
        "<form method='post' class='correct'><p><strong>Not right?</strong> Pick what this face showed, and "
        "UniFER adds it to your expression profile (stored encrypted on this computer; the photo is not kept):"
        f"</p>{buttons}</form>"
    )


def render(analysis: Analysis, rgb: np.ndarray, models: list[str], created: str, *, correctable: bool = False) -> str:
    """`correctable`: the largest face gets a "Not right?" form (webcam results: the user's face)."""
    description = analysis.description
    summary = description.summary if description else fallback_summary(analysis)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width'><title>UniFER report</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}"
        "img{max-width:100%;border-radius:6px}.face{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;"
        "margin:.8em 0;overflow:hidden}.crop{float:right;margin-left:1em;max-width:160px}"
        "table.faces{border-collapse:collapse;margin:1em 0}.faces td,.faces th{border-bottom:1px solid #ddd;"
        "padding:.2em .8em;text-align:left}.bar{display:flex;align-items:center;gap:.5em}.bar span{width:6em}"
        ".bar div{height:.8em;"
        "background:#ffc400;border-radius:3px}.small{color:#666;font-size:.85em}"
        ".correct button{margin:.2em .3em .2em 0;font:inherit}</style></head><body>",
        f"<h1>UniFER report</h1><p class='small'>{escape(created)} · {escape(analysis.source)} · "
        f"{analysis.width}x{analysis.height}</p>",
        f"<p><strong>{escape(summary)}</strong></p>",
    ]
    if description and description.context:
        parts.append(f"<p>{escape(description.context)}</p>")
    if description and description.status == "fallback":
        parts.append(f"<p class='small'>No description by a language model: {escape(description.reason or '')}</p>")
    parts.append(f"<img alt='the analysed image with numbered face boxes' src='{_image_data_uri(rgb, analysis)}'>")
    if len(analysis.faces) > 1:
        parts.append(_summary_table(analysis))
    for number, face in enumerate(analysis.faces, start=1):
        parts.append(
            f"<div class='face'><img class='crop' alt='face {number}' src='{_face_data_uri(rgb, face)}'>"
            f"<h3>Face {number}: {escape(face.expression)} {face.confidence:.0%}</h3>"
        )
        details = [f"intensity {face.intensity}", f"valence {face.valence:+.2f}", f"arousal {face.arousal:+.2f}"]
        if face.compound:
            details.insert(0, face.compound)
        parts.append(f"<p class='small'>{escape(' · '.join(details))}</p>")
        for note in (disagreement(face), profile_note(face)):
            if note:
                parts.append(f"<p>{escape(note)}</p>")
        if face.cues:
            parts.append(f"<p>Visible cues: {escape(', '.join(face.cues))}</p>")
        for label in LABELS:
            p = face.probabilities[label]
            parts.append(
                f"<div class='bar'><span>{label}</span><div style='width:{p * 20:.2f}em'></div>"
                f"<small>{p:.0%}</small></div>"
            )
        if correctable and number == 1:
            parts.append(_correction_form(face))
        parts.append("</div>")
    if analysis.profile:
        parts.append(
            f"<p class='small'>Read with your expression profile '{escape(analysis.profile)}'; the general "
            "model's reading is shown where it differs.</p>"
        )
    model_line = ", ".join(models + ([description.model] if description and description.model else []))
    parts += [
        f"<p class='small'>Models: {escape(model_line)}.</p>",
        f"<p class='small'>{escape(DISCLAIMER)}</p></body></html>",
    ]
    return "".join(parts)

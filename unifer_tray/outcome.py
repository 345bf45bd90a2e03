"""The outcome step: everything a person reads, rendered from Analysis results.

Every shell (the tray, the CLI, the live view, the teach window) calls the pipeline, then
these functions, and only shows or stores what they return: the notification text, the CLI's
text lines, the annotated picture, the report page, the history entry with its optional face
thumbnails, a video's summary and timeline, the history dashboard. Nothing else imports the
renderers in `report/` (tests/test_imports.py), so every surface words a result the same way.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .imaging import encode_jpeg, resize_to
from .private_files import save_image_private
from .report.annotate import annotate
from .report.html import render
from .report.text import analysis_lines, notification_body, notification_title
from .result import Analysis, Outcome

if TYPE_CHECKING:
    from PIL import Image

    from .history import Record
    from .video.timeline import VideoSummary

__all__ = [
    "Outcome",
    "annotated",
    "dashboard",
    "face_thumbnails",
    "finish",
    "save_annotated",
    "save_timeline",
    "text_lines",
    "timeline_picture",
    "video_text",
]

THUMBNAIL_SIDE = 96
MAX_THUMBNAILS = 8


def finish(
    analysis: Analysis,
    rgb: np.ndarray | None,
    models: list[str],
    *,
    thumbnails: bool = False,
    correctable: bool = False,
    created: datetime | None = None,
) -> Outcome:
    """Everything a shell needs from one analysis; `thumbnails`: the user allowed face crops;
    `correctable`: the report offers "Not right?" for the largest face (the user's own)."""
    created = created or datetime.now()
    stamp = created.strftime("%Y-%m-%d %H:%M:%S")
    report = render(analysis, rgb, models, stamp, correctable=correctable) if rgb is not None else None
    return Outcome(
        analysis=analysis,
        title=notification_title(analysis),
        body=notification_body(analysis),
        report_html=report,
        report_name=f"unifer-report-{created:%Y-%m-%d-%H%M%S}.html",
        thumbnails=face_thumbnails(analysis, rgb) if thumbnails and rgb is not None else None,
    )


def face_thumbnails(analysis: Analysis, rgb: np.ndarray) -> list[str]:
    """Small JPEG crops of the largest faces, base64 so they fit in a JSON history record."""
    crops = []
    for face in analysis.faces[:MAX_THUMBNAILS]:
        x, y, w, h = face.box
        crop = resize_to(rgb[y : y + h, x : x + w], (THUMBNAIL_SIDE, THUMBNAIL_SIDE), area=True)
        crops.append(base64.b64encode(encode_jpeg(crop)).decode())
    return crops


def text_lines(analysis: Analysis) -> str:
    """The CLI's text for one analysis (empty for a failed input: errors go to stderr)."""
    return analysis_lines(analysis)


def annotated(rgb: np.ndarray, analysis: Analysis) -> Image.Image:
    """The picture with numbered boxes and labels (the CLI's copies, the live view, teaching)."""
    return annotate(rgb, analysis)


def save_annotated(rgb: np.ndarray, analysis: Analysis, path: Path) -> None:
    save_image_private(annotate(rgb, analysis), path)


def video_text(summary: VideoSummary) -> str:
    """A video's summary, track by track."""
    return summary.text()


def save_timeline(summary: VideoSummary, path: Path) -> None:
    """A video's (or the live view's) expressions over time as a PNG, readable by the user alone."""
    from .report.timeline import draw_timeline

    draw_timeline(summary, path)


def timeline_picture(summary: VideoSummary) -> Image.Image:
    """The same timeline as a picture in memory (the photo window shows it, nothing is saved)."""
    from .report.timeline import timeline_picture as picture

    return picture(summary)


def dashboard(records: list[Record]) -> str:
    """The history dashboard page."""
    from .report.dashboard import render_dashboard

    return render_dashboard(records)

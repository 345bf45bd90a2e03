"""The outcome step: what the shells show or keep, rendered from one Analysis.

The tray and the CLI call the pipeline, then these functions, and only show or store what they
return: the notification text, the report page, the history entry with its optional face
thumbnails. Keeping this out of the shells means a new front end (the live view, a profile
flow) renders a result exactly as the others do.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .imaging import encode_jpeg, resize_to
from .report.html import render
from .report.text import notification_body, notification_title
from .result import Analysis

THUMBNAIL_SIDE = 96
MAX_THUMBNAILS = 8


@dataclass
class Outcome:
    analysis: Analysis
    title: str  # the notification's
    body: str
    report_html: str | None  # None when there were no pixels to show (the input failed)
    report_name: str  # a file name to suggest when the user saves the report
    thumbnails: list[str] | None  # base64 JPEG face crops for history, only when allowed


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

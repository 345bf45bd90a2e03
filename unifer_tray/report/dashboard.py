"""The history dashboard: expressions over time, per label and per source, and the records.

Charts are inline SVG: the page makes no web requests at all.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from ..result import LABELS
from .colours import COLOURS

if TYPE_CHECKING:
    from ..history import Record


def _bars(counts: Counter, keys: list[str]) -> str:
    top = max(counts.values(), default=0) or 1
    rows = []
    for index, key in enumerate(keys):
        width = 300 * counts.get(key, 0) / top
        colour = COLOURS.get(key, "#607d8b")
        rows.append(
            f"<text x='0' y='{index * 24 + 15}'>{escape(key)}</text>"
            f"<rect x='110' y='{index * 24 + 3}' width='{width:.1f}' height='16' fill='{colour}'/>"
            f"<text x='{115 + width:.1f}' y='{index * 24 + 15}'>{counts.get(key, 0)}</text>"
        )
    return f"<svg width='480' height='{len(keys) * 24 + 4}' font-size='13'>{''.join(rows)}</svg>"


def _timeline(points: list[tuple[float, str]]) -> str:
    if not points:
        return "<p>No records yet.</p>"
    start, end = points[0][0], max(points[-1][0], points[0][0] + 1)
    dots = []
    for when, label in points:
        x = 10 + 700 * (when - start) / (end - start)
        y = 15 + 24 * LABELS.index(label)
        dots.append(
            f"<circle cx='{x:.1f}' cy='{y}' r='5' fill='{COLOURS[label]}'><title>{escape(label)} "
            f"{datetime.fromtimestamp(when):%Y-%m-%d %H:%M}</title></circle>"
        )
    axis = "".join(f"<text x='720' y='{19 + 24 * i}'>{label}</text>" for i, label in enumerate(LABELS))
    span = f"{datetime.fromtimestamp(start):%Y-%m-%d %H:%M} → {datetime.fromtimestamp(end):%Y-%m-%d %H:%M}"
    return f"<svg width='820' height='{24 * len(LABELS) + 10}' font-size='12'>{''.join(dots)}{axis}</svg><p>{span}</p>"


def render_dashboard(records: list[Record]) -> str:
    faces = [(r.created, r.source_type, face) for r in records for face in r.analysis.faces]
    by_label = Counter(face.expression for _, _, face in faces)
    by_source = Counter(r.source_type for r in records)
    rows = "".join(
        f"<tr><td>{r.id}</td><td>{datetime.fromtimestamp(r.created):%Y-%m-%d %H:%M:%S}</td>"
        f"<td>{escape(r.source_type)}</td><td>{len(r.analysis.faces)}</td>"
        f"<td>{escape(', '.join(f.expression for f in r.analysis.faces) or 'no face')}</td>"
        f"<td>{escape(r.analysis.description.summary if r.analysis.description else '')}</td></tr>"
        for r in reversed(records)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>UniFER history</title>"
        "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:64em;padding:0 1em}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em;text-align:left}"
        "</style></head><body><h1>UniFER history</h1>"
        f"<p>{len(records)} records, {len(faces)} faces. Everything here was decrypted on this computer.</p>"
        f"<h2>Expressions over time</h2>{_timeline([(t, face.expression) for t, _, face in faces])}"
        f"<h2>Per expression</h2>{_bars(by_label, list(LABELS))}"
        f"<h2>Per source</h2>{_bars(by_source, ['screen', 'screen region', 'webcam', 'file'])}"
        "<h2>Records</h2><table><tr><th>id</th><th>time</th><th>source</th><th>faces</th><th>expressions</th>"
        f"<th>summary</th></tr>{rows}</table></body></html>"
    )

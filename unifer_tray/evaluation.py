"""Accuracy on a labelled folder: DIR/<label>/*.jpg -> accuracy, macro-F1, recall, confusion matrix.

In an image with several faces the largest face is the one scored; an image with none counts as
wrong ("no face") and is listed. A ``labels.csv`` beside the label folders (a ``path`` column,
relative to DIR, and any others, e.g. subject or film) lets the figures be split by one of its
columns (``unifer eval --by subject``): a model can be right on average and wrong for one person.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .imaging import is_image_path
from .private_files import save_image_private
from .result import LABELS, Analysis, canonical_label


class DatasetError(ValueError):
    """The folder is not laid out as one sub-folder per label."""


def find_dataset(root: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """The labelled images, and the sub-folders skipped because their name is not a label."""
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    items, unknown = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        label = canonical_label(folder.name)
        if label is None:
            unknown.append(folder.name)
            continue
        items += [(p, label) for p in sorted(folder.rglob("*")) if p.is_file() and is_image_path(p)]
    if not items:
        names = ", ".join(LABELS)
        hint = f" (ignored folders: {', '.join(unknown)})" if unknown else ""
        raise DatasetError(f"no labelled images in {root}: expected sub-folders named {names}{hint}")
    return items, unknown


def read_groups(root: Path, column: str) -> dict[Path, str]:
    """Each image's value in `column` of root/labels.csv."""
    table = root / "labels.csv"
    try:
        with table.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise DatasetError(f"--by needs {table} (a path column and a {column} column): {exc.strerror}") from None
    if not rows or "path" not in rows[0] or column not in rows[0]:
        found = ", ".join(rows[0]) if rows else "nothing"
        raise DatasetError(f"{table} has no 'path' and '{column}' columns (it has: {found})")
    return {(root / row["path"]).resolve(): row[column] for row in rows}


NO_FACE = "no face"
COLUMNS = (*LABELS, NO_FACE)


@dataclass
class Evaluation:
    """Rows: true label; columns: predicted label, plus a last column for "no face found"."""

    confusion: np.ndarray = field(default_factory=lambda: np.zeros((len(LABELS), len(COLUMNS)), int))
    no_face: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # path, truth, predicted (or "no face")
    by: dict[str, list[int]] = field(default_factory=dict)  # group -> [right, scored]

    def add(self, truth: str, analysis: Analysis, group: str | None = None) -> None:
        if analysis.error:
            self.failed.append((analysis.source, analysis.error))
            return
        if analysis.faces:  # the largest face is the labelled one
            predicted = LABELS.index(analysis.faces[0].expression)
        else:
            predicted = COLUMNS.index(NO_FACE)
            self.no_face.append(analysis.source)
        if COLUMNS[predicted] != truth:
            self.errors.append((analysis.source, truth, COLUMNS[predicted]))
        self.confusion[LABELS.index(truth), predicted] += 1
        if group is not None:
            tally = self.by.setdefault(group, [0, 0])
            tally[0] += int(COLUMNS[predicted] == truth)
            tally[1] += 1

    @property
    def scored(self) -> int:
        return int(self.confusion.sum())

    @property
    def present(self) -> list[int]:
        """Indices of the labels that occur in the ground truth."""
        return [i for i, n in enumerate(self.confusion.sum(axis=1)) if n > 0]

    @property
    def accuracy(self) -> float:
        """No face found counts as wrong."""
        return float(np.trace(self.confusion[:, : len(LABELS)])) / self.scored if self.scored else 0.0

    @property
    def accuracy_on_detected(self) -> float:
        detected = self.scored - len(self.no_face)
        return float(np.trace(self.confusion[:, : len(LABELS)])) / detected if detected else 0.0

    def recall(self) -> dict[str, float]:
        rows = self.confusion.sum(axis=1)
        return {LABELS[i]: self.confusion[i, i] / rows[i] for i in self.present}

    @property
    def macro_f1(self) -> float:
        predicted = self.confusion.sum(axis=0)
        truth = self.confusion.sum(axis=1)
        scores = []
        for i in self.present:
            hit = self.confusion[i, i]
            precision = hit / predicted[i] if predicted[i] else 0.0
            recall = hit / truth[i]
            scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        return float(np.mean(scores)) if scores else 0.0

    def to_dict(self) -> dict:
        """Every figure, for `unifer eval --format json`."""
        return {
            "images": self.scored + len(self.failed),
            "scored": self.scored,
            "accuracy": self.accuracy,
            "accuracy_on_detected": self.accuracy_on_detected,
            "macro_f1": self.macro_f1,
            "recall": self.recall(),
            "by": {group: {"images": n, "accuracy": right / n} for group, (right, n) in sorted(self.by.items())},
            "confusion": {
                "rows": [LABELS[i] for i in self.present],
                "columns": list(COLUMNS),
                "counts": [self.confusion[i].tolist() for i in self.present],
            },
            "no_face": self.no_face,
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "errors": [
                {"path": path, "truth": truth, "predicted": predicted} for path, truth, predicted in self.errors
            ],
        }

    def to_text(self, errors: bool = False) -> str:
        lines = [
            f"images: {self.scored + len(self.failed)} ({len(self.no_face)} without a face, "
            f"{len(self.failed)} failed to load)",
            f"accuracy: {self.accuracy:.1%} (no face counts as wrong); {self.accuracy_on_detected:.1%} "
            "on images with a face",
            f"macro-F1: {self.macro_f1:.3f}",
            "recall per class: " + ", ".join(f"{k} {v:.1%}" for k, v in self.recall().items()),
        ]
        if self.by:
            rates = [right / n for right, n in self.by.values()]
            lines.append(
                f"accuracy per group ({len(self.by)} groups; lowest {min(rates):.1%}, highest {max(rates):.1%}): "
                + ", ".join(f"{group} {right / n:.1%} ({n})" for group, (right, n) in sorted(self.by.items()))
            )
        lines += [
            "",
            "confusion matrix (rows: truth, columns: predicted)",
        ]
        lines.append(" " * 11 + "".join(f"{label:>11}" for label in COLUMNS))
        for i in self.present:
            lines.append(f"{LABELS[i]:<11}" + "".join(f"{n:>11}" for n in self.confusion[i]))
        if errors:
            lines += [f"wrong: {path}: {truth} read as {predicted}" for path, truth, predicted in self.errors]
        else:
            lines += [f"no face: {path}" for path in self.no_face]
        lines += [f"failed: {path}: {error}" for path, error in self.failed]
        return "\n".join(lines)


def evaluate(scored: Iterable[tuple[str, Analysis, str | None]]) -> Evaluation:
    """The figures of (true label, analysis, group or None) triples."""
    result = Evaluation()
    for truth, analysis, group in scored:
        result.add(truth, analysis, group)
    return result


def plot_confusion(result: Evaluation, path: Path) -> None:
    """Row-normalised confusion matrix as a PNG heat map."""
    cell, margin = 90, 130
    rows = result.present
    size = (margin + cell * len(COLUMNS) + 20, margin + cell * len(rows) + 60)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    title = f"accuracy {result.accuracy:.1%} · macro-F1 {result.macro_f1:.3f}"
    draw.text((margin, 15), title, fill="black", font=font)
    for col, label in enumerate(COLUMNS):
        draw.text((margin + col * cell + 6, margin - 30), label[:9], fill="black", font=font)
    for row_index, i in enumerate(rows):
        total = result.confusion[i].sum()
        y = margin + row_index * cell
        draw.text((10, y + cell // 2 - 8), LABELS[i][:11], fill="black", font=font)
        for col in range(len(COLUMNS)):
            share = result.confusion[i, col] / total if total else 0.0
            shade = round(255 * (1 - share))
            box = [margin + col * cell, y, margin + (col + 1) * cell - 2, y + cell - 2]
            draw.rectangle(box, fill=(shade, shade, 255))
            ink = "white" if share > 0.5 else "black"
            draw.text((box[0] + 20, y + cell // 2 - 8), f"{share:.0%}", fill=ink, font=font)
    draw.text((margin, size[1] - 35), "rows: truth  ·  columns: predicted", fill="black", font=font)
    save_image_private(image, path)

"""Output formats for ``unifer analyze``; each writes one Analysis at a time so output streams."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from ..report.text import disagreement, profile_note
from ..result import PROFILE_FIELDS, RECORD_FIELDS, Analysis


class TextWriter:
    def __init__(self, stream: TextIO, profile: bool = False):
        self.stream = stream
        self.profile = profile  # read with an expression profile: the CSV has its columns

    def write(self, analysis: Analysis) -> None:
        if analysis.error:  # said on stderr, like every format's per-file errors
            return
        count = len(analysis.faces)
        noun = "face" if count == 1 else "faces"
        ms = analysis.timings_ms.get("total", 0)
        where = analysis.source if analysis.frame is None else f"{analysis.source} @ {analysis.time_s:.2f} s"
        self.stream.write(f"{where}: {count} {noun} ({analysis.width}x{analysis.height}, {ms:.0f} ms)\n")
        for index, face in enumerate(analysis.faces, start=1):
            compound = f", {face.compound}" if face.compound else ""
            runner_up, p = sorted(face.probabilities.items(), key=lambda kv: kv[1])[-2]
            runner_up = f"; next {runner_up} {p:.0%}" if p >= 0.05 else ""
            who = f"#{index}" if face.track is None else f"#{index} (track {face.track})"
            self.stream.write(
                f"  {who} {face.expression} {face.confidence:.0%} ({face.intensity} intensity{compound})"
                f"{runner_up}; valence {face.valence:+.2f}, arousal {face.arousal:+.2f}; box {face.box}\n"
            )
            for note in (disagreement(face), profile_note(face)):
                if note:
                    self.stream.write(f"     {note}\n")
            if face.cues:
                self.stream.write(f"     cues: {', '.join(face.cues)}\n")
        description = analysis.description
        if description and description.status == "ok":
            context = f" Context: {description.context}" if description.context else ""
            self.stream.write(f"  {description.model}: {description.summary}{context}\n")
        elif description:
            self.stream.write(f"  {description.summary} (no description: {description.reason})\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class JsonLinesWriter(TextWriter):
    def write(self, analysis: Analysis) -> None:
        self.stream.write(analysis.to_json() + "\n")
        self.stream.flush()


class JsonWriter(TextWriter):
    """One JSON array; written at the end, since an array cannot be closed before then."""

    def __init__(self, stream: TextIO, profile: bool = False):
        super().__init__(stream, profile)
        self.items: list[dict] = []

    def write(self, analysis: Analysis) -> None:
        self.items.append(analysis.to_dict())

    def close(self) -> None:
        json.dump(self.items, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
        self.stream.flush()


class CsvWriter(TextWriter):
    """One row per face; an image without faces (or that failed) gets one row with empty face fields."""

    def __init__(self, stream: TextIO, profile: bool = False):
        super().__init__(stream, profile)
        self.writer = csv.DictWriter(stream, fieldnames=RECORD_FIELDS + (PROFILE_FIELDS if profile else ()))
        self.writer.writeheader()

    def write(self, analysis: Analysis) -> None:
        for record in analysis.to_records():
            self.writer.writerow({name: "" if value is None else value for name, value in record.items()})
        self.stream.flush()


WRITERS = {"text": TextWriter, "json": JsonWriter, "jsonl": JsonLinesWriter, "csv": CsvWriter}

"""How `unifer analyze` writes results: one Analysis at a time, so output streams. The text
format writes what the outcome step renders; JSON, JSON Lines and CSV serialise the result."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Protocol, TextIO

from ..outcome import text_lines
from ..result import RECORD_FIELDS, Analysis


class Writer(Protocol):
    def write(self, analysis: Analysis) -> None: ...

    def close(self) -> None: ...


class TextWriter:
    def __init__(self, stream: TextIO, columns: tuple[str, ...] = RECORD_FIELDS):
        self.stream = stream

    def write(self, analysis: Analysis) -> None:
        self.stream.write(text_lines(analysis))
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class JsonLinesWriter:
    def __init__(self, stream: TextIO, columns: tuple[str, ...] = RECORD_FIELDS):
        self.stream = stream

    def write(self, analysis: Analysis) -> None:
        self.stream.write(analysis.to_json() + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class JsonWriter:
    """One JSON array; written at the end, since an array cannot be closed before then."""

    def __init__(self, stream: TextIO, columns: tuple[str, ...] = RECORD_FIELDS):
        self.stream = stream
        self.items: list[dict] = []

    def write(self, analysis: Analysis) -> None:
        self.items.append(analysis.to_dict())

    def close(self) -> None:
        json.dump(self.items, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
        self.stream.flush()


class CsvWriter:
    """One row per face; an image without faces (or that failed) gets one row with empty face
    fields. `columns`: result.record_fields() for the options the run was read with."""

    def __init__(self, stream: TextIO, columns: tuple[str, ...] = RECORD_FIELDS):
        self.stream = stream
        self.writer = csv.DictWriter(stream, fieldnames=columns)
        self.writer.writeheader()

    def write(self, analysis: Analysis) -> None:
        for record in analysis.to_records():
            self.writer.writerow({name: "" if value is None else value for name, value in record.items()})
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


WRITERS: dict[str, Callable[[TextIO, tuple[str, ...]], Writer]] = {
    "text": TextWriter,
    "json": JsonWriter,
    "jsonl": JsonLinesWriter,
    "csv": CsvWriter,
}

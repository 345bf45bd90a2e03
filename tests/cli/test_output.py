"""The CLI's writers: text from the outcome step; JSON, JSON Lines and CSV serialise the result."""

from __future__ import annotations

import csv
import io
import json

import pytest

from unifer_tray.cli.output import WRITERS
from unifer_tray.outcome import text_lines
from unifer_tray.result import GEOMETRY_FIELDS, PROFILE_FIELDS, RECORD_FIELDS, Analysis, record_fields


@pytest.fixture(scope="module")
def results(pipeline, data_dir):
    good, _ = pipeline.run(data_dir / "multi_face.jpg")
    return [good, Analysis.from_error("broken.jpg", "not an image")]


def written(name: str, results: list[Analysis], columns: tuple[str, ...] = RECORD_FIELDS) -> str:
    stream = io.StringIO()
    writer = WRITERS[name](stream, columns)
    for analysis in results:
        writer.write(analysis)
    writer.close()
    return stream.getvalue()


def test_text_is_what_the_outcome_step_renders(results):
    assert written("text", results) == text_lines(results[0])


def test_json_is_one_array_and_jsonl_one_line_each(results):
    assert [d["source"] for d in json.loads(written("json", results))] == [a.source for a in results]
    lines = written("jsonl", results).splitlines()
    assert [json.loads(line)["error"] for line in lines] == [None, "not an image"]


def test_csv_has_a_row_per_face_and_profile_or_geometry_columns_only_when_asked(results):
    rows = list(csv.DictReader(io.StringIO(written("csv", results))))
    assert len(rows) == 5 + 1 and list(rows[0]) == list(RECORD_FIELDS)
    with_profile = next(csv.reader(io.StringIO(written("csv", results, record_fields(profile=True)))))
    assert with_profile == [*RECORD_FIELDS, *PROFILE_FIELDS]
    with_geometry = next(csv.reader(io.StringIO(written("csv", results, record_fields(geometry=True)))))
    assert with_geometry == [*RECORD_FIELDS, *GEOMETRY_FIELDS]

"""The result dataclasses: the JSON contract, round trips, failures as data."""

from __future__ import annotations

import json

from unifer_tray.result import PROFILE_FIELDS, RECORD_FIELDS, Analysis


def test_an_analysis_survives_json_and_back(pipeline, data_dir):
    analysis, _ = pipeline.run(data_dir / "multi_face.jpg")
    again = Analysis.from_dict(json.loads(analysis.to_json()))
    assert again.to_dict() == analysis.to_dict() and len(again.faces) == 5


def test_a_failure_is_data_not_an_exception():
    failed = Analysis.from_error("photo.jpg", "not an image")
    assert not failed.ok and failed.faces == [] and failed.error == "not an image"
    (row,) = failed.to_records()  # one row, so a table keeps every input
    assert row["source"] == "photo.jpg" and row["error"] == "not an image" and row["expression"] is None


def test_records_have_the_documented_columns(pipeline, data_dir):
    analysis, _ = pipeline.run(data_dir / "single_face.jpg")
    (row,) = analysis.to_records()
    assert list(row) == list(RECORD_FIELDS)
    assert not set(PROFILE_FIELDS) & set(RECORD_FIELDS)

"""The outcome step renders everything a person reads from one real analysis, the same way for
every shell."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import datetime

import pytest
from PIL import Image

from unifer_tray import outcome
from unifer_tray.result import Analysis


@pytest.fixture(scope="module")
def single(pipeline, data_dir):
    return pipeline.run(data_dir / "single_face.jpg")


def test_finish_gives_the_notification_report_and_a_file_name(single, pipeline):
    analysis, rgb = single
    done = outcome.finish(analysis, rgb, pipeline.model_versions, created=datetime(2026, 12, 5, 8, 0, 0))
    assert done.title == "Happiness 100% · 1 face" and done.body.startswith("1 face: clear happiness")
    assert done.report_html is not None and "data:image/jpeg;base64," in done.report_html
    assert done.report_name == "unifer-report-2026-12-05-080000.html"
    assert done.thumbnails is None  # not asked for


def test_thumbnails_only_when_allowed_and_a_failed_input_has_no_report(single, pipeline):
    analysis, rgb = single
    assert len(outcome.finish(analysis, rgb, [], thumbnails=True).thumbnails or []) == 1
    failed = outcome.finish(Analysis.from_error("x.jpg", "not an image"), None, [])
    assert failed.report_html is None and failed.title and failed.thumbnails is None


def test_the_cli_text_names_each_face_and_says_why_there_is_no_description(single):
    from unifer_tray.result import Description

    analysis, _ = single
    text = outcome.text_lines(analysis)
    assert text.startswith(f"{analysis.source}: 1 face (") and "#1 happiness 100% (high intensity)" in text
    described = replace(analysis, description=Description("1 face", None, None, "fallback", "Ollama is down", 1.0))
    assert outcome.text_lines(described).endswith("(no description: Ollama is down)\n")
    assert outcome.text_lines(Analysis.from_error("x.jpg", "not an image")) == ""  # errors go to stderr


def test_the_annotated_copy_is_the_picture_with_boxes_and_private_on_disk(single, tmp_path):
    analysis, rgb = single
    picture = outcome.annotated(rgb, analysis)
    assert picture.size == (rgb.shape[1], rgb.shape[0])
    assert picture.convert("RGB").tobytes() != Image.fromarray(rgb).tobytes()  # boxes were drawn
    outcome.save_annotated(rgb, analysis, tmp_path / "copy.png")
    assert stat.S_IMODE((tmp_path / "copy.png").stat().st_mode) == 0o600

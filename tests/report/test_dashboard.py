"""The history dashboard, rendered from records: self-contained, counts per label and source."""

from __future__ import annotations

from unifer_tray.history import Record
from unifer_tray.outcome import dashboard


def test_the_dashboard_counts_records_and_links_nowhere(pipeline, data_dir):
    analysis, _ = pipeline.run(data_dir / "single_face.jpg")
    empty, _ = pipeline.run(data_dir / "free-mountain-vector-01.jpg")
    records = [Record(1, 1_764_900_000.0, "webcam", analysis, []), Record(2, 1_764_900_060.0, "file", empty, [])]
    page = dashboard(records)
    assert "2 records" in page and "<svg" in page and "http" not in page
    assert "webcam" in page and "happiness" in page

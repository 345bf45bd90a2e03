"""The report page rendered from an analysis of a real photo."""

from __future__ import annotations

from unifer_tray.report.html import DISCLAIMER, render


def test_report_page(group, pipeline):
    analysis, rgb = group
    models = [info.version for info in pipeline.analyzer.models]
    html = render(analysis, rgb, models, "2026-11-25 20:00:00")
    assert html.count("class='face'") == 5
    assert "data:image/jpeg;base64," in html and "http" not in html.replace("http-equiv", "")
    assert "@vladmandic/face-api 1.7.15" in html and "fer 25.10.3" in html
    assert DISCLAIMER[:40] in html
    assert html.count("class='bar'") == 5 * 7
    assert html.count("class='crop'") == 5  # each card shows its face
    assert "<table class='faces'>" in html and html.count("<tr><td>") == 5  # the group at a glance

"""Reports and notification texts rendered from an analysis of a real photo."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from unifer_tray.report.html import DISCLAIMER, render
from unifer_tray.report.server import ReportServer
from unifer_tray.report.text import notification_body, notification_title


@pytest.fixture(scope="module")
def group(pipeline, data_dir):
    return pipeline.run(data_dir / "multi_face.jpg")


def test_notification_texts(group):
    analysis, _ = group
    assert notification_title(analysis) == "Happiness 100% · 5 faces"
    body = notification_body(analysis)
    assert body.startswith("5 faces: clear happiness (100%)") and len(body) <= 250


def test_report_page(group, pipeline):
    analysis, rgb = group
    models = [info.version for info in pipeline.analyzer.models]
    html = render(analysis, rgb, models, "2026-11-25 20:00:00")
    assert html.count("class='face'") == 5
    assert "data:image/jpeg;base64," in html and "http" not in html.replace("http-equiv", "")
    assert "@vladmandic/face-api 1.7.15" in html and "fer 25.10.3" in html
    assert DISCLAIMER[:40] in html
    assert html.count("class='bar'") == 5 * 7


def test_report_server_serves_from_memory_only(group, pipeline):
    analysis, rgb = group
    server = ReportServer()
    try:
        url = server.publish(render(analysis, rgb, [], "now"))
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url) as response:
            assert response.headers["Cache-Control"] == "no-store"
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert "UniFER report" in response.read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url.rsplit("/", 1)[0] + "/guessed-token")
    finally:
        server.close()

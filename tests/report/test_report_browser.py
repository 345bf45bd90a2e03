"""The report and the dashboard in a real browser (Debian's headless Chromium): through the
single-use link, rendered under the CSP, nothing for a second profile, no outside requests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from required import require_tools

from unifer_tray.history import Record
from unifer_tray.report.dashboard import render_dashboard
from unifer_tray.report.html import render
from unifer_tray.report.server import ReportServer

pytestmark = pytest.mark.desktop  # Chromium comes from scripts/install-desktop-test-deps.sh
BAR_COLOUR = (255, 196, 0)  # report/html.py's probability bars


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    require_tools(["chromium"], "Chromium (Debian's package)")
    return subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def served(pipeline, data_dir):
    analysis, rgb = pipeline.run(data_dir / "multi_face.jpg")
    server = ReportServer()
    report = server.publish(render(analysis, rgb, pipeline.model_versions, "2026-12-01 10:00"))
    dashboard = server.publish(render_dashboard([Record(1, 1_764_000_000.0, "screen", analysis, [])]))
    yield server, report, dashboard
    server.close()


def test_the_report_loads_through_the_link_and_renders_under_the_csp(served, tmp_path):
    server, report, _ = served
    url = server.link(report)
    shot = tmp_path / "report.png"
    result = chromium(tmp_path / "profile", "--window-size=1000,2600", f"--screenshot={shot}", url)
    assert shot.exists(), result.stderr
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    bars = np.all(pixels == BAR_COLOUR, axis=-1).sum()
    assert bars > 2000, "the probability bars did not render (inline styles blocked?)"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 5000, "the capture did not render"
    assert "Content Security Policy" not in result.stderr  # the page tried nothing the CSP forbids
    assert "ERR_" not in result.stderr  # and made no request that failed (none leave the machine)
    assert "http" not in server.html(report).replace("http-equiv", "")  # nothing external to ask for


def test_a_second_profile_with_the_same_link_gets_nothing(served, tmp_path):
    server, report, _ = served
    url = server.link(report)
    first = chromium(tmp_path / "first", "--dump-dom", url)
    assert "UniFER report" in first.stdout and first.stdout.count('class="bar"') == 35
    second = chromium(tmp_path / "second", "--dump-dom", url)
    assert "UniFER report" not in second.stdout and "not available" in second.stdout


def test_the_dashboard_loads_through_the_link(served, tmp_path):
    server, _, dashboard = served
    page = chromium(tmp_path / "profile", "--dump-dom", server.link(dashboard))
    assert "UniFER history" in page.stdout and "<svg" in page.stdout and "1 records, 5 faces" in page.stdout
    assert "Content Security Policy" not in page.stderr

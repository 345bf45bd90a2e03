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
from unifer_tray.pipeline import Options
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
    from unifer_tray.profile.calibration import Calibration

    # the richest report: read with a profile that changes labels, with the "Not right?" form
    profile = Calibration("me", (1.5, -1.5, 0.0, 0.0, 0.0, 0.0, 0.0))
    analysis, rgb = pipeline.run(data_dir / "multi_face.jpg", Options(profile=profile))
    server = ReportServer()
    page = render(analysis, rgb, pipeline.model_versions, "2026-12-01 10:00", correctable=True)
    assert "Not right?" in page and "general: happiness" in page
    report = server.publish(page, on_correct=lambda label: f"Learned: {label}")
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


AXE = Path(__file__).parents[1] / "support" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(html: str, folder: Path) -> list[str]:
    """axe-core run in Chromium on the page: its serious and critical violations.

    The page is opened from a file with axe added (the served copy's CSP forbids any script,
    which is the point of it); the results are written into the DOM and read back."""
    if not AXE.exists():
        from required import unavailable

        unavailable("axe-core is not installed (scripts/install-desktop-test-deps.sh runs npm ci)")
    runner = (
        "<script>" + AXE.read_text() + "</script><script>"
        "axe.run(document, {resultTypes: ['violations']}).then(r => {"
        "const out = document.createElement('pre'); out.id = 'axe-result';"
        "out.textContent = JSON.stringify(r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')'));"
        "document.body.appendChild(out); });</script>"
    )
    page = folder / "page.html"
    page.write_text(html.replace("</body>", runner + "</body>"))
    result = chromium(folder / "profile", "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    marker = 'id="axe-result">'
    assert marker in result.stdout, result.stderr[-2000:]
    import html as entities
    import json

    text = result.stdout.split(marker, 1)[1].split("</pre>", 1)[0]
    return json.loads(entities.unescape(text))


@pytest.mark.parametrize("page", ["report", "dashboard"])
def test_no_serious_accessibility_violations(served, tmp_path, page):
    server, report, dashboard = served
    assert axe_violations(server.html(report if page == "report" else dashboard), tmp_path) == []

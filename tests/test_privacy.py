"""Nothing leaves the machine, including what a dependency would send on its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
# onnxruntime keeps its telemetry off on build machines it recognises; a user's machine is none
# of them, so the check runs as one (in CI too).
CI_MARKERS = {
    "CI",
    "CONTINUOUS_INTEGRATION",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "CIRCLECI",
    "TRAVIS",
    "JENKINS_URL",
    "CODEBUILD_BUILD_ID",
    "BUILDKITE",
    "TEAMCITY_VERSION",
    "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
}


def run(code: str, home: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY" and k not in CI_MARKERS}
    environment |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    return subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True)


def test_onnxruntime_telemetry_is_off_in_our_processes(tmp_path):
    """onnxruntime 1.32 writes a device id and an event database under ~/.cache/Microsoft and
    uploads to mobile.events.data.microsoft.com unless ORT_DISABLE_TELEMETRY is set at import."""
    ours = run("from unifer_tray import analyze_image; analyze_image('tests/data/single_face.jpg')", tmp_path / "ours")
    assert ours.returncode == 0, ours.stderr
    assert not (tmp_path / "ours" / ".cache" / "Microsoft").exists()
    # The same work with onnxruntime imported first, as our code must never do: the check can fail.
    theirs = run(
        "import onnxruntime\nfrom unifer_tray import analyze_image\nanalyze_image('tests/data/single_face.jpg')",
        tmp_path / "theirs",
    )
    assert "its telemetry to Microsoft is on" in theirs.stderr  # the caller is told
    assert (tmp_path / "theirs" / ".cache" / "Microsoft").exists()

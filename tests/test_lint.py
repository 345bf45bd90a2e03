"""The code stays ruff clean and type-checks, and the CI workflow lints clean: part of the test
run, so CI and the README command enforce them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], capture_output=True, text=True, cwd=ROOT)


def test_ruff_check_passes():
    result = run("ruff", "check", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_package():
    result = run("mypy")  # settings, files and the strict modules: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_github_workflows_lint_clean():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no workflow found"
    result = run("actionlint", "-no-color", *map(str, workflows))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.os }}\n"
    )
    result = run("actionlint", "-no-color", str(broken))
    assert result.returncode == 1 and 'property "os" is not defined' in result.stdout

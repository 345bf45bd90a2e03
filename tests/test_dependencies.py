"""The declared lower bounds leave out releases with published security advisories."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PROJECT = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
DECLARED = {
    Requirement(line).name.lower(): Requirement(line)
    for line in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["tray"]
}
FIXED_IN = {  # the first release without the advisory
    "cryptography": "44.0.1",  # CVE-2024-12797
    "filelock": "3.20.3",  # CVE-2025-68146, CVE-2026-22701 (symlinks at the lock path)
    "pillow": "11.3",  # CVE-2025-48379
    "tqdm": "4.66.3",  # CVE-2024-34062
    "opencv-python-headless": "4.8.1.78",  # CVE-2023-4863 (bundled libwebp)
}


@pytest.mark.parametrize(("name", "fixed"), sorted(FIXED_IN.items()))
def test_no_release_with_a_known_advisory_is_allowed(name, fixed):
    specifier = DECLARED[name].specifier
    floor = min(Version(s.version) for s in specifier if s.operator == ">=")
    assert floor >= Version(fixed), f"{name} {specifier} admits releases before {fixed}"


def test_libraries_imported_directly_are_declared():
    assert "httpx" in DECLARED  # describe/client.py builds on it, not only through ollama

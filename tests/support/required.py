"""Missing desktop tools skip a test on a developer's machine, and fail it in CI.

CI=true (set by .ci/run) or UNIFER_REQUIRE_DESKTOP=1 turn the skip into a failure, so a CI run
can never pass by skipping the end-to-end tests.
"""

from __future__ import annotations

import os
import shutil

import pytest


def strict() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("UNIFER_REQUIRE_DESKTOP") == "1"


def unavailable(message: str) -> None:
    """Skip (developer machine) or fail (CI) the calling test with `message`."""
    if strict():
        pytest.fail(message)
    pytest.skip(message)


def require_tools(tools: list[str], what: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        unavailable(f"{what} missing: {', '.join(missing)} (run scripts/install-desktop-test-deps.sh)")

"""Shared fixtures: the real shipped models on the real test images in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def pipeline():
    from unifer_tray.pipeline import Pipeline

    return Pipeline()

"""Shared fixtures: the real shipped models on the real test images in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring_user import env, secrets  # noqa: F401  the private Secret Service, for history, profiles and keys

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def pipeline():
    from unifer_tray.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def mjpeg_clip(tmp_path_factory) -> Path:
    """single_face.mp4 as Motion JPEG, what most webcams send."""
    from clips import mjpeg_copy

    return mjpeg_copy(DATA / "single_face.mp4", tmp_path_factory.mktemp("clips") / "single_face_mjpeg.avi")

"""Each tray test's own settings file, and trays that are stopped after the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from unifer_tray.tray.app import TrayApp


@pytest.fixture(autouse=True)
def settings_file(tmp_path, monkeypatch) -> Path:
    """Each test's own settings file: toggles are saved, and edits are picked up."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("UNIFER_CONFIG", str(path))
    return path


@pytest.fixture
def apps():
    made: list[TrayApp] = []
    yield made
    for app in made:
        app.worker.replace_pending(None)  # ends the worker thread

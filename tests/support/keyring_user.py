"""Fixtures for tests that keep personal data: a private Secret Service (GNOME Keyring on its own
D-Bus session) and a user with a fresh data folder and config on it."""

from __future__ import annotations

import os

import pytest
from required import require_tools
from secret_service import SecretService

TOOLS = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool"]


@pytest.fixture(scope="module")
def secrets():
    require_tools(TOOLS, "Secret Service test tools")
    service = SecretService().start()
    yield service
    service.stop()


@pytest.fixture
def env(secrets, tmp_path):
    """A user with a fresh data folder and config, on the private keyring."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "OLLAMA_HOST")}
    environment.update(secrets.env, XDG_DATA_HOME=str(tmp_path / "data"), UNIFER_CONFIG=str(tmp_path / "config.toml"))
    environment.pop("PYTHON_KEYRING_BACKEND", None)
    return environment

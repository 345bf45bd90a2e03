"""Pretending to be another OS: unifer_tray.platform reads sys.platform through its own name."""

from types import SimpleNamespace

import pytest

from unifer_tray import platform


@pytest.fixture
def as_os(monkeypatch):
    def pretend(sys_platform: str, **environment: str) -> None:
        monkeypatch.setattr(platform, "sys", SimpleNamespace(platform=sys_platform))
        for name in ("XDG_SESSION_TYPE", "WAYLAND_DISPLAY", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)

    return pretend

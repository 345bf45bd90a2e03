"""The Windows and macOS paths, run here: every platform question goes through unifer_tray.platform,
so pretending to be another OS means answering those questions differently."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from unifer_tray import doctor, platform
from unifer_tray.hotkeys import WAYLAND_HINT, Hotkeys
from unifer_tray.notify.handlers import default_backends


@pytest.fixture
def as_os(monkeypatch):
    def pretend(sys_platform: str, **environment: str) -> None:
        monkeypatch.setattr(platform, "sys", SimpleNamespace(platform=sys_platform))
        for name in ("XDG_SESSION_TYPE", "WAYLAND_DISPLAY", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)

    return pretend


@pytest.mark.parametrize(
    ("sys_platform", "environment", "system", "session"),
    [
        ("win32", {}, "windows", "windows"),
        ("darwin", {}, "macos", "macos"),
        ("linux", {"DISPLAY": ":0"}, "linux", "x11"),
        ("linux", {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux", "wayland"),  # XWayland
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
        ("freebsd14", {"DISPLAY": ":0"}, "linux", "x11"),
        ("linux", {}, "linux", "none"),
    ],
)
def test_system_and_session(as_os, sys_platform, environment, system, session):
    as_os(sys_platform, **environment)
    assert platform.system() == system and platform.session() == session


@pytest.mark.parametrize("sys_platform", ["win32", "darwin"])
def test_windows_and_macos_always_have_a_tray_and_need_no_session_bus(as_os, sys_platform):
    as_os(sys_platform)  # no DISPLAY, no D-Bus: a Linux answer would be "no"
    assert platform.tray_host_present()
    available = {backend.name: backend.is_available()[0] for backend in default_backends()}
    assert available == {"desktop-notifier": True, "plyer": True, "tray": True}


def test_linux_without_a_session_bus_falls_back_to_the_tray_message(as_os):
    as_os("linux", DISPLAY=":99")
    reasons = {backend.name: backend.is_available() for backend in default_backends()}
    assert reasons["desktop-notifier"] == (False, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    assert reasons["tray"] == (True, "")


def test_hotkeys_explain_wayland_and_a_missing_display(as_os):
    as_os("linux", WAYLAND_DISPLAY="wayland-0")
    assert Hotkeys().is_available() == (False, WAYLAND_HINT)
    as_os("linux")
    usable, why = Hotkeys().is_available()
    assert not usable and "no graphical display" in why and "('" not in why  # no Python tuple shown


@pytest.mark.parametrize(
    ("sys_platform", "advice"),
    [("darwin", "Screen Recording"), ("win32", "desktop session"), ("linux", "X11 desktop session")],
)
def test_doctor_gives_screen_capture_advice_for_this_os(as_os, monkeypatch, sys_platform, advice):
    from unifer_tray.capture import CaptureError, screen

    as_os(sys_platform)

    def refuse(region=None):
        raise CaptureError("screen capture failed: not permitted")

    monkeypatch.setattr(screen, "grab", refuse)
    check = doctor.check_screen()
    assert check.status == "warn" and advice in (check.fix or "")
    assert ("Screen Recording" in (check.fix or "")) == (sys_platform == "darwin")


def test_doctor_display_check_per_session(as_os):
    as_os("darwin")
    assert doctor.check_display().status == "ok"
    as_os("linux", XDG_SESSION_TYPE="wayland", DISPLAY=":0")
    assert "Wayland" in doctor.check_display().detail
    as_os("linux")
    assert doctor.check_display().status == "warn"

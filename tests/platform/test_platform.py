"""The Windows and macOS paths, run here: every platform question goes through unifer_tray.platform,
so pretending to be another OS means answering those questions differently."""

from __future__ import annotations

import pytest

from unifer_tray import doctor, platform


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
def test_windows_and_macos_always_have_a_tray(as_os, sys_platform):
    as_os(sys_platform)  # no DISPLAY, no D-Bus: a Linux answer would be "no"
    assert platform.tray_host_present()


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


def test_doctor_says_when_tk_is_missing(monkeypatch):
    import sys

    from unifer_tray.doctor import check_dialogs

    assert check_dialogs().status == "ok"
    monkeypatch.setitem(sys.modules, "tkinter", None)  # as in a Python built without Tk
    check = check_dialogs()
    assert check.status == "warn" and "Tk is not usable" in check.detail and "python3-tk" in (check.fix or "")

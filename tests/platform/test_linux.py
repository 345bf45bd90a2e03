"""The Linux answers: the session bus, Wayland and a missing display."""

from __future__ import annotations

from unifer_tray import doctor
from unifer_tray.hotkeys import WAYLAND_HINT, Hotkeys
from unifer_tray.notify.handlers import default_backends


def test_linux_without_a_session_bus_falls_back_to_the_tray_message(as_os):
    as_os("linux", DISPLAY=":99")
    reasons = {backend.name: backend.is_available() for backend in default_backends()}
    assert reasons["freedesktop"] == (False, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    assert reasons["desktop-notifier"][0] is False
    assert reasons["tray"] == (True, "")


def test_hotkeys_explain_wayland_and_a_missing_display(as_os):
    as_os("linux", WAYLAND_DISPLAY="wayland-0")
    assert Hotkeys().is_available() == (False, WAYLAND_HINT)
    as_os("linux")
    usable, why = Hotkeys().is_available()
    assert not usable and "no graphical display" in why and "('" not in why  # no Python tuple shown


def test_doctor_display_check_per_session(as_os):
    as_os("darwin")
    assert doctor.check_display().status == "ok"
    as_os("linux", XDG_SESSION_TYPE="wayland", DISPLAY=":0")
    assert "Wayland" in doctor.check_display().detail
    as_os("linux")
    assert doctor.check_display().status == "warn"

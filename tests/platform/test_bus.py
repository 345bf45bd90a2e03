"""The session bus and X11's tray selection, asked for real: with no bus and no display they say so."""

from __future__ import annotations

from unifer_tray.platform import bus


def test_without_a_session_bus_the_answer_says_why(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert bus.name_owned("org.freedesktop.Notifications") == (
        False,
        "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)",
    )


def test_a_bus_address_nobody_answers_on_is_a_reason_not_an_exception(monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    owned, why = bus.name_owned("org.freedesktop.Notifications", timeout=2)
    assert not owned and why.startswith("cannot query the session bus")


def test_no_display_means_no_xembed_tray(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert bus.xembed_tray() is False

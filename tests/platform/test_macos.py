"""The macOS answers, run here with stand-ins for its libraries: permissions asked, not
assumed; AppKit on the main thread."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from unifer_tray import platform
from unifer_tray.hotkeys import Hotkeys
from unifer_tray.notify.handlers import default_backends


class FakeCentre:
    """Stands for desktop-notifier's macOS backend: a real one, or its do-nothing dummy."""

    authorised = True

    def __init__(self, *args, **kwargs):
        pass

    async def has_authorisation(self):
        return FakeCentre.authorised


@pytest.mark.parametrize(
    ("backend_name", "authorised", "expected"),
    [
        ("DummyNotificationCenter", True, "only from the signed UniFER.app"),
        ("CocoaNotificationCenter", False, "System Settings > Notifications"),
        ("CocoaNotificationCenter", True, ""),
    ],
)
def test_macos_notifications_are_checked_not_assumed(as_os, monkeypatch, backend_name, authorised, expected):
    import desktop_notifier
    import desktop_notifier.main

    as_os("darwin")
    monkeypatch.setattr(desktop_notifier.main, "get_backend_class", lambda: type(backend_name, (), {}))
    monkeypatch.setattr(desktop_notifier, "DesktopNotifier", FakeCentre)
    monkeypatch.setattr(FakeCentre, "authorised", authorised)
    reasons = {backend.name: backend.is_available() for backend in default_backends()}
    usable, why = reasons["desktop-notifier"]
    assert usable == (not expected) and expected in why
    assert reasons["plyer"] == (False, "plyer's macOS notifications need pyobjus, which is not installed")
    assert reasons["tray"] == (True, "")  # pystray's own notification is the fallback


def test_a_description_takes_the_place_of_its_reading_by_identifier(as_os, monkeypatch):
    """macOS replaces a delivered notification sent again with the same request identifier
    (Windows: the same toast tag); the backend reuses the identifier it was given back."""
    import desktop_notifier

    from unifer_tray.notify import Notification
    from unifer_tray.notify.handlers.desktop import DesktopNotifierBackend

    sent = []

    class RecordingCentre(FakeCentre):
        async def send_notification(self, notification):
            sent.append(notification)
            return notification.identifier

    as_os("darwin")
    monkeypatch.setattr(desktop_notifier, "DesktopNotifier", RecordingCentre)
    backend = DesktopNotifierBackend()
    reading = backend.send(Notification("Happiness 87% · 1 face", "1 face: clear happiness", on_open=lambda: None))
    again = backend.send(Notification("Happiness 87% · 1 face", "A smiling face."), replaces=reading)
    other = backend.send(Notification("Neutral 60% · 1 face", "1 face"))
    assert backend.can_replace and again == reading != other
    assert [n.identifier for n in sent] == [reading, reading, other]
    assert [button.title for button in sent[0].buttons] == ["Open report"] and sent[1].message == "A smiling face."


def fake_module(monkeypatch, name: str, **attributes) -> SimpleNamespace:
    """A stand-in for a macOS or Windows-only library, at its import name."""
    import sys

    module = SimpleNamespace(**attributes)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_macos_hotkeys_read_the_keyboard_layout_on_the_main_thread(as_os, monkeypatch):
    """pynput#424: TISGetInputSourceProperty off the main thread kills the process on macOS 14+."""
    import contextlib
    import threading

    asked_from: list[str] = []

    @contextlib.contextmanager
    def keycode_context():
        asked_from.append(threading.current_thread().name)
        yield ("keyboard type", b"layout")

    backend = fake_module(monkeypatch, "pynput.keyboard._darwin", keycode_context=keycode_context)
    as_os("darwin")
    Hotkeys().prepare_on_main_thread()
    seen = []

    def listener_thread():  # what pynput's Listener._run does
        with backend.keycode_context() as context:
            seen.append(context)

    thread = threading.Thread(target=listener_thread, name="pynput-listener")
    thread.start()
    thread.join()
    assert asked_from == ["MainThread"] and seen == [("keyboard type", b"layout")]


def test_macos_icon_changes_are_queued_to_the_main_thread(as_os, monkeypatch):
    from unifer_tray.config import Config
    from unifer_tray.tray.app import TrayApp

    queued: list = []
    fake_module(monkeypatch, "PyObjCTools", AppHelper=SimpleNamespace(callAfter=queued.append))
    fake_module(monkeypatch, "PyObjCTools.AppHelper", callAfter=queued.append)
    as_os("darwin")
    app = TrayApp(
        Config(),
        analysis=SimpleNamespace(end=lambda: None),
        notifications=SimpleNamespace(send=lambda n, replacing=None: None),
        history=SimpleNamespace(enabled=False),
        reports=SimpleNamespace(close=lambda: None),
        hotkeys=SimpleNamespace(stop=lambda: None),
    )
    icon = SimpleNamespace(icon=None, title="UniFER", update_menu=lambda: None)
    app.icon = icon
    app._set_state("busy")
    assert icon.icon is None and len(queued) == 1  # not touched from this thread...
    queued.pop()()
    assert icon.icon is not None  # ...but when the main run loop runs the queued change


@pytest.mark.parametrize(("allowed", "refused"), [(False, True), (True, False)])
def test_macos_screen_recording_is_checked_before_a_capture(as_os, monkeypatch, allowed, refused):
    from unifer_tray.capture import CaptureError, Region, screen

    fake_module(monkeypatch, "Quartz", CGPreflightScreenCaptureAccess=lambda: allowed)
    as_os("darwin")
    if refused:
        with pytest.raises(CaptureError, match="Privacy & Security > Screen Recording"):
            screen.grab(Region(0, 0, 1, 1))
    else:
        assert platform.macos_allows("screen recording") is True


def test_macos_hotkeys_name_input_monitoring(as_os, monkeypatch):
    fake_module(monkeypatch, "Quartz", CGPreflightListenEventAccess=lambda: False)
    as_os("darwin")
    usable, why = Hotkeys().is_available()
    assert not usable and "Input Monitoring" in why and "Accessibility" not in why


def test_macos_names_the_camera_permission_when_no_camera_opens(as_os):
    from unifer_tray.capture.webcam import cannot_open

    as_os("darwin")
    assert "Privacy & Security > Camera" in str(cannot_open(0))
    as_os("linux")
    assert "Privacy" not in str(cannot_open(0))

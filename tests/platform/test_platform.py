"""The Windows and macOS paths, run here: every platform question goes through unifer_tray.platform,
so pretending to be another OS means answering those questions differently."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from unifer_tray import doctor, platform
from unifer_tray.hotkeys import WAYLAND_HINT, Hotkeys
from unifer_tray.notify.handlers import default_backends
from unifer_tray.platform import windows as windows_answers


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
def test_windows_and_macos_always_have_a_tray(as_os, sys_platform):
    as_os(sys_platform)  # no DISPLAY, no D-Bus: a Linux answer would be "no"
    assert platform.tray_host_present()


def test_windows_notifications_need_no_session_bus(as_os):
    as_os("win32")
    available = {backend.name: backend.is_available()[0] for backend in default_backends()}
    assert available == {"desktop-notifier": True, "plyer": True, "tray": True}


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
        pipeline=lambda: None,
        captures=object(),
        notifications=SimpleNamespace(send=lambda n: "x"),
        history=SimpleNamespace(enabled=False),
        reports=SimpleNamespace(close=lambda: None),
        hotkeys=SimpleNamespace(stop=lambda: None),
    )
    icon = SimpleNamespace(icon=None, update_menu=lambda: None)
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


def test_windows_cameras_open_through_directshow(as_os):
    from unifer_tray.capture.webcam.opencv import capture_api

    cv2 = SimpleNamespace(CAP_ANY=0, CAP_DSHOW=700)
    as_os("win32")
    assert capture_api(cv2, 0) == 700 and capture_api(cv2, "clip.mp4") == 0
    as_os("linux")
    assert capture_api(cv2, 0) == 0


def test_windows_helpers_are_dpi_aware_and_open_no_console(as_os, monkeypatch):
    import ctypes

    calls = []
    windll = SimpleNamespace(shcore=SimpleNamespace(SetProcessDpiAwareness=calls.append))
    monkeypatch.setattr(ctypes, "windll", windll, raising=False)
    as_os("win32")
    platform.declare_dpi_awareness()
    assert calls == [2]  # per-monitor, like the tray process that mss made aware
    assert platform.no_console_window() == 0x08000000  # CREATE_NO_WINDOW
    as_os("linux")
    platform.declare_dpi_awareness()
    assert calls == [2] and platform.no_console_window() == 0


def test_windows_default_hotkeys_avoid_altgr(as_os):
    from unifer_tray.config import TrayConfig

    as_os("win32")
    assert TrayConfig().hotkey_region == "<ctrl>+<shift>+e"
    as_os("darwin")
    assert TrayConfig().hotkey_region == "<ctrl>+<alt>+e"


def test_windows_second_quick_launch_loses_on_the_mutex(as_os, monkeypatch, tmp_path):
    """Two launches at once: the second sees the mutex taken and writes no key."""
    import ctypes

    from unifer_tray.tray import instance

    held: set[str] = set()

    class Kernel32:
        last_error = 0

        def CreateMutexW(self, attributes, owned, name):
            self.last_error = 183 if name in held else 0  # ERROR_ALREADY_EXISTS
            held.add(name)
            return 1

        def GetLastError(self):
            return self.last_error

        def CloseHandle(self, handle):
            held.clear()

    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=Kernel32()), raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    as_os("win32")
    monkeypatch.setattr(instance, "_address", lambda: str(tmp_path / "tray.sock"))  # a Unix socket here
    monkeypatch.setattr(instance, "_new_address", lambda: str(tmp_path / "tray.sock"))
    monkeypatch.setattr(windows_answers.platformdirs, "user_data_path", lambda app: tmp_path / "data" / app)
    first, second = instance.SingleInstance(), instance.SingleInstance()
    assert first.acquire() and instance._key_file() == tmp_path / "data" / "unifer-tray" / "tray.key"
    key = instance._key_file().read_bytes()
    assert not second.acquire()  # refused at the mutex, before touching the key
    assert instance._key_file().read_bytes() == key
    first.release()
    assert held == set()


def test_doctor_says_when_tk_is_missing(monkeypatch):
    import sys

    from unifer_tray.doctor import check_dialogs

    assert check_dialogs().status == "ok"
    monkeypatch.setitem(sys.modules, "tkinter", None)  # as in a Python built without Tk
    check = check_dialogs()
    assert check.status == "warn" and "Tk is not usable" in check.detail and "python3-tk" in (check.fix or "")


def test_macos_names_the_camera_permission_when_no_camera_opens(as_os):
    from unifer_tray.capture.webcam import cannot_open

    as_os("darwin")
    assert "Privacy & Security > Camera" in str(cannot_open(0))
    as_os("linux")
    assert "Privacy" not in str(cannot_open(0))

"""The Windows answers, run here with stand-ins for its libraries: DirectShow, DPI, no console,
AltGr-free hotkeys, the session mutex."""

from __future__ import annotations

from types import SimpleNamespace

from unifer_tray import platform
from unifer_tray.notify.handlers import default_backends
from unifer_tray.platform import windows as windows_answers


def test_windows_notifications_need_no_session_bus(as_os):
    as_os("win32")
    available = {backend.name: backend.is_available()[0] for backend in default_backends()}
    assert available == {"freedesktop": False, "desktop-notifier": True, "plyer": True, "tray": True}


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

"""macOS: privacy permissions asked, not assumed; AppKit wants the main thread."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

from .base import PERMISSION_PANES, MacPermission, System
from .nothing_special import declare_dpi_awareness as declare_dpi_awareness
from .nothing_special import prepare_opencv as prepare_opencv
from .posix import instance_address as instance_address
from .posix import instance_folder as instance_folder
from .posix import instance_leftovers as instance_leftovers
from .posix import instance_lock as instance_lock

NAME: System = "macos"
USES_FREEDESKTOP_BUS = False
NO_CONSOLE_WINDOW = 0
REGION_HOTKEY = "<ctrl>+<alt>+e"
WEBCAM_HOTKEY = "<ctrl>+<alt>+w"
SCREEN_CAPTURE_FIX = "allow Screen Recording for this app in System Settings > Privacy & Security"
NO_NOTIFICATION_BACKEND = "macOS shows notifications only from the signed UniFER.app, not from a Python install"
CAMERA_HINT = "; on macOS also allow UniFER in System Settings > Privacy & Security > Camera"
_PREFLIGHT = {"input monitoring": "CGPreflightListenEventAccess", "screen recording": "CGPreflightScreenCaptureAccess"}
assert set(_PREFLIGHT) == set(PERMISSION_PANES)


def tray_host_present() -> bool:
    return True  # the menu bar


def allows(permission: MacPermission) -> bool | None:
    try:
        import Quartz
    except ImportError:
        return None
    function = getattr(Quartz, _PREFLIGHT[permission], None)
    return bool(function()) if function is not None else None


def ui_dispatcher() -> Callable[[Callable[[], None]], None]:
    """AppKit must be called on the main thread (pystray's darwin backend does not hand it
    over itself, pystray#60): changes are queued to the main run loop."""
    try:
        from PyObjCTools import AppHelper
    except ImportError:
        return lambda change: change()
    return lambda change: AppHelper.callAfter(change)


def open_for_editing(path: str) -> bool:
    subprocess.Popen(["open", "-t", path])
    return True


def notifications_refused(app_name: str) -> str | None:
    """macOS denies notifications silently: ask before relying on them."""
    import asyncio

    from desktop_notifier import DesktopNotifier

    try:
        allowed = bool(asyncio.run(DesktopNotifier(app_name=app_name).has_authorisation()))
    except Exception:
        allowed = False
    return None if allowed else "notifications are not allowed for UniFER: System Settings > Notifications > UniFER"


def plyer_missing() -> str | None:
    import importlib.util

    if importlib.util.find_spec("pyobjus") is None:
        return "plyer's macOS notifications need pyobjus, which is not installed"
    return None


def prepare_keyboard_on_main_thread() -> None:
    """pynput's listener asks for the keyboard layout (TISGetInputSourceProperty) on its own
    thread, and macOS 14+ kills a process that does (pynput#424). Ask once here, on the main
    thread, and hand that answer to the listener."""
    import contextlib
    import importlib

    try:
        backend: Any = importlib.import_module("pynput.keyboard._darwin")
    except Exception:  # no pynput, or it cannot load: Hotkeys.is_available() says so
        return
    with backend.keycode_context() as context:
        layout = context
    backend.keycode_context = lambda: contextlib.nullcontext(layout)


def camera_api(cv2: Any, source: int | str) -> int:
    return int(cv2.CAP_ANY)

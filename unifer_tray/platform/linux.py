"""Linux and the BSDs: X11 or Wayland desktops with a freedesktop session bus."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .base import MacPermission, System
from .bus import name_owned, xembed_tray
from .posix import instance_address as instance_address
from .posix import instance_folder as instance_folder
from .posix import instance_leftovers as instance_leftovers
from .posix import instance_lock as instance_lock

NAME: System = "linux"
USES_FREEDESKTOP_BUS = True
NO_CONSOLE_WINDOW = 0
REGION_HOTKEY = "<ctrl>+<alt>+e"
WEBCAM_HOTKEY = "<ctrl>+<alt>+w"
SCREEN_CAPTURE_FIX = "run UniFER in an X11 desktop session (under Wayland, capture goes through XWayland)"
NO_NOTIFICATION_BACKEND = "no notification backend"
CAMERA_HINT = ""


def tray_host_present() -> bool:
    """An XEmbed tray (owner of _NET_SYSTEM_TRAY_Sn) or a StatusNotifier host."""
    return xembed_tray() or name_owned("org.kde.StatusNotifierWatcher")[0]


def allows(permission: MacPermission) -> bool | None:
    return None


def declare_dpi_awareness() -> None:
    pass


def ui_dispatcher() -> Callable[[Callable[[], None]], None]:
    """pystray's Linux backends are safe from any thread."""
    return lambda change: change()


def open_for_editing(path: str) -> bool:
    return webbrowser.open(Path(path).as_uri())


def notifications_refused(app_name: str) -> str | None:
    return None


def plyer_missing() -> str | None:
    return None


def prepare_keyboard_on_main_thread() -> None:
    pass


def camera_api(cv2: Any, source: int | str) -> int:
    return int(cv2.CAP_ANY)


def prepare_opencv() -> None:
    pass

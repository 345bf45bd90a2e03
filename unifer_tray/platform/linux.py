"""Linux and the BSDs: X11 or Wayland desktops with a freedesktop session bus."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Any

from .base import System
from .bus import name_owned, xembed_tray
from .nothing_special import allows as allows
from .nothing_special import declare_dpi_awareness as declare_dpi_awareness
from .nothing_special import notifications_refused as notifications_refused
from .nothing_special import plyer_missing as plyer_missing
from .nothing_special import prepare_keyboard_on_main_thread as prepare_keyboard_on_main_thread
from .nothing_special import prepare_opencv as prepare_opencv
from .nothing_special import ui_dispatcher as ui_dispatcher
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


def open_for_editing(path: str) -> bool:
    return webbrowser.open(Path(path).as_uri())


def camera_api(cv2: Any, source: int | str) -> int:
    return int(cv2.CAP_ANY)

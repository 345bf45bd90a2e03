"""What kind of desktop this is, asked in one place, and each OS's answers in a module of its own.

Everything else asks here instead of reading `sys.platform`, `os.name` or session variables
itself (tests/test_imports.py holds the rest of the package to that). `system()` and
`session()` are the questions; `current()` is the module that answers for this OS
(`linux.py`, `windows.py`, `macos.py`, each following `base.OperatingSystem`), picked at every
call, so tests pretend to be Windows or macOS by answering `system()` differently.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from .base import PERMISSION_PANES, InstanceLock, MacPermission, OperatingSystem, Session, System
from .bus import NOT_OWNED, name_owned

__all__ = [
    "NOT_OWNED",
    "NO_TRAY_HINT",
    "PERMISSION_PANES",
    "InstanceLock",
    "MacPermission",
    "OperatingSystem",
    "Session",
    "System",
    "current",
    "declare_dpi_awareness",
    "has_freedesktop_bus",
    "macos_allows",
    "name_owned",
    "no_console_window",
    "session",
    "system",
    "tray_host_present",
    "ui_dispatcher",
]

NO_TRAY_HINT = (
    "No system tray was found, so UniFER has no icon. The hotkey still works, and "
    "`unifer-tray --trigger region` can be bound to a shortcut. On GNOME, install the "
    "AppIndicator extension to see tray icons."
)


if TYPE_CHECKING:  # mypy checks that each OS module answers every question of the protocol
    from . import linux, macos, windows

    _LINUX: OperatingSystem = linux
    _MACOS: OperatingSystem = macos
    _WINDOWS: OperatingSystem = windows


def system() -> System:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"  # any X11/Wayland desktop, BSDs included


def current() -> OperatingSystem:
    """The module with this OS's answers."""
    return cast(OperatingSystem, importlib.import_module(f"{__name__}.{system()}"))


def session() -> Session:
    """The graphical session programs run in; XWayland with DISPLAY set counts as Wayland when
    the session says so, because global key events still do not reach us there."""
    kind = system()
    if kind != "linux":
        return kind
    if os.environ.get("XDG_SESSION_TYPE") == "wayland" or (
        os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY")
    ):
        return "wayland"
    return "x11" if os.environ.get("DISPLAY") else "none"


# -- the questions the rest of the package asks, answered by this OS's module ------------------


def has_freedesktop_bus() -> bool:
    """Notifications and tray hosts go through the D-Bus session bus (Linux, BSDs)."""
    return current().USES_FREEDESKTOP_BUS


def tray_host_present() -> bool:
    return current().tray_host_present()


def macos_allows(permission: MacPermission) -> bool | None:
    """Has macOS granted `permission` to this app? None where it cannot be asked (other OSes, or
    no Quartz bindings). Asking does not prompt the user."""
    return current().allows(permission)


def declare_dpi_awareness() -> None:
    current().declare_dpi_awareness()


def no_console_window() -> int:
    """subprocess `creationflags` that keep a helper from opening a console window."""
    return current().NO_CONSOLE_WINDOW


def ui_dispatcher() -> Callable[[Callable[[], None]], None]:
    return current().ui_dispatcher()

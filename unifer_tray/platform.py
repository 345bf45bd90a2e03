"""What kind of desktop this is, asked in one place.

Everything else asks here instead of reading `sys.platform` or session variables itself, so
the Windows and macOS paths can be tested on Linux by patching these functions.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Literal

System = Literal["windows", "macos", "linux"]  # "linux": any X11/Wayland desktop, BSDs included
Session = Literal["windows", "macos", "x11", "wayland", "none"]

NO_TRAY_HINT = (
    "No system tray was found, so UniFER has no icon. The hotkey still works, and "
    "`unifer-tray --trigger region` can be bound to a shortcut. On GNOME, install the "
    "AppIndicator extension to see tray icons."
)
NOT_OWNED = "nothing owns that name on the session bus"


def system() -> System:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


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


def has_freedesktop_bus() -> bool:
    """Notifications and tray hosts on Linux/BSD go through the D-Bus session bus."""
    return system() == "linux"


def name_owned(name: str, timeout: float = 2.0) -> tuple[bool, str]:
    """Does anyone own `name` on the session bus? (answer, why not)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    try:
        from dbus_fast import BusType, Message
        from dbus_fast.aio import MessageBus
    except ImportError:
        return False, "dbus-fast is not installed (pip install desktop-notifier)"

    async def ask() -> bool:
        bus = await MessageBus(bus_type=BusType.SESSION).connect()
        try:
            reply = await bus.call(
                Message(
                    destination="org.freedesktop.DBus",
                    path="/org/freedesktop/DBus",
                    interface="org.freedesktop.DBus",
                    member="NameHasOwner",
                    signature="s",
                    body=[name],
                )
            )
            return bool(reply.body and reply.body[0])
        finally:
            bus.disconnect()

    try:
        present = asyncio.run(asyncio.wait_for(ask(), timeout))
    except Exception as exc:
        return False, f"cannot query the session bus: {exc}"
    return (True, "") if present else (False, NOT_OWNED)


def _xembed_tray() -> bool:
    if not os.environ.get("DISPLAY"):
        return False
    try:
        from Xlib import display as xdisplay
    except ImportError:
        return False
    try:
        connection = xdisplay.Display()
    except Exception:
        return False
    try:
        screen = connection.get_default_screen()
        atom = connection.intern_atom(f"_NET_SYSTEM_TRAY_S{screen}")
        return bool(connection.get_selection_owner(atom) != 0)
    finally:
        connection.close()


def tray_host_present() -> bool:
    """Is there a system tray to show the icon in? Windows and macOS always have one; Linux/BSD
    desktops have an XEmbed tray (owner of _NET_SYSTEM_TRAY_Sn) or a StatusNotifier host."""
    if not has_freedesktop_bus():
        return True
    return _xembed_tray() or name_owned("org.kde.StatusNotifierWatcher")[0]

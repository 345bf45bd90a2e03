"""Is there a system tray to show the icon in? Without one the app still works, and says so.

Linux/BSD desktops show icons through an XEmbed tray (the owner of the X selection
_NET_SYSTEM_TRAY_S0) or a StatusNotifier host (org.kde.StatusNotifierWatcher on D-Bus, used by
AppIndicator). Windows and macOS always have one.
"""

from __future__ import annotations

import os
import platform

from ..notify.dbus_server import name_owned

NO_TRAY_HINT = (
    "No system tray was found, so UniFER has no icon. The hotkey still works, and "
    "`unifer-tray --trigger region` can be bound to a shortcut. On GNOME, install the "
    "AppIndicator extension to see tray icons."
)


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
        return connection.get_selection_owner(atom) != 0
    finally:
        connection.close()


def tray_host_present() -> bool:
    if platform.system() in ("Windows", "Darwin"):
        return True
    return _xembed_tray() or name_owned("org.kde.StatusNotifierWatcher")[0]

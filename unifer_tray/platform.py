"""What kind of desktop this is, asked in one place.

Everything else asks here instead of reading `sys.platform` or session variables itself, so
the Windows and macOS paths can be tested on Linux by patching these functions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
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

    import asyncio  # here, not at the top: helpers and --trigger clients import this module too

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


# -- macOS privacy permissions ----------------------------------------------------------------

MacPermission = Literal["input monitoring", "screen recording"]
PERMISSION_PANES = {
    "input monitoring": "System Settings > Privacy & Security > Input Monitoring",
    "screen recording": "System Settings > Privacy & Security > Screen Recording",
}


def macos_allows(permission: MacPermission) -> bool | None:
    """Has macOS granted `permission` to this app? None when it cannot be asked (not macOS, or
    no Quartz bindings). Asking does not prompt the user."""
    if system() != "macos":
        return None
    try:
        import Quartz
    except ImportError:
        return None
    check = {
        "input monitoring": "CGPreflightListenEventAccess",
        "screen recording": "CGPreflightScreenCaptureAccess",
    }[permission]
    function = getattr(Quartz, check, None)
    return bool(function()) if function is not None else None


# -- Windows process details ------------------------------------------------------------------


def declare_dpi_awareness() -> None:
    """Windows: make this process per-monitor DPI aware, as mss makes the tray's, so a Tk window
    and the screenshot it shows use the same pixels (at 125-150 % scaling they would not)."""
    if system() != "windows":
        return
    import ctypes

    windll = ctypes.windll  # type: ignore[attr-defined]  # Windows only
    try:
        windll.shcore.SetProcessDpiAwareness(2)  # PROCESS_PER_MONITOR_DPI_AWARE (Windows 8.1+)
    except (AttributeError, OSError):
        windll.user32.SetProcessDPIAware()


def no_console_window() -> int:
    """subprocess `creationflags` that keep a helper from opening a console window on Windows."""
    return 0x08000000 if system() == "windows" else 0  # CREATE_NO_WINDOW


class NamedMutex:
    """Windows: a session-wide named mutex; `held` is False when another process has it already.

    Taken before anything else, it settles which of two quick launches is the tray."""

    def __init__(self, name: str) -> None:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only
        self._handle = kernel32.CreateMutexW(None, False, name)
        self.held = bool(self._handle) and kernel32.GetLastError() != 183  # ERROR_ALREADY_EXISTS
        self._kernel32 = kernel32

    def release(self) -> None:
        if self._handle:
            self._kernel32.CloseHandle(self._handle)
            self._handle = None


def open_for_editing(path: str) -> bool:
    """Open a text file in the user's editor (webbrowser has no handler for .toml on Windows),
    with the environment the app was given, not a bundle's."""
    import subprocess
    import webbrowser

    from .helpers import system_program_environment

    try:
        with system_program_environment():
            if system() == "windows":
                os.startfile(path, "edit")  # type: ignore[attr-defined]  # Windows only
            elif system() == "macos":
                subprocess.Popen(["open", "-t", path])
            else:
                return webbrowser.open(Path(path).as_uri())
    except (OSError, webbrowser.Error):
        return False
    return True


def default_region_hotkey() -> str:
    """Ctrl+Alt is AltGr on Windows (Ctrl+Alt+E types € on German layouts): use Ctrl+Shift there."""
    return "<ctrl>+<shift>+e" if system() == "windows" else "<ctrl>+<alt>+e"


def default_webcam_hotkey() -> str:
    return "<ctrl>+<shift>+w" if system() == "windows" else "<ctrl>+<alt>+w"


def ui_dispatcher() -> Callable[[Callable[[], None]], None]:
    """How to run a change of the tray icon: macOS's AppKit must be called on the main thread
    (pystray's darwin backend does not hand it over itself, pystray#60), so there the change is
    queued to the main run loop; elsewhere pystray's backends are safe from any thread."""
    if system() == "macos":
        try:
            from PyObjCTools import AppHelper
        except ImportError:
            pass
        else:
            return lambda change: AppHelper.callAfter(change)
    return lambda change: change()

"""The freedesktop session bus and X11's tray selection: how a Linux/BSD desktop says whether a
notification server or a tray host is there."""

from __future__ import annotations

import os

NOT_OWNED = "nothing owns that name on the session bus"


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


def xembed_tray() -> bool:
    """Does an X11 system tray (the owner of _NET_SYSTEM_TRAY_Sn) run?"""
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

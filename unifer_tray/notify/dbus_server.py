"""Is a freedesktop notification server on the session bus? (Linux/BSD desktops only.)

desktop-notifier and notify-send both 'succeed' silently with no server, so we ask the bus
whether anyone owns org.freedesktop.Notifications before relying on them.
"""

from __future__ import annotations

import asyncio
import os

NAME = "org.freedesktop.Notifications"


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


NOT_OWNED = "nothing owns that name on the session bus"


def server_present() -> tuple[bool, str]:
    present, why = name_owned(NAME)
    if why == NOT_OWNED:
        return False, "no notification server is running (install and start one, e.g. dunst or your desktop's)"
    return present, why

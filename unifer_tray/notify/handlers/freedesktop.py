"""freedesktop notifications over the D-Bus session bus (dbus-fast), on Linux and the BSDs.

We speak the protocol (org.freedesktop.Notifications) ourselves because the description must
update the reading's notification in place, which only `Notify`'s replaces_id does, and
desktop-notifier always sends 0 there. It is one method and two signals: `Notify` returns the
id to replace, `ActionInvoked` reports a click or a button, `NotificationClosed` ends it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import platform
from ...resources import icon_path
from .. import APP_NAME, Notification, server_present

if TYPE_CHECKING:
    from dbus_fast import Message
    from dbus_fast.aio import MessageBus

log = logging.getLogger("unifer_tray.notify")
SERVER = "org.freedesktop.Notifications"
SERVER_PATH = "/org/freedesktop/Notifications"
OPEN, CORRECT, CLICK = "open", "correct", "default"  # action keys; "default" is a click on the body
SEND_TIMEOUT_S = 10.0


class FreedesktopBackend:
    name = "freedesktop"
    can_replace = True

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bus: MessageBus | None = None
        self._markup = False  # the server reads <b> and &amp; in bodies, so text must be escaped
        self._shown: dict[int, Notification] = {}  # id -> what its buttons do, until it closes

    def is_available(self) -> tuple[bool, str]:
        if not platform.has_freedesktop_bus():
            return False, "not a freedesktop desktop"
        try:
            import dbus_fast  # noqa: F401
        except ImportError:
            return False, "dbus-fast is not installed (pip install dbus-fast)"
        return server_present()

    def send(self, notification: Notification, replaces: object | None = None) -> int:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, name="unifer-notify", daemon=True).start()
        replaced = replaces if isinstance(replaces, int) else 0
        coroutine = self._notify(notification, replaced)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=SEND_TIMEOUT_S)

    async def _connect(self) -> MessageBus:
        from dbus_fast.aio import MessageBus

        bus = await MessageBus().connect()
        bus.add_message_handler(self._on_message)
        await self._call(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch", "s",
            [f"type='signal',sender='{SERVER}',path='{SERVER_PATH}',interface='{SERVER}'"],
        )  # fmt: skip
        [capabilities] = await self._call(bus, SERVER, SERVER_PATH, SERVER, "GetCapabilities", "", [])
        self._markup = "body-markup" in capabilities
        return bus

    @staticmethod
    async def _call(
        bus: MessageBus, destination: str, path: str, interface: str, member: str, signature: str, body: list[Any]
    ) -> list[Any]:
        from dbus_fast import Message, MessageType

        message = Message(
            destination=destination, path=path, interface=interface, member=member, signature=signature, body=body
        )
        reply = await bus.call(message)
        if reply is None or reply.message_type == MessageType.ERROR:
            detail = f"{reply.error_name}: {reply.body}" if reply is not None else "no reply"
            raise OSError(f"{member} failed: {detail}")
        return reply.body

    async def _notify(self, notification: Notification, replaces: int) -> int:
        from dbus_fast import Variant

        if self._bus is None or not self._bus.connected:
            self._bus = await self._connect()
        actions: list[str] = []
        if notification.on_open:
            actions += [CLICK, "Open report", OPEN, "Open report"]
        if notification.on_correct:
            actions += [CORRECT, "Not right?"]
        body = escape(notification.body, quote=False) if self._markup else notification.body
        hints = {"urgency": Variant("y", 1)}
        [notification_id] = await self._call(
            self._bus, SERVER, SERVER_PATH, SERVER, "Notify", "susssasa{sv}i",
            [APP_NAME, replaces, Path(icon_path()).as_uri(), notification.title, body, actions, hints, -1],
        )  # fmt: skip
        self._shown.pop(replaces, None)
        self._shown[notification_id] = notification
        return notification_id

    def _on_message(self, message: Message) -> None:
        """On the loop thread: a button or a click runs its action on a thread of its own
        (opening a report, asking a label), so the bus is never held up."""
        if message.interface != SERVER or not message.body:
            return
        if message.member == "NotificationClosed":
            self._shown.pop(message.body[0], None)
        elif message.member == "ActionInvoked":
            notification_id, key = message.body
            shown = self._shown.get(notification_id)
            if shown is None:
                return
            action = shown.on_correct if key == CORRECT else shown.on_open if key in (OPEN, CLICK) else None
            if action is not None:
                threading.Thread(target=action, name="unifer-notification-action", daemon=True).start()

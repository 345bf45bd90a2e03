"""desktop-notifier: D-Bus (via dbus-fast) on Linux, UserNotifications on macOS, WinRT on Windows."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from ... import platform
from ...resources import icon_path
from .. import APP_NAME, Notification, server_present

if TYPE_CHECKING:
    from desktop_notifier import DesktopNotifier


class DesktopNotifierBackend:
    name = "desktop-notifier"

    def __init__(self) -> None:
        self._started: tuple[asyncio.AbstractEventLoop, DesktopNotifier] | None = None

    def is_available(self) -> tuple[bool, str]:
        try:
            from desktop_notifier.main import get_backend_class
        except ImportError:
            return False, "not installed (pip install desktop-notifier)"
        if platform.has_freedesktop_bus():
            return server_present()
        if get_backend_class().__name__ == "DummyNotificationCenter":  # it would drop every notification
            return False, platform.current().NO_NOTIFICATION_BACKEND
        refused = platform.current().notifications_refused(APP_NAME)
        return (False, refused) if refused else (True, "")

    def _start(self) -> tuple[asyncio.AbstractEventLoop, DesktopNotifier]:
        """One event loop thread, so click and button callbacks are delivered."""
        from desktop_notifier import DesktopNotifier, Icon

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="unifer-notify", daemon=True).start()
        icon = Icon(path=icon_path())  # not the default Python logo
        return loop, DesktopNotifier(app_name=APP_NAME, app_icon=icon)

    def send(self, notification: Notification) -> None:
        from desktop_notifier import Button

        if self._started is None:
            self._started = self._start()
        loop, notifier = self._started
        buttons = [Button(title="Open report", on_pressed=notification.on_open)] if notification.on_open else []
        if notification.on_correct:
            buttons.append(Button(title="Not right?", on_pressed=notification.on_correct))
        coroutine = notifier.send(
            title=notification.title, message=notification.body, buttons=buttons, on_clicked=notification.on_open
        )
        asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=10)

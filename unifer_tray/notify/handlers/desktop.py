"""desktop-notifier: UserNotifications on macOS, WinRT toasts on Windows.

A notification sent again with the same identifier takes the place of the first (macOS
replaces the request with that identifier, Windows the toast with that tag), which is how the
description updates the reading. On a freedesktop bus desktop-notifier always sends
replaces_id 0, so there the freedesktop backend is used instead.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from ... import platform
from ...resources import icon_path
from .. import APP_NAME, Notification

if TYPE_CHECKING:
    from desktop_notifier import DesktopNotifier


class DesktopNotifierBackend:
    name = "desktop-notifier"
    can_replace = True

    def __init__(self) -> None:
        self._started: tuple[asyncio.AbstractEventLoop, DesktopNotifier] | None = None

    def is_available(self) -> tuple[bool, str]:
        if platform.has_freedesktop_bus():
            return False, "not used on a freedesktop desktop (it cannot update a notification there)"
        try:
            from desktop_notifier.main import get_backend_class
        except ImportError:
            return False, "not installed (pip install desktop-notifier)"
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

    def send(self, notification: Notification, replaces: object | None = None) -> str:
        from desktop_notifier import Button
        from desktop_notifier import Notification as Native

        if self._started is None:
            self._started = self._start()
        loop, notifier = self._started
        buttons = [Button(title="Open report", on_pressed=notification.on_open)] if notification.on_open else []
        if notification.on_correct:
            buttons.append(Button(title="Not right?", on_pressed=notification.on_correct))
        same: dict[str, Any] = {"identifier": replaces} if isinstance(replaces, str) else {}  # the one it replaces
        native = Native(
            title=notification.title,
            message=notification.body,
            buttons=tuple(buttons),
            on_clicked=notification.on_open,
            **same,
        )
        coroutine = notifier.send_notification(native)
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=10)

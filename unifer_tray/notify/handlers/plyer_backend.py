"""plyer: the fallback the design names.

On Linux, plyer prefers dbus-python when it is importable, and that path fails intermittently
when keyring and pystray's GTK loop share the process (keyring's KWallet probe binds the shared
dbus-python connection to the GLib loop). So on Linux we always use plyer's notify-send
implementation, which runs in its own process and cannot be disturbed.
"""

from __future__ import annotations

import shutil

from ... import platform
from ...helpers import system_program_environment
from .. import APP_NAME, Notification, server_present


class PlyerBackend:
    name = "plyer"
    can_replace = False  # notify-send without --replace-id (older libnotify has none)

    def is_available(self) -> tuple[bool, str]:
        try:
            import plyer  # noqa: F401
        except ImportError:
            return False, "not installed (pip install plyer)"
        if platform.has_freedesktop_bus():
            if not shutil.which("notify-send"):
                return False, "notify-send is missing (install libnotify-bin)"
            return server_present()
        missing = platform.current().plyer_missing()
        return (False, missing) if missing else (True, "")

    def send(self, notification: Notification, replaces: object | None = None) -> None:
        with system_program_environment():  # notify-send is the system's, not the bundle's
            self._send(notification)

    def _send(self, notification: Notification) -> None:
        if platform.has_freedesktop_bus():
            from plyer.platforms.linux.notification import NotifySendNotification

            NotifySendNotification().notify(title=notification.title, message=notification.body, app_name=APP_NAME)
        else:
            from plyer import notification as plyer_notification

            plyer_notification.notify(title=notification.title, message=notification.body, app_name=APP_NAME)

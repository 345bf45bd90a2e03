"""Last resort: the tray icon's own balloon where the backend has one, and its tooltip and the log."""

from __future__ import annotations

import logging

from .. import Notification

log = logging.getLogger("unifer_tray.notify")


class TrayMessageBackend:
    name = "tray"

    def __init__(self, icon=None) -> None:
        self.icon = icon  # a pystray.Icon, set once the tray exists

    def is_available(self) -> tuple[bool, str]:
        return True, ""

    def send(self, notification: Notification) -> None:
        log.info("notification shown on the tray icon (fallback)")  # the result itself is never logged
        if self.icon is None:
            return
        self.icon.title = f"{notification.title}\n{notification.body}"[:127]
        if getattr(self.icon, "HAS_NOTIFICATION", False):
            try:
                self.icon.notify(notification.body, notification.title)
            except Exception as exc:  # the GTK backend's balloon needs a notification server too
                log.warning("tray balloon failed: %s", exc)

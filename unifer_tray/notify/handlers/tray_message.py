"""Last resort: the tray icon's own balloon where the backend has one, and its tooltip and the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .. import Notification

log = logging.getLogger("unifer_tray.notify")
# Windows balloons refuse longer texts (pystray passes them to Shell_NotifyIcon as they are).
TITLE_CHARS, BODY_CHARS, TOOLTIP_CHARS = 63, 255, 127


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TrayMessageBackend:
    name = "tray"
    can_replace = True  # one message at a time: the next one takes its place

    def __init__(self) -> None:
        self.icon: Any = None  # a pystray.Icon, set once the tray exists
        self.dispatch: Callable[[Callable[[], None]], None] = lambda change: change()

    def is_available(self) -> tuple[bool, str]:
        return True, ""

    def send(self, notification: Notification, replaces: object | None = None) -> None:
        log.info("notification shown on the tray icon (fallback)")  # the result itself is never logged
        icon = self.icon
        if icon is None:
            return
        title, body = _clip(notification.title, TITLE_CHARS), _clip(notification.body, BODY_CHARS)
        self.dispatch(lambda: self._show(icon, title, body))

    @staticmethod
    def _show(icon: Any, title: str, body: str) -> None:
        icon.title = _clip(f"{title}\n{body}", TOOLTIP_CHARS)
        if getattr(icon, "HAS_NOTIFICATION", False):
            try:
                icon.notify(body, title)
            except Exception as exc:  # the GTK backend's balloon needs a notification server too
                log.warning("tray balloon failed: %s", exc)

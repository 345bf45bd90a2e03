"""Menu callbacks that open a dialog or decrypt history must not hold the tray's loop (the menu
and icon would freeze until the dialog closes): they run on a thread of their own, and whatever
goes wrong there is a notification, never the end of the tray."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..notify import Notification
from .dialogs import DialogError

log = logging.getLogger("unifer_tray.tray")


class OffTheLoop:
    def __init__(self, notify: Callable[[Notification], None]) -> None:
        self._notify = notify

    def __call__(self, action: Callable[[], object]) -> Callable[[], None]:
        """A callback that starts `action` on its own thread."""

        def start() -> None:
            threading.Thread(target=self._guarded, args=(action,), name="unifer-menu", daemon=True).start()

        return start

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except DialogError as exc:
            self._notify(Notification("Dialog unavailable", str(exc)))
        except Exception as exc:  # a menu action must never take the tray down
            log.exception("menu action failed")
            self._notify(Notification("Action failed", f"{type(exc).__name__}: {exc}"))

"""Native notifications behind one small interface, with backends picked at run time.

The backends live in `handlers/`, in the order `handlers.default_backends()` gives; the tray
and `unifer doctor` both ask it, so they always agree on what would be used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..backends import Backend, choose
from ..platform import NOT_OWNED, name_owned

APP_NAME = "UniFER"
log = logging.getLogger("unifer_tray.notify")


@dataclass
class Notification:
    title: str
    body: str
    on_open: Callable[[], None] | None = None  # "Open report", where the backend has buttons or clicks
    on_correct: Callable[[], None] | None = None  # "Not right?" (webcam results), where it has buttons


class Notifier(Backend, Protocol):
    can_replace: bool  # a notification it sent can be updated in place

    def send(self, notification: Notification, replaces: object | None = None) -> object:
        """Show `notification`, in place of the one `replaces` names where the backend can;
        returns what names this one (a handle for `replaces`)."""
        ...


@dataclass(frozen=True)
class Sent:
    """A notification on screen: which backend showed it and what names it there."""

    backend: str
    handle: object


def server_present() -> tuple[bool, str]:
    """Is a freedesktop notification server on the session bus? desktop-notifier and
    notify-send both 'succeed' silently without one, so we ask the bus first."""
    present, why = name_owned("org.freedesktop.Notifications")
    if why == NOT_OWNED:
        return False, "no notification server is running (install and start one, e.g. dunst or your desktop's)"
    return present, why


class Notifications:
    """Sends through the first available backend; if that one fails at send time, through the
    last one (the tray icon's own message), which cannot fail."""

    def __init__(self, backends: Sequence[Notifier]) -> None:
        self.backends = list(backends)
        self.active, self.skipped = choose(self.backends, "notification backend")  # the last one always works
        self.fallback = self.backends[-1]
        for hint in self.skipped:
            log.info("notification backend skipped: %s", hint)
        log.info("notifications via %s", self.active.name)

    def attach_icon(self, icon: object, dispatch: Callable[[Callable[[], None]], None]) -> None:
        """Hand the tray icon to the backends that show messages on it, with the way the
        platform wants icon changes run (platform.ui_dispatcher)."""
        for backend in self.backends:
            if hasattr(backend, "icon"):
                backend.icon = icon  # the backends that draw on the icon
                backend.dispatch = dispatch  # type: ignore[attr-defined]

    @property
    def can_replace(self) -> bool:
        """Can a notification be updated in place (the reading, then its description)?"""
        return self.active.can_replace

    def send(self, notification: Notification, replacing: Sent | None = None) -> Sent:
        """Show it, in place of `replacing` when the same backend showed that one."""
        used = self.active
        try:
            handle = used.send(notification, self._handle_for(used, replacing))
        except Exception as exc:
            log.warning("%s failed (%s); using %s", used.name, exc, self.fallback.name)
            used = self.fallback
            handle = used.send(notification, self._handle_for(used, replacing))
        # Results stay out of logs above DEBUG: under autostart they end up in the system journal.
        log.info("notified via %s%s", used.name, " (in place)" if replacing else "")
        log.debug("notification: %s", notification.title)
        return Sent(used.name, handle)

    @staticmethod
    def _handle_for(backend: Notifier, replacing: Sent | None) -> object | None:
        return replacing.handle if replacing is not None and replacing.backend == backend.name else None

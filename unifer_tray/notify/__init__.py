"""Native notifications behind one small interface, with backends picked at run time.

Order: desktop-notifier (D-Bus on Linux, the modern APIs on macOS and Windows), then plyer,
then the tray icon's own message, which is always there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..backends import Backend, first_available

APP_NAME = "UniFER"


@dataclass
class Notification:
    title: str
    body: str
    on_open: Callable[[], None] | None = None  # "Open report", where the backend has buttons or clicks


class Notifier(Backend, Protocol):
    def send(self, notification: Notification) -> None: ...


def choose(backends: list[Notifier]) -> tuple[Notifier, list[str]]:
    """The first available backend, and hints about the ones skipped before it."""
    backend, hints = first_available(backends)
    if backend is None:
        raise RuntimeError("no notification backend at all")  # the tray backend is always available
    return backend, hints

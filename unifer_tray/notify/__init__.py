"""Native notifications behind one small interface, with backends picked at run time.

Order: desktop-notifier (D-Bus on Linux, the modern APIs on macOS and Windows), then plyer,
then the tray icon's own message. A backend is used only if its ``is_available()`` says so;
the reasons the better ones were skipped are kept as hints for `unifer doctor` and the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

APP_NAME = "UniFER"


@dataclass
class Notification:
    title: str
    body: str
    on_open: Callable[[], None] | None = None  # "Open report", where the backend has buttons or clicks


class Notifier(Protocol):
    name: str

    def is_available(self) -> tuple[bool, str]:
        """(usable, why not / how to fix)."""

    def send(self, notification: Notification) -> None: ...


def choose(backends: list[Notifier]) -> tuple[Notifier, list[str]]:
    """The first available backend, and hints about the ones skipped before it."""
    hints = []
    for backend in backends:
        usable, why = backend.is_available()
        if usable:
            return backend, hints
        hints.append(f"{backend.name}: {why}")
    raise RuntimeError("no notification backend at all")  # the tray backend is always available

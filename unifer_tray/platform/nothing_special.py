"""The answers of an OS with nothing special to do for a question: each OS module takes the ones
it needs from here and writes its own for the rest."""

from __future__ import annotations

from collections.abc import Callable

from .base import MacPermission


def allows(permission: MacPermission) -> bool | None:
    """No permission to ask for (macOS's privacy permissions)."""
    return None


def declare_dpi_awareness() -> None:
    pass


def ui_dispatcher() -> Callable[[Callable[[], None]], None]:
    """pystray's backends here are safe from any thread: a change runs where it is asked."""
    return lambda change: change()


def notifications_refused(app_name: str) -> str | None:
    return None


def plyer_missing() -> str | None:
    return None


def prepare_keyboard_on_main_thread() -> None:
    pass


def prepare_opencv() -> None:
    pass

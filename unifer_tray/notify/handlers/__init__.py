"""The notification backends, best first; the last is always available."""

from __future__ import annotations

from .. import Notifications, Notifier
from .desktop import DesktopNotifierBackend
from .freedesktop import FreedesktopBackend
from .plyer_backend import PlyerBackend
from .tray_message import TrayMessageBackend


def default_backends() -> list[Notifier]:
    """Our freedesktop client on Linux and the BSDs, desktop-notifier on macOS and Windows (both
    update a notification in place), then plyer, then the tray icon's own message."""
    return [FreedesktopBackend(), DesktopNotifierBackend(), PlyerBackend(), TrayMessageBackend()]


def default_notifications() -> Notifications:
    return Notifications(default_backends())

"""The notification backends, best first; the last is always available."""

from __future__ import annotations

from .. import Notifications, Notifier
from .desktop import DesktopNotifierBackend
from .plyer_backend import PlyerBackend
from .tray_message import TrayMessageBackend


def default_backends() -> list[Notifier]:
    """desktop-notifier (D-Bus on Linux, the modern APIs on macOS and Windows), then plyer,
    then the tray icon's own message."""
    return [DesktopNotifierBackend(), PlyerBackend(), TrayMessageBackend()]


def default_notifications() -> Notifications:
    return Notifications(default_backends())

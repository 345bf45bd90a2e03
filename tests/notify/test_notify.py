"""Notifications go through the first backend that can work; one that fails when sending hands
over to the tray's own message, which cannot fail."""

from __future__ import annotations

from unifer_tray.notify import Notification, Notifications


class Backend:
    def __init__(self, name: str, usable: bool, fails: bool = False) -> None:
        self.name, self.usable, self.fails, self.sent = name, usable, fails, []

    def is_available(self) -> tuple[bool, str]:
        return self.usable, "" if self.usable else f"{self.name} is missing"

    def send(self, notification: Notification) -> None:
        if self.fails:
            raise OSError("the notification server went away")
        self.sent.append(notification.title)


def test_the_first_usable_backend_is_used_and_the_skipped_ones_are_hints():
    missing, desktop, tray = Backend("plyer", False), Backend("desktop", True), Backend("tray", True)
    notifications = Notifications([missing, desktop, tray])
    assert notifications.send(Notification("Happiness 87%", "1 face")) == "desktop"
    assert desktop.sent == ["Happiness 87%"] and notifications.skipped == ["plyer: plyer is missing"]


def test_a_backend_that_fails_when_sending_falls_back_to_the_tray_message():
    broken, tray = Backend("desktop", True, fails=True), Backend("tray", True)
    notifications = Notifications([broken, tray])
    assert notifications.send(Notification("Happiness 87%", "1 face")) == "tray"
    assert tray.sent == ["Happiness 87%"]

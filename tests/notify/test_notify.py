"""Notifications go through the first backend that can work; one that fails when sending hands
over to the tray's own message, which cannot fail."""

from __future__ import annotations

from unifer_tray.notify import Notification, Notifications, Sent


class Backend:
    can_replace = True

    def __init__(self, name: str, usable: bool, fails: bool = False) -> None:
        self.name, self.usable, self.fails, self.sent = name, usable, fails, []

    def is_available(self) -> tuple[bool, str]:
        return self.usable, "" if self.usable else f"{self.name} is missing"

    def send(self, notification: Notification, replaces: object | None = None) -> int:
        if self.fails:
            raise OSError("the notification server went away")
        self.sent.append((notification.title, replaces))
        return len(self.sent)


def test_the_first_usable_backend_is_used_and_the_skipped_ones_are_hints():
    missing, desktop, tray = Backend("plyer", False), Backend("desktop", True), Backend("tray", True)
    notifications = Notifications([missing, desktop, tray])
    assert notifications.send(Notification("Happiness 87%", "1 face")) == Sent("desktop", 1)
    assert desktop.sent == [("Happiness 87%", None)] and notifications.skipped == ["plyer: plyer is missing"]


def test_a_backend_that_fails_when_sending_falls_back_to_the_tray_message():
    broken, tray = Backend("desktop", True, fails=True), Backend("tray", True)
    notifications = Notifications([broken, tray])
    assert notifications.send(Notification("Happiness 87%", "1 face")) == Sent("tray", 1)
    assert tray.sent == [("Happiness 87%", None)]


def test_an_update_goes_in_place_of_the_notification_the_same_backend_showed():
    desktop, tray = Backend("desktop", True), Backend("tray", True)
    notifications = Notifications([desktop, tray])
    reading = notifications.send(Notification("Happiness 87%", "1 face"))
    described = notifications.send(Notification("Happiness 87%", "1 smiling face"), replacing=reading)
    assert desktop.sent == [("Happiness 87%", None), ("Happiness 87%", 1)] and described.backend == "desktop"
    desktop.fails = True  # the server went away: the fallback cannot replace what it did not show
    notifications.send(Notification("Happiness 87%", "again"), replacing=reading)
    assert tray.sent == [("Happiness 87%", None)]

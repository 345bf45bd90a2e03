"""Menu callbacks run off the tray's loop, and what fails there is a notification."""

from __future__ import annotations

import sys
import threading
import time

from tray_fakes import (
    FakePipeline,
    make_app,
    wait_for,
)

from unifer_tray.tray.actions import Action


def test_menu_dialogs_run_off_the_tray_loop(apps, monkeypatch):
    """Keep history…, Save report…: the dialog may stay open for minutes; the menu must not freeze."""
    from unifer_tray.tray import dialogs

    released = threading.Event()
    asked: list[str] = []

    def slow_question(title: str, text: str) -> bool:
        asked.append(title)
        released.wait(5)  # the user reading the consent text
        return False

    monkeypatch.setattr(dialogs, "ask_yes_no", slow_question)
    app = make_app(FakePipeline())
    apps.append(app)
    start = time.monotonic()
    app.in_background(app.history_actions.keep)()  # what the menu item calls
    assert time.monotonic() - start < 0.5
    wait_for(lambda: asked == ["Keep history?"], "the dialog")
    released.set()


def test_a_dialog_that_cannot_open_is_a_notification(apps, monkeypatch):

    monkeypatch.setattr(
        "unifer_tray.helpers.helper_command", lambda module: [sys.executable, "-c", "import tkinter_missing"]
    )
    app = make_app(FakePipeline())
    apps.append(app)
    app.in_background(app.history_actions.keep)()
    wait_for(lambda: len(app.notifications.sent) == 1, "the notification")
    told = app.notifications.sent[0]
    assert told.title == "Dialog unavailable" and "ModuleNotFoundError" in told.body
    app.trigger(Action.FILE)  # Analyze image file… : the same problem, as a capture failure
    wait_for(lambda: len(app.notifications.sent) == 2, "the capture failure")
    assert app.notifications.sent[1].title == "Capture failed"

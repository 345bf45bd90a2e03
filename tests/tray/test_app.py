"""TrayApp's rules with its collaborators passed in: no desktop, no models, no threads left behind.

The real tray on a real headless desktop is tested in test_tray_e2e.py; these check the rules
that are hard to provoke there on purpose: hotkey storms while the overlay is open, a newer
capture superseding a running one, history kept only when it is on, failures as notifications.
"""

from __future__ import annotations

import pytest
from tray_fakes import (
    FakeHistory,
    FakeNotifications,
    FakePipeline,
    make_app,
    one_face,
    wait_for,
)

from unifer_tray.tray.actions import Action
from unifer_tray.tray.app import DESCRIPTION_IN_REPORT


@pytest.mark.parametrize("thumbnails", [False, True])
def test_history_is_written_only_when_it_is_on(apps, thumbnails):
    off, on = FakeHistory(enabled=False), FakeHistory(enabled=True, thumbnails=thumbnails)
    for history in (off, on):
        app = make_app(FakePipeline(faces=[one_face()]), history)
        apps.append(app)
        app.trigger(Action.SCREEN)
        wait_for(lambda app=app: len(app.notifications.sent) == 1, "the notification")
    assert off.added == []
    [(analysis, source_type, crops)] = on.added
    assert source_type == "screen" and analysis.faces[0].expression == "happiness"
    assert (crops is not None and len(crops) == 1) if thumbnails else crops is None


def test_the_report_and_notification_come_from_the_outcome_step(apps):
    app = make_app(FakePipeline(faces=[one_face()]))
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(app.notifications.sent) == 1, "the notification")
    notification = app.notifications.sent[0]
    assert notification.title == "Happiness 90% · 1 face"
    assert "clear happiness (90%)" in notification.body
    assert app.reporting.last is not None and app.reporting.last[1].startswith("unifer-report-")
    assert "fake-model 1.0" in app.reports.pages[0]


def test_a_capture_failure_is_a_notification_and_the_tray_goes_on(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline)
    apps.append(app)
    app.trigger(Action.WEBCAM)
    wait_for(lambda: len(app.notifications.sent) == 1, "the failure notification")
    failure = app.notifications.sent[0]
    assert failure.title == "Capture failed" and "no camera found" in failure.body
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(app.notifications.sent) == 2, "the next capture's notification")
    assert pipeline.sources == ["screen"]


def test_notifications_off_in_settings_sends_none(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline, notifications=False)
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: app.reporting.last is not None, "the report")
    assert app.notifications.sent == []


def test_ping_and_quit_are_answered_without_the_worker(apps):
    app = make_app(FakePipeline())
    apps.append(app)
    assert app.trigger(Action.PING) == "pong"
    assert app.trigger(Action.QUIT) == "quitting"


def test_hotkeys_send_the_same_actions_as_the_menu(apps):
    app = make_app(FakePipeline(), hotkey_webcam="off")
    apps.append(app)
    assert list(app.hotkey_bindings()) == [app.config.tray.hotkey_region]
    app.config.tray.hotkey_webcam = "<ctrl>+<alt>+w"
    assert list(app.hotkey_bindings()) == [app.config.tray.hotkey_region, "<ctrl>+<alt>+w"]


def test_actions_are_the_ipc_words_and_the_trigger_choices():
    from unifer_tray.tray.main import main

    assert [action.value for action in Action] == [
        "region",
        "screen",
        "webcam",
        "file",
        "window",
        "open",
        "live",
        "teach",
        "quit",
        "ping",
    ]
    assert Action.parse("file") is Action.FILE and Action.parse("format c:") is None
    with pytest.raises(SystemExit) as usage:
        main(["--trigger", "nonsense"])
    assert usage.value.code == 2


def test_the_record_is_written_before_its_notification(apps):
    order: list[str] = []
    history = FakeHistory(enabled=True)
    history.add = lambda *args, **kwargs: order.append("record") or 1
    app = make_app(FakePipeline(faces=[one_face()]), history)
    apps.append(app)
    app.notifications.send = lambda notification, replacing=None: order.append("notification") or "fake"
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(order) == 2, "the record and the notification")
    assert order == ["record", "notification"]


def test_the_reading_comes_at_once_and_its_description_replaces_it_in_place(apps):
    pipeline = FakePipeline(faces=[one_face()], blocking=True, describes=True)  # describing until let go
    app = make_app(pipeline)
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(app.notifications.sent) == 1, "the reading")
    [reading] = app.notifications.sent
    assert reading.title == "Happiness 90% · 1 face" and app.notifications.replaced == []
    assert "A smiling face." not in app.reports.pages[0]
    pipeline.answer.set()
    wait_for(lambda: len(app.notifications.replaced) == 1, "the description")
    [(replaced, described)] = app.notifications.replaced
    assert replaced == 0 and described.body.startswith("A smiling face.")  # the first one, updated
    assert len(app.notifications.sent) == 1 and len(app.reports.pages) == 1  # nothing shown twice
    assert "A smiling face." in app.reports.pages[0]  # the same report, with the description


def test_where_a_notification_cannot_be_updated_the_reading_says_where_the_description_goes(apps):
    app = make_app(FakePipeline(faces=[one_face()], describes=True), notifier=FakeNotifications(can_replace=False))
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: app.worker.jobs.empty() and app._state == "idle", "the capture to finish")
    [reading] = app.notifications.sent
    assert reading.body.endswith(DESCRIPTION_IN_REPORT) and app.notifications.replaced == []
    assert "A smiling face." in app.reports.pages[0]

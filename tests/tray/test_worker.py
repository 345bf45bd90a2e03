"""The capture worker's rules: one overlay at a time, a newer capture supersedes, Quit drains."""

from __future__ import annotations

import time

from tray_fakes import (
    FakeHistory,
    FakePipeline,
    captures_of,
    make_app,
    one_face,
    wait_for,
)

from unifer_tray.tray.actions import Action


def test_a_hotkey_storm_while_the_overlay_is_open_gives_one_capture(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline)
    apps.append(app)
    assert app.trigger(Action.REGION) == "queued"
    wait_for(app.worker.overlay_open.is_set, "the overlay to open")
    replies = {app.trigger(Action.REGION) for _ in range(50)}
    assert replies == {"overlay already open"}
    captures_of(app).drag_done.set()
    wait_for(lambda: len(app.notifications.sent) == 1, "the notification")
    time.sleep(0.1)  # nothing else is queued behind it
    assert captures_of(app).regions == 1 and pipeline.sources == ["screen region"]
    assert app.notifications.sent[0].title == "No face found"


def test_a_newer_capture_supersedes_the_running_one_and_replaces_the_pending_one(apps):
    pipeline = FakePipeline(blocking=True)
    app = make_app(pipeline)
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(pipeline.cancels) == 1, "the first analysis to start")
    assert not pipeline.cancels[0].is_set()
    app.trigger(Action.SCREEN)  # pending, then replaced by the next one
    app.trigger(Action.SCREEN)
    assert pipeline.cancels[0].is_set()  # the running description was told to give up
    wait_for(lambda: len(app.notifications.sent) == 2, "both notifications")
    time.sleep(0.1)
    assert len(pipeline.sources) == 2  # the first capture and the newest one; the middle one was dropped


def test_quit_lets_the_running_capture_finish_and_keep_its_record(apps):
    pipeline = FakePipeline(faces=[one_face()], blocking=True)  # describing until told to stop
    history = FakeHistory(enabled=True)
    app = make_app(pipeline, history)
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(pipeline.cancels) == 1, "the analysis to start")
    app.trigger(Action.REGION)  # pending, not started: dropped at quit (no overlay after Quit)
    app.quit()
    assert pipeline.cancels[0].is_set()  # the description was cut short...
    assert len(history.added) == 1 and len(app.notifications.sent) == 1  # ...the record and notice kept
    assert captures_of(app).regions == 0 and pipeline.sources == ["screen"]
    assert app.worker.thread is not None and not app.worker.thread.is_alive()

"""The tray's settings: toggles reach the pipeline and are saved; edits apply from the next capture."""

from __future__ import annotations

import os
import time

from tray_fakes import (
    FakePipeline,
    capture,
    captures_of,
    make_app,
    wait_for,
)

from unifer_tray.tray.actions import Action


def test_the_describe_toggle_reaches_the_pipeline_with_the_next_capture(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline, describe=True)
    apps.append(app)
    capture(app, Action.SCREEN)
    assert pipeline.ollama == app.config.ollama
    app.settings.toggle("describe")
    capture(app, Action.SCREEN)
    assert pipeline.ollama is None and app.config.tray.describe is False
    app.settings.toggle("describe")
    capture(app, Action.SCREEN)
    assert pipeline.ollama == app.config.ollama


def test_menu_toggles_are_saved(apps, settings_file):
    from unifer_tray.config import load_config

    app = make_app(FakePipeline())
    apps.append(app)
    app.settings.toggle("notifications")
    app.settings.toggle("describe")
    saved = load_config(settings_file)
    assert saved.tray.notifications is False and saved.tray.describe is False


def test_settings_edited_while_running_apply_from_the_next_capture(apps, settings_file):
    app = make_app(FakePipeline())
    apps.append(app)
    settings_file.write_text('[camera]\nsource = 2\n[tray]\nhotkey_region = "<ctrl>+<alt>+r"\n')
    os.utime(settings_file, (time.time() + 5, time.time() + 5))  # as a later edit would
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(app.notifications.sent) == 2, "the hotkey notice and the result")
    assert captures_of(app).camera.source == 2 and app.config.tray.hotkey_region == "<ctrl>+<alt>+r"
    assert app.notifications.sent[0].title == "New hotkeys"


def test_a_broken_edit_keeps_the_settings_in_force(apps, settings_file):
    app = make_app(FakePipeline())
    apps.append(app)
    settings_file.write_text("[ollama]\ntimeout = -3\n")
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(app.notifications.sent) == 2, "the warning and the result")
    warning = app.notifications.sent[0]
    assert warning.title == "Settings not reloaded" and "timeout must be a positive number" in warning.body
    assert app.config.ollama.timeout == 30.0

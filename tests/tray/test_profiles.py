"""The tray's profile flows: which captures a profile reads, consent, Not right?, teaching."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from tray_fakes import (
    FakePipeline,
    FakeProfiles,
    capture,
    make_app,
    one_face,
    wait_for,
    webcam_app,
)

from unifer_tray.result import LABELS
from unifer_tray.tray.actions import Action


@pytest.mark.parametrize(
    ("apply_to", "webcam_adapted", "screen_adapted"),
    [("webcam", True, False), ("all", True, True), ("none", False, False)],
)
def test_the_profile_reads_the_captures_the_setting_names(apps, apply_to, webcam_adapted, screen_adapted):
    """Screen captures show other people: read with the user's profile only if they chose "all"."""
    pipeline = FakePipeline([one_face()])
    app = webcam_app(apps, pipeline, profiles=FakeProfiles(("me",)), apply_to=apply_to)
    capture(app, Action.WEBCAM)
    capture(app, Action.SCREEN)
    assert [profile is not None for profile in pipeline.profiles] == [webcam_adapted, screen_adapted]


def test_without_a_profile_nothing_is_applied_and_nothing_is_said(apps):
    pipeline = FakePipeline([one_face()])
    app = webcam_app(apps, pipeline, apply_to="all")
    capture(app, Action.WEBCAM)
    assert pipeline.profiles == [None] and len(app.notifications.sent) == 1


def test_an_unusable_profile_is_said_once_and_the_general_reading_still_arrives(apps):
    pipeline = FakePipeline([one_face()])
    profiles = FakeProfiles(("me",), problem="the key of the profile 'me' is missing from the keyring")
    app = webcam_app(apps, pipeline, profiles=profiles)
    capture(app, Action.WEBCAM)
    capture(app, Action.WEBCAM)
    titles = [n.title for n in app.notifications.sent]
    assert titles.count("Expression profile not used") == 1
    assert "missing from the keyring" in app.notifications.sent[0].body
    assert titles.count("Happiness 90% · 1 face") == 2 and pipeline.profiles == [None, None]


def test_not_right_on_a_webcam_result_teaches_the_profile_from_the_general_reading(apps, monkeypatch):
    from unifer_tray.tray import dialogs

    pipeline = FakePipeline([one_face()])
    profiles = FakeProfiles(("me",))
    app = webcam_app(apps, pipeline, profiles=profiles)
    capture(app, Action.WEBCAM)
    result = app.notifications.sent[-1]
    assert result.on_correct is not None and "Not right?" in app.reports.pages[-1]
    assert "general: happiness 90%" in result.body  # the profile changed the reading, and says so

    answer = app.reports.on_correct("neutral")  # the report's form
    assert answer.startswith("Learned: this face showed neutral") and "webcam snapshots" in answer
    ((name, [example]),) = profiles.added
    assert name == "me" and example.label == "neutral" and example.source == "correction"
    assert example.features[LABELS.index("happiness")] == pytest.approx(np.log(0.9))  # the general reading

    monkeypatch.setattr(dialogs, "ask_label", lambda reading: "surprise")  # the notification's button
    result.on_correct()
    wait_for(lambda: len(profiles.added) == 2, "the second correction")
    assert profiles.added[1][1][0].label == "surprise"

    capture(app, Action.SCREEN)  # other people: nothing to correct
    assert app.notifications.sent[-1].on_correct is None and app.reports.on_correct is None


def test_not_right_without_a_profile_asks_consent_first(apps, monkeypatch):
    from unifer_tray.tray import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda title, text: asked.append(text) or False)
    profiles = FakeProfiles()
    app = webcam_app(apps, FakePipeline([one_face()]), profiles=profiles)
    capture(app, Action.WEBCAM)
    assert app.reports.on_correct("neutral") == "Nothing was stored: the expression profile was not created."
    assert not profiles.added and "expression profile named 'me'" in asked[0]
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda title, text: True)
    assert app.reports.on_correct("neutral").startswith("Learned")
    assert profiles.exists("me") and len(profiles.added) == 1


def test_without_a_secure_keyring_no_consent_is_asked_and_nothing_is_stored(apps, monkeypatch):
    from unifer_tray.tray import dialogs

    monkeypatch.setattr(dialogs, "ask_yes_no", lambda title, text: pytest.fail("asked without a keyring"))
    profiles = FakeProfiles(problem="no secure keyring is available (found: keyring.backends.fail.Keyring)")
    app = webcam_app(apps, FakePipeline([one_face()]), profiles=profiles)
    capture(app, Action.WEBCAM)
    assert app.reports.on_correct("neutral") == "Nothing was stored: the expression profile was not created."
    assert app.notifications.sent[-1].title == "Expression profile not created"
    assert "no secure keyring" in app.notifications.sent[-1].body and not profiles.added


def test_a_consent_dialog_that_cannot_open_is_said_from_the_report_too(apps, monkeypatch):
    from unifer_tray.tray import dialogs

    def no_tk(title, text):
        raise dialogs.DialogError("the dialog could not open: no display")

    monkeypatch.setattr(dialogs, "ask_yes_no", no_tk)
    profiles = FakeProfiles()
    app = webcam_app(apps, FakePipeline([one_face()]), profiles=profiles)
    capture(app, Action.WEBCAM)
    assert app.reports.on_correct("neutral").startswith("Nothing was stored")
    assert app.notifications.sent[-1].title == "Expression profile not created"
    assert "no display" in app.notifications.sent[-1].body and not profiles.added


@pytest.mark.parametrize(
    ("code", "title"),
    [(0, "UniFER learned your expressions"), (1, "Teaching did not finish"), (3, "Nothing was stored"), (2, None)],
)
def test_how_a_teach_session_ended_is_said_and_only_its_last_line(apps, code, title):
    """The window's exit code picks the notification; a cancel (2) is the user's own doing."""
    import subprocess

    app = make_app(FakePipeline())
    apps.append(app)
    script = f"print('teach: taking neutral'); print('teach: how it ended'); raise SystemExit({code})"
    window = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    app.profile.window.watch(window)
    sent = [(n.title, n.body) for n in app.notifications.sent]
    assert sent == ([(title, "how it ended")] if title else [])


def test_an_unchanged_profile_is_read_once_and_a_changed_one_again(apps):
    pipeline = FakePipeline([one_face()])
    profiles = FakeProfiles(("me",))
    app = webcam_app(apps, pipeline, profiles=profiles)
    capture(app, Action.WEBCAM)
    capture(app, Action.WEBCAM)
    assert profiles.reads == 1 and all(p is not None for p in pipeline.profiles)
    app.reports.on_correct("neutral")  # the profile file changes
    capture(app, Action.WEBCAM)
    assert profiles.reads == 2
    profiles.names.clear()  # deleted (the CLI, or the menu)
    capture(app, Action.WEBCAM)
    assert pipeline.profiles[-1] is None

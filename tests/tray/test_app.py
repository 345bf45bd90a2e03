"""TrayApp's rules with its collaborators passed in: no desktop, no models, no threads left behind.

The real tray on a real headless desktop is tested in test_tray_e2e.py; these check the rules
that are hard to provoke there on purpose: hotkey storms while the overlay is open, a newer
capture superseding a running one, history kept only when it is on, failures as notifications.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from unifer_tray.capture import CaptureError
from unifer_tray.capture.sources import Captured
from unifer_tray.config import Config
from unifer_tray.profile.store import ProfileStore
from unifer_tray.result import LABELS, Analysis, Face
from unifer_tray.tray.actions import Action
from unifer_tray.tray.app import TrayApp

PIXELS = np.full((120, 160, 3), 128, np.uint8)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def one_face() -> Face:
    probabilities = dict.fromkeys(LABELS, 0.0) | {"happiness": 0.9, "neutral": 0.1}
    return Face(
        box=[40, 30, 50, 50],
        score=0.95,
        landmarks=[[0.0, 0.0]] * 6,
        expression="happiness",
        confidence=0.9,
        probabilities=probabilities,
        intensity="high",
        compound=None,
        valence=0.8,
        arousal=0.4,
    )


class FakePipeline:
    """Answers at once, or (blocking=True) like a description that runs until superseded."""

    def __init__(self, faces: list[Face] | None = None, blocking: bool = False):
        self.model_versions = ["fake-model 1.0"]
        self.faces = faces or []
        self.blocking = blocking
        self.sources: list[str] = []
        self.cancels: list[threading.Event] = []
        self.profiles: list = []

    def run(self, image, source: str, cancel: threading.Event, profile=None):
        self.sources.append(source)
        self.cancels.append(cancel)
        self.profiles.append(profile)
        if self.blocking and len(self.cancels) == 1:
            cancel.wait(10)
        analysis = Analysis(source, PIXELS.shape[1], PIXELS.shape[0], faces=list(self.faces))
        return (profile.apply(analysis) if profile else analysis), PIXELS

    def describe_with(self, ollama) -> None:
        self.ollama = ollama


class FakeCaptures:
    def __init__(self) -> None:
        self.regions = 0
        self.drag_done = threading.Event()

    def screen(self) -> Captured:
        return Captured(PIXELS, "screen")

    def region(self, overlay_open: threading.Event) -> Captured | None:
        self.regions += 1
        overlay_open.set()
        try:
            self.drag_done.wait(10)  # the user is still dragging
        finally:
            overlay_open.clear()
        return Captured(PIXELS, "screen region")

    camera = False  # no camera, unless a test plugs one in

    def webcam(self) -> Captured:
        if not self.camera:
            raise CaptureError("no camera found at index 0: connect a camera")
        return Captured(PIXELS, "webcam")


class FakeNotifications:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, notification) -> str:
        self.sent.append(notification)
        return "fake"

    def attach_icon(self, icon) -> None:
        pass


class FakeHistory:
    def __init__(self, enabled: bool, thumbnails: bool = False):
        self.enabled = enabled
        self.consent_stamp: str | None = "1000.0" if enabled else None
        self.thumbnails_allowed = thumbnails
        self.added: list[tuple[Analysis, str, list[str] | None]] = []

    def add(self, analysis: Analysis, source_type: str, thumbnails: list[str] | None = None) -> int:
        self.added.append((analysis, source_type, thumbnails))
        return len(self.added)

    def consent_text(self) -> str:
        return "UniFER will keep a history of your analyses on this computer."


class FakeReports:
    def __init__(self) -> None:
        self.pages: list[str] = []

    def publish(self, html: str, valid=None, on_correct=None) -> str:
        self.pages.append(html)
        self.on_correct = on_correct
        return str(len(self.pages))

    def launcher(self, report_id: str) -> Path:
        return Path(f"/run/user/1/unifer-tray/report-{report_id}.html")

    def prune(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeProfiles:
    """A profile store without a keyring: `problem` makes every read fail as a lost key would."""

    def __init__(self, names: tuple[str, ...] = (), problem: str | None = None) -> None:
        self.names = set(names)
        self.problem = problem
        self.added: list[tuple[str, list]] = []
        self.reads = 0  # decryptions, each a keyring round trip in the real store

    def exists(self, name: str) -> bool:
        return name in self.names

    def path(self, name: str) -> Path:
        return Path("profiles") / f"{name}.profile"

    def stamp(self, name: str):
        return (len(self.added), 0) if name in self.names else None

    def check_keyring(self) -> None:
        from unifer_tray.profile.store import ProfileError

        if self.problem:
            raise ProfileError(self.problem)

    def calibration(self, name: str):
        from unifer_tray.profile.calibration import Calibration
        from unifer_tray.profile.store import ProfileError

        self.reads += 1
        if self.problem:
            raise ProfileError(self.problem)
        return Calibration(name, (1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0))  # neutral up, happiness down

    def add(self, name: str, examples: list):
        from unifer_tray.profile.store import Profile

        self.names.add(name)
        self.added.append((name, examples))
        return Profile(name, 0.0, [e for _, batch in self.added for e in batch])

    def consent_text(self, name: str) -> str:
        return f"UniFER will keep an expression profile named '{name}'."

    may_create = ProfileStore.may_create  # the real consent rule, over this stand-in's parts


class FakeHotkeys:
    def stop(self) -> None:
        pass


def make_app(
    pipeline: FakePipeline,
    history: FakeHistory | None = None,
    profiles: FakeProfiles | None = None,
    apply_to: str = "webcam",
    reports=None,
    **config_changes,
) -> TrayApp:
    config = Config()
    config.profile.apply_to = apply_to
    for name, value in config_changes.items():
        setattr(config.tray, name, value)
    app = TrayApp(
        config,
        pipeline=lambda: pipeline,
        captures=FakeCaptures(),
        notifications=FakeNotifications(),
        history=history or FakeHistory(enabled=False),
        reports=reports or FakeReports(),
        hotkeys=FakeHotkeys(),
        profiles=profiles or FakeProfiles(),
    )
    app.worker.start()
    return app


@pytest.fixture(autouse=True)
def settings_file(tmp_path, monkeypatch) -> Path:
    """Each test's own settings file: toggles are saved, and edits are picked up."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("UNIFER_CONFIG", str(path))
    return path


@pytest.fixture
def apps():
    made: list[TrayApp] = []
    yield made
    for app in made:
        app.worker.replace_pending(None)  # ends the worker thread


def test_a_hotkey_storm_while_the_overlay_is_open_gives_one_capture(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline)
    apps.append(app)
    assert app.trigger(Action.REGION) == "queued"
    wait_for(app.worker.overlay_open.is_set, "the overlay to open")
    replies = {app.trigger(Action.REGION) for _ in range(50)}
    assert replies == {"overlay already open"}
    app.captures.drag_done.set()
    wait_for(lambda: len(app.notifications.sent) == 1, "the notification")
    time.sleep(0.1)  # nothing else is queued behind it
    assert app.captures.regions == 1 and pipeline.sources == ["screen region"]
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


def test_the_describe_toggle_reaches_the_pipeline(apps):
    pipeline = FakePipeline()
    app = make_app(pipeline, describe=True)
    apps.append(app)
    assert app.pipeline is pipeline
    app.settings.toggle("describe")
    assert pipeline.ollama is None and app.config.tray.describe is False
    app.settings.toggle("describe")
    assert pipeline.ollama is app.config.ollama


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
        "live",
        "teach",
        "quit",
        "ping",
    ]
    assert Action.parse("file") is Action.FILE and Action.parse("format c:") is None
    with pytest.raises(SystemExit) as usage:
        main(["--trigger", "nonsense"])
    assert usage.value.code == 2


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
    assert app.captures.regions == 0 and pipeline.sources == ["screen"]
    assert app.worker.thread is not None and not app.worker.thread.is_alive()


def test_the_record_is_written_before_its_notification(apps):
    order: list[str] = []
    history = FakeHistory(enabled=True)
    history.add = lambda *args, **kwargs: order.append("record") or 1
    app = make_app(FakePipeline(faces=[one_face()]), history)
    apps.append(app)
    app.notifications.send = lambda notification: order.append("notification") or "fake"
    app.trigger(Action.SCREEN)
    wait_for(lambda: len(order) == 2, "the record and the notification")
    assert order == ["record", "notification"]


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
    assert app.captures.camera.source == 2 and app.config.tray.hotkey_region == "<ctrl>+<alt>+r"
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


def test_without_a_browser_the_report_address_is_given(apps, monkeypatch):
    import webbrowser

    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser looks for browsers again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    app = make_app(FakePipeline())
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: app.reporting.last is not None, "the report")
    app.reporting.open_last()
    told = app.notifications.sent[-1]
    assert told.title == "No web browser found" and "/unifer-tray/report-1.html" in told.body


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


def test_the_history_dashboard_leaves_memory_when_history_stops(apps, monkeypatch):
    """Stopping (and deleting) history drops the decrypted page at once; a history turned on
    again before the browser asks never brings the old page back."""
    from unifer_tray.report.server import ReportServer
    from unifer_tray.tray import dialogs

    monkeypatch.setattr(dialogs, "ask_yes_no", lambda title, text: True)  # "Delete everything?" yes
    monkeypatch.setattr("unifer_tray.tray.reports.open_in_browser", lambda page: True)
    history = FakeHistory(enabled=True)
    history.records = lambda: []

    def disable(delete: bool) -> None:
        history.enabled, history.consent_stamp = False, None

    history.disable = disable
    app = make_app(FakePipeline(), history=history, reports=ReportServer())
    apps.append(app)
    app.history_actions.open_dashboard()
    (dashboard,) = app.reports._reports  # the page, decrypted, held in memory
    app.history_actions.stop()
    assert dashboard not in app.reports._reports  # dropped at once, not at the next request
    history.enabled, history.consent_stamp = True, "2000.0"  # turned on again, a new history
    assert app.reports.html(dashboard) is None and app.reports.launcher(dashboard) is None
    app.reports.close()


def test_a_dashboard_is_not_served_into_a_new_history(apps, monkeypatch):
    from unifer_tray.report.server import ReportServer

    monkeypatch.setattr("unifer_tray.tray.reports.open_in_browser", lambda page: True)
    history = FakeHistory(enabled=True)
    history.records = lambda: []
    app = make_app(FakePipeline(), history=history, reports=ReportServer())
    apps.append(app)
    app.history_actions.open_dashboard()
    (dashboard,) = app.reports._reports
    history.consent_stamp = "2000.0"  # deleted and turned on again by `unifer history` meanwhile
    assert app.reports.html(dashboard) is None
    app.reports.close()


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


def webcam_app(apps: list[TrayApp], pipeline: FakePipeline, **options) -> TrayApp:
    """A tray with a camera plugged in (make_app's options), stopped after the test."""
    app = make_app(pipeline, **options)
    apps.append(app)
    app.captures.camera = True
    return app


def capture(app: TrayApp, action: Action) -> None:
    count = len(app.notifications.sent)
    app.trigger(action)
    wait_for(lambda: len(app.notifications.sent) > count, f"the {action.value} notification")


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

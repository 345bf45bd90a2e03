"""Stand-ins for TrayApp's collaborators (pipeline, captures, notifications, history, reports,
hotkeys, profile store) and a tray built from them: the tray's rules tested without a desktop.

The analysis process's work (`Analyst`) runs in the test's process, on the tray's worker thread,
with the same messages it would send over its pipes (tests/tray/test_analysis_process.py runs
the real process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from unifer_tray.capture import CaptureError
from unifer_tray.capture.sources import Captured
from unifer_tray.config import Config
from unifer_tray.notify import Sent
from unifer_tray.profile.store import ProfileStore
from unifer_tray.result import LABELS, Analysis, Description, Face
from unifer_tray.tray.actions import Action
from unifer_tray.tray.analyst import Analyst, describing
from unifer_tray.tray.app import TrayApp
from unifer_tray.tray.jobs import Finished

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
    """Answers at once, or (blocking=True) like a description that runs until superseded;
    `describes`: shows the reading first, as the real pipeline does when it describes."""

    def __init__(self, faces: list[Face] | None = None, blocking: bool = False, describes: bool = False):
        self.model_versions = ["fake-model 1.0"]
        self.faces = faces or []
        self.blocking = blocking
        self.describes = describes
        self.describer = None
        self.answer = threading.Event()  # set: the blocked description arrives
        self.sources: list[str] = []
        self.cancels: list[threading.Event] = []
        self.profiles: list = []

    def run(self, image, options, *, source: str, cancel: threading.Event, on_reading=None):
        profile = options.profile
        self.sources.append(source)
        self.cancels.append(cancel)
        self.profiles.append(profile)
        analysis = Analysis(source, PIXELS.shape[1], PIXELS.shape[0], faces=list(self.faces))
        analysis = profile.apply(analysis) if profile else analysis
        if self.describes and on_reading is not None:
            on_reading(analysis, PIXELS)
        if self.blocking and len(self.cancels) == 1:  # until superseded, or the description arrives
            deadline = time.monotonic() + 10
            while not (cancel.is_set() or self.answer.is_set()) and time.monotonic() < deadline:
                time.sleep(0.005)
        if self.describes:
            analysis = Analysis(source, analysis.width, analysis.height, faces=analysis.faces)
            analysis.description = Description("A smiling face.", None, "fake-vision", "ok", None, 5.0)
        return analysis, PIXELS

    def describe_with(self, ollama) -> None:
        self.ollama = ollama
        self.describer = SimpleNamespace(config=ollama) if ollama else None


class FakeCaptures:
    def __init__(self) -> None:
        self.regions = 0
        self.drag_done = threading.Event()

    def screen(self) -> Captured:
        return Captured(PIXELS, "screen")

    def region(self, overlay_open) -> Captured | None:
        self.regions += 1
        overlay_open(True)
        try:
            self.drag_done.wait(10)  # the user is still dragging
        finally:
            overlay_open(False)
        return Captured(PIXELS, "screen region")

    plugged = False  # no camera, unless a test plugs one in

    def webcam(self) -> Captured:
        if not self.plugged:
            raise CaptureError("no camera found at index 0: connect a camera")
        return Captured(PIXELS, "webcam")


class FakeNotifications:
    def __init__(self, can_replace: bool = True) -> None:
        self.sent: list = []
        self.replaced: list = []  # (index in `sent` of the one replaced, the new one)
        self.can_replace = can_replace

    def send(self, notification, replacing: Sent | None = None) -> Sent:
        if replacing is not None:
            self.replaced.append((replacing.handle, notification))
            return replacing
        self.sent.append(notification)
        return Sent("fake", len(self.sent) - 1)

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

    def update(self, report_id: str, html: str) -> None:
        self.pages[int(report_id) - 1] = html

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


class InProcess:
    """The analysis process's side in this process: the real Analyst, its messages passed on
    as the tray's AnalysisProcess passes them."""

    def __init__(self, analyst: Analyst) -> None:
        self.analyst = analyst
        self.ended = 0

    def run(self, job, on_message, cancel: threading.Event) -> bool:
        finished: list[bool] = []

        def send(message) -> None:
            if isinstance(message, Finished):
                finished.append(message.ok)
            else:
                on_message(message)

        self.analyst.handle(job, send, cancel)
        return finished[0]

    def end(self) -> None:
        self.ended += 1


def make_app(
    pipeline: FakePipeline,
    history: FakeHistory | None = None,
    profiles: FakeProfiles | None = None,
    apply_to: str = "webcam",
    reports=None,
    notifier: FakeNotifications | None = None,
    **config_changes,
) -> TrayApp:
    config = Config()
    config.profile.apply_to = apply_to
    for name, value in config_changes.items():
        setattr(config.tray, name, value)
    history = history or FakeHistory(enabled=False)
    profiles = profiles or FakeProfiles()

    def load(config: Config) -> FakePipeline:
        pipeline.describe_with(describing(config))  # as Pipeline.from_config does
        return pipeline

    analyst = Analyst(pipeline=load, captures=FakeCaptures(), history=history, profiles=profiles)
    app = TrayApp(
        config,
        analysis=InProcess(analyst),
        notifications=notifier or FakeNotifications(),
        history=history,
        reports=reports or FakeReports(),
        hotkeys=FakeHotkeys(),
        profiles=profiles,
    )
    app.worker.start()
    return app


def captures_of(app: TrayApp) -> FakeCaptures:
    return app.analysis.analyst.captures


def webcam_app(apps: list[TrayApp], pipeline: FakePipeline, **options) -> TrayApp:
    """A tray with a camera plugged in (make_app's options), stopped after the test."""
    app = make_app(pipeline, **options)
    apps.append(app)
    captures_of(app).plugged = True
    return app


def capture(app: TrayApp, action: Action) -> None:
    count = len(app.notifications.sent)
    app.trigger(action)
    wait_for(lambda: len(app.notifications.sent) > count, f"the {action.value} notification")

"""Stand-ins for TrayApp's collaborators (pipeline, captures, notifications, history, reports,
hotkeys, profile store) and a tray built from them: the tray's rules tested without a desktop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

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

    def run(self, image, options, *, source: str, cancel: threading.Event):
        profile = options.profile
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

"""The tray application: wiring. Menu items, hotkeys and IPC become requests for the one capture
worker (`worker.py`); each capture goes through the pipeline and the outcome step, and what they
return is shown (notification), kept (history, when on) and offered (the report). The rest lives
beside it: the menu (`menu.py`), the profile flows (`profiles.py`), reports (`reports.py`),
history (`history_actions.py`) and our windows (`windows.py`).

Every collaborator (pipeline, captures, notifications, history, report server, hotkeys, profile
store) can be passed in, which is how tests/tray/test_app.py checks the rules without a desktop.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from .. import platform
from ..capture import CaptureError
from ..capture.sources import Captured, Captures
from ..config import Config
from ..history import History, HistoryError
from ..hotkeys import Hotkeys, is_off
from ..notify import Notification, Notifications
from ..notify.handlers import default_notifications
from ..outcome import finish
from ..profile.store import ProfileStore
from ..report.server import ReportServer
from ..resources.icons import icon_image
from . import dialogs
from .actions import Action
from .dialogs import DialogError
from .history_actions import HistoryActions
from .instance import SingleInstance
from .menu import build_menu
from .off_loop import OffTheLoop
from .profiles import ProfileFlows
from .reports import ReportActions
from .settings import TraySettings
from .windows import ChildWindow
from .worker import CaptureWorker

if TYPE_CHECKING:
    from ..pipeline import Pipeline

log = logging.getLogger("unifer_tray.tray")
IconState = Literal["idle", "busy", "attention"]
QUIT_DRAIN_SECONDS = 10.0  # at most this long for the running capture to finish at Quit
FIRST_RUN_TEXT = (
    "UniFER reads the facial expressions in a screen region, a webcam snapshot or an image, on this "
    "computer. It is not a lie detector or a diagnosis. Nothing is stored or sent anywhere without "
    "your consent."
)
# Whole in a notification (servers cut long bodies): what it does, what it is not, where data goes.
ABOUT_TEXT = (
    "UniFER estimates visible facial expressions on this computer. It reads faces, not feelings: "
    "not a lie detector or a diagnosis, and less accurate for some faces and lighting. Nothing is "
    "stored or sent without your consent; the report says more."
)


def default_pipeline(config: Config) -> Pipeline:
    """Loaded at the first capture (about 0.3 s): onnxruntime, the models and the describe
    layer are not needed by an idle tray."""
    from ..pipeline import Pipeline

    return Pipeline.from_config(config.ollama if config.tray.describe else None, speed="screen")


class TrayApp:
    def __init__(
        self,
        config: Config,
        *,
        pipeline: Callable[[], Pipeline] | None = None,
        captures: Captures | None = None,
        notifications: Notifications | None = None,
        history: History | None = None,
        reports: ReportServer | None = None,
        hotkeys: Hotkeys | None = None,
        profiles: ProfileStore | None = None,
    ):
        self.settings = TraySettings(config, self._notify, self._apply_settings)
        self._make_pipeline = pipeline or (lambda: default_pipeline(self.config))
        self._pipeline: Pipeline | None = None
        self.captures = captures or Captures(config.camera)
        self.notifications = notifications or default_notifications()
        self.history = history or History(retention_days=config.history.retention_days)
        self.reports = reports or ReportServer()
        self.hotkeys = hotkeys or Hotkeys()
        self.worker = CaptureWorker(self._handle)
        self.in_background = OffTheLoop(self._notify)
        self.reporting = ReportActions(self.reports, self._notify)
        self.profile = ProfileFlows(
            profiles or ProfileStore(), lambda: self.config.profile, self._notify, self._update_menu
        )
        self.history_actions = HistoryActions(
            self.history, self.reports, self.reporting.open, self._notify, self._history_changed
        )
        self.live_window = ChildWindow(
            "The live view", {0: None, 1: ("Live view unavailable", "{last}; see `unifer doctor`.")}, self._notify
        )
        self.icon: Any = None  # a pystray.Icon once run() made it
        self.instance: SingleInstance | None = None
        self.started = 0.0  # when the process started, set by run()
        self._dispatch = platform.ui_dispatcher()

    @property
    def config(self) -> Config:
        """The settings in force (reloaded when their file changes)."""
        return self.settings.config

    def _apply_settings(self, config: Config) -> None:
        self.captures.camera = config.camera
        self.history.retention_days = config.history.retention_days
        if self._pipeline is not None:
            self._pipeline.describe_with(config.ollama if config.tray.describe else None)
        self._update_menu()

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = self._make_pipeline()
        return self._pipeline

    # -- requests from the menu, hotkeys and IPC --------------------------------------------
    def trigger(self, action: Action) -> str:
        if action is Action.PING:
            return "pong"
        if action is Action.QUIT:
            threading.Thread(target=self.quit, daemon=True).start()
            return "quitting"
        if action is Action.LIVE:
            return self.open_live_view()
        if action is Action.TEACH:
            self.in_background(self.profile.teach)()
            return "teach session opening"
        return self.worker.request(action)

    def _handle(self, action: Action) -> None:
        """On the worker thread: one capture, its analysis, and what the user is told."""
        self._set_state("busy")
        self.settings.reload_if_changed()
        failed = False
        try:
            captured = self._capture(action)
            if captured is not None:
                failed = not self._analyze(captured)
        except CaptureError as exc:
            failed = True
            self._notify(Notification("Capture failed", str(exc)))
        except Exception as exc:  # keep the tray alive whatever happens
            log.exception("analysis failed")
            failed = True
            self._notify(Notification("Analysis failed", f"{type(exc).__name__}: {exc}"))
        self._set_state("attention" if failed else "idle")

    def _capture(self, action: Action) -> Captured | None:
        """None if the user cancelled."""
        if action is Action.SCREEN:
            return self.captures.screen()
        if action is Action.WEBCAM:
            return self.captures.webcam()
        if action is Action.FILE:
            try:
                path = dialogs.ask_open_image()
            except DialogError as exc:
                raise CaptureError(str(exc)) from None
            return Captured(path, "file") if path else None
        return self.captures.region(self.worker.overlay_open)

    def _analyze(self, captured: Captured) -> bool:
        """Pipeline, outcome, then show and keep what it says; False if something failed."""
        shown = captured.image if isinstance(captured.image, str) else captured.kind  # the report may name a file
        cancel, profile = self.worker.supersede.new_token(), self.profile.for_capture(captured.kind)
        from ..pipeline import Options  # loaded with the pipeline, at the first capture

        analysis, rgb = self.pipeline.run(captured.image, Options(profile=profile), source=shown, cancel=cancel)
        keep = rgb is not None and self.history.enabled
        correctable = captured.kind == "webcam" and bool(analysis.faces)  # the webcam sees the user
        outcome = finish(
            analysis,
            rgb,
            self.pipeline.model_versions,
            thumbnails=keep and self.history.thumbnails_allowed,
            correctable=correctable,
        )
        if correctable:
            self.profile.last_webcam = analysis
        if outcome.report_html is not None:
            from_report = (lambda label: self.profile.correct(analysis, label)) if correctable else None
            self.reporting.keep_last(
                self.reports.publish(outcome.report_html, on_correct=from_report), outcome.report_name
            )
            self._update_menu()
        history_problem = None
        if keep:  # before the notification: what it announces is already on disk
            try:
                self.history.add(analysis, captured.kind, outcome.thumbnails)
            except HistoryError as exc:
                history_problem = str(exc)
        on_correct = self.in_background(lambda: self.profile.correct(analysis)) if correctable else None
        self._notify(Notification(outcome.title, outcome.body, self.reporting.open_last, on_correct))
        if history_problem:
            self._notify(Notification("History not saved", history_problem))
            return False
        return analysis.ok

    def _notify(self, notification: Notification) -> None:
        if not self.config.tray.notifications:
            log.info("notification (off in settings): %s", notification.title)
            return
        self.notifications.send(notification)

    # -- the rest of the menu -------------------------------------------------------------------
    def open_live_view(self) -> str:
        """The live window runs in its own process; one at a time."""
        from .. import live

        return "live view opened" if self.live_window.open(live.open_window) else "live view already open"

    def about(self) -> None:
        self._notify(Notification("About UniFER & privacy", ABOUT_TEXT))

    def quit(self) -> None:
        """Stop taking requests, let the running capture finish (its description is cut short,
        its history record written), drop one not yet started, then go."""
        self.hotkeys.stop()
        if self.instance is not None:
            self.instance.release()
        for window in (self.live_window, self.profile.window):
            window.close()  # its camera is released with the process
        self.worker.stop(QUIT_DRAIN_SECONDS)
        self.reports.close()
        self._on_icon(lambda icon: icon.stop())

    def _on_terminate(self, signum: int, frame: object) -> None:
        """SIGTERM (logout, `kill`): quit as the menu would, so the capture in hand is kept."""
        log.info("signal %d: quitting", signum)
        threading.Thread(target=self.quit, name="unifer-quit", daemon=True).start()

    # -- the icon -------------------------------------------------------------------------------
    def _on_icon(self, change: Callable[[Any], None]) -> None:
        """Change the icon on the thread the platform wants (macOS: the main thread)."""
        icon = self.icon
        if icon is not None:
            self._dispatch(lambda: change(icon))

    def _set_state(self, state: IconState) -> None:
        image = icon_image(state, history=self.history.enabled)
        self._on_icon(lambda icon: setattr(icon, "icon", image))

    def _update_menu(self) -> None:
        self._on_icon(lambda icon: icon.update_menu())

    def _history_changed(self) -> None:
        self._set_state("idle")  # the icon shows whether history is on
        self._update_menu()

    def _ready(self, icon: Any) -> None:
        """Runs once the icon exists: arm hotkeys and IPC, start the worker, say hello."""
        icon.visible = True
        self.worker.start()
        self.history_actions.purge_daily()
        usable, why = self.hotkeys.is_available()
        problem = why if not usable else self.hotkeys.start(self.hotkey_bindings())
        if problem:
            self._notify(Notification("Hotkeys unavailable", problem))
        if not platform.tray_host_present():
            log.warning("no system tray host")
            self._notify(Notification("No system tray", platform.NO_TRAY_HINT))
        if self.instance is not None:
            self.instance.serve(self.trigger)  # last: answering `--trigger ping` means fully ready
        log.info("UniFER tray ready (%.2f s after start)", time.monotonic() - self.started)

    def hotkey_bindings(self) -> dict[str, Callable[[], object]]:
        bindings: dict[str, Callable[[], object]] = {
            self.config.tray.hotkey_region: lambda: self.trigger(Action.REGION)
        }
        if not is_off(self.config.tray.hotkey_webcam):
            bindings[self.config.tray.hotkey_webcam] = lambda: self.trigger(Action.WEBCAM)
        return bindings

    def run(self, instance: SingleInstance, started: float, first_run: bool) -> None:
        import pystray

        self.instance, self.started = instance, started
        signal.signal(signal.SIGTERM, self._on_terminate)
        self.hotkeys.prepare_on_main_thread()  # run() is called on the main thread
        self.icon = pystray.Icon("unifer-tray", icon_image(history=self.history.enabled), "UniFER", build_menu(self))
        self.notifications.attach_icon(self.icon, self._dispatch)
        if first_run:
            self._notify(Notification("UniFER is in your tray", FIRST_RUN_TEXT))
        self.icon.run(setup=self._ready)

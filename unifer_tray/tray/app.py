"""The tray application: wiring. Menu items, hotkeys and IPC become requests for the one capture
worker (`worker.py`), which hands each capture to the analysis process (`analysis_process.py`,
`analyst.py`: capture, pipeline, outcome step, history) and shows what comes back: the reading
as soon as it is ready, then the same notification and report again with the description. The
tray process itself stays light: no numpy, onnxruntime or OpenCV (docs/adr/0011). The rest lives
beside it: the menu (`menu.py`), the profile flows (`profiles.py`), reports (`reports.py`),
history (`history_actions.py`) and our windows (`windows.py`).

Every collaborator (the analysis, notifications, history, report server, hotkeys, profile
store) can be passed in, which is how tests/tray/test_app.py checks the rules without a desktop.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import platform
from ..config import Config, duration_seconds
from ..history import History
from ..hotkeys import Hotkeys, is_off
from ..notify import Notification, Notifications, Sent
from ..notify.handlers import default_notifications
from ..profile.store import ProfileStore
from ..report.server import ReportServer
from ..resources.icons import IconState, icon_image
from ..result import Analysis
from .actions import Action
from .analysis_process import AnalysisCrashed, AnalysisProcess, Runner
from .history_actions import HistoryActions
from .instance import SingleInstance
from .jobs import Job, Message, OverlayState, Said, Shown
from .menu import build_menu
from .off_loop import OffTheLoop
from .profiles import ProfileFlows
from .reports import ReportActions
from .settings import TraySettings
from .windows import ChildWindow, Start
from .worker import CaptureWorker

log = logging.getLogger("unifer_tray.tray")
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
# Where a notification cannot be updated in place, the reading says where its description goes.
DESCRIPTION_IN_REPORT = "The description will be in the report."
DESCRIBING_TOOLTIP = "UniFER: describing the faces…"


@dataclass
class _OnScreen:
    """One capture's report and notification, updated when its description arrives."""

    report_id: str | None = None
    notification: Sent | None = None
    analysis: Analysis | None = None  # the newest reading, for the report's "Not right?"


class TrayApp:
    def __init__(
        self,
        config: Config,
        *,
        analysis: Runner | None = None,
        notifications: Notifications | None = None,
        history: History | None = None,
        reports: ReportServer | None = None,
        hotkeys: Hotkeys | None = None,
        profiles: ProfileStore | None = None,
    ):
        self.settings = TraySettings(config, self._notify, self._apply_settings)
        self.analysis = analysis or AnalysisProcess(lambda: duration_seconds(self.config.tray.keep_models))
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
        self.photo_window = ChildWindow(
            "The photo window", {0: None, 1: ("Photo window unavailable", "{last}; see `unifer doctor`.")}, self._notify
        )
        self.icon: Any = None  # a pystray.Icon once run() made it
        self._state: IconState = "idle"
        self._tooltip_before = "UniFER"
        self.instance: SingleInstance | None = None
        self.started = 0.0  # when the process started, set by run()
        self._dispatch = platform.ui_dispatcher()

    @property
    def config(self) -> Config:
        """The settings in force (reloaded when their file changes)."""
        return self.settings.config

    def _apply_settings(self, config: Config) -> None:
        """The next capture takes the new settings with it (Job.config)."""
        self.history.retention_days = config.history.retention_days
        self._update_menu()

    # -- requests from the menu, hotkeys and IPC --------------------------------------------
    def trigger(self, action: Action, paths: list[Path] | None = None) -> str:
        """What the menu, the hotkeys and IPC ask for (OPEN: with the files to show)."""
        if action in (Action.WINDOW, Action.OPEN):
            return self.open_photo_window(paths or [])
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
        """On the worker thread: one capture, handed to the analysis process, and what the user
        is told as it comes back."""
        self._set_state("busy")
        self.settings.reload_if_changed()
        cancel, on_screen = self.worker.supersede.new_token(), _OnScreen()

        def on_message(message: Message) -> None:
            if isinstance(message, OverlayState):
                (self.worker.overlay_open.set if message.open else self.worker.overlay_open.clear)()
            elif isinstance(message, Shown):
                self._show(message, on_screen, superseded=cancel.is_set())
            elif isinstance(message, Said):
                self._notify(message.notification)

        try:
            ok = self.analysis.run(Job(action, self.config), on_message, cancel)
        except AnalysisCrashed as exc:
            ok = False
            self._notify(
                Notification(
                    "The analysis stopped unexpectedly",
                    f"{exc}. The next capture starts it again; `unifer doctor` shows its last lines.",
                )
            )
        except Exception as exc:  # keep the tray (and its worker thread) alive whatever happens
            log.exception("showing the analysis failed")
            ok = False
            self._notify(Notification("Analysis failed", f"{type(exc).__name__}: {exc}"))
        finally:
            self.worker.overlay_open.clear()
        self._set_state("idle" if ok else "attention")

    def _show(self, shown: Shown, on_screen: _OnScreen, superseded: bool) -> None:
        """The reading (or, the second time, the reading with its description): its report,
        then its notification, the second time in place of the first."""
        outcome = shown.outcome
        self.profile.say_problem(shown.profile_problem)
        on_screen.analysis = outcome.analysis
        if shown.correctable:
            self.profile.last_webcam = outcome.analysis

        def correct(label: str | None = None) -> str:
            """ "Not right?" on this capture's newest reading: the report's form gives the label,
            the notification's button asks for it."""
            assert on_screen.analysis is not None
            return self.profile.correct(on_screen.analysis, label)

        if outcome.report_html is not None:
            if on_screen.report_id is None:
                from_report = correct if shown.correctable else None
                on_screen.report_id = self.reports.publish(outcome.report_html, on_correct=from_report)
                self.reporting.keep_last(on_screen.report_id, outcome.report_name)
                self._update_menu()
            else:
                self.reports.update(on_screen.report_id, outcome.report_html)
        if shown.describing or self._state == "describing":  # an icon change costs ~10 ms: only when it says something
            self._set_state("describing" if shown.describing else "busy")
        if (
            not shown.describing
            and on_screen.notification is not None
            and (superseded or not self.notifications.can_replace)
        ):
            return  # a newer capture is on its way; or the reading said where the description went
        body = outcome.body
        if shown.describing and not self.notifications.can_replace:
            body = f"{body}\n{DESCRIPTION_IN_REPORT}"
        report_id = on_screen.report_id
        open_report = (lambda: self.reporting.open(report_id)) if report_id is not None else None
        on_correct = self.in_background(correct) if shown.correctable else None
        notification = Notification(outcome.title, body, open_report, on_correct)
        on_screen.notification = self._send(notification, replacing=on_screen.notification)

    def _notify(self, notification: Notification) -> None:
        self._send(notification)

    def _send(self, notification: Notification, replacing: Sent | None = None) -> Sent | None:
        """Shown (in place of `replacing` where it can be); None when notifications are off."""
        if not self.config.tray.notifications:
            log.info("notification (off in settings)")
            return None
        return self.notifications.send(notification, replacing)

    # -- the rest of the menu -------------------------------------------------------------------
    def open_live_view(self) -> str:
        """The live window runs in its own process; one at a time."""
        from .. import live

        return f"live view {self.live_window.open(live.open_window).value}"

    def open_photo_window(self, paths: list[Path]) -> str:
        """The photo window (its own process; one at a time): opened, or brought to the front
        with the new files."""
        from .. import photo

        started = self.photo_window.open(lambda: photo.open_window(paths))
        if started is not Start.ALREADY_OPEN:
            return f"photo window {started.value}"
        running = self.photo_window.process
        if running is not None:
            try:
                photo.tell(running, open=[str(path) for path in paths], front=True)
            except OSError:  # it is closing right now
                return "photo window closing; try again"
        return "photo window shown"

    def about(self) -> None:
        self._notify(Notification("About UniFER & privacy", ABOUT_TEXT))

    def quit(self) -> None:
        """Stop taking requests, let the running capture finish (its description is cut short,
        its history record written), drop one not yet started, then go."""
        self.hotkeys.stop()
        if self.instance is not None:
            self.instance.release()
        for window in (self.live_window, self.profile.window, self.photo_window):
            window.close()  # its camera is released with the process
        self.worker.stop(QUIT_DRAIN_SECONDS)
        self.analysis.end()
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
        """The icon's colour; while describing its tooltip says so too, and afterwards gets back
        what it said before (the last-resort notifier writes results there)."""
        image = icon_image(state, history=self.history.enabled)
        entering = state == "describing" != self._state
        leaving = self._state == "describing" != state
        self._state = state

        def change(icon: Any) -> None:
            icon.icon = image
            if entering:
                self._tooltip_before, icon.title = icon.title, DESCRIBING_TOOLTIP
            elif leaving:
                icon.title = self._tooltip_before

        self._on_icon(change)

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

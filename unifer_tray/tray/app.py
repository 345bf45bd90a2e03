"""The tray application: a shell that turns menu items, hotkeys and IPC into capture jobs for one
worker thread, and shows what the pipeline and the outcome step return.

Concurrency rule (see docs/adr/0004-tray.md): while the region overlay is open, further region
requests are ignored (coalesced); any new capture request replaces a pending one and cancels
the description of the one running (a newer capture supersedes it), so the tray never stacks
overlays or queues stale work.

Every collaborator (pipeline, captures, notifications, history, report server, hotkeys) can be
passed in, which is how tests/tray/test_app.py checks those rules without a desktop.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import platform
from ..capture import CaptureError
from ..capture.sources import Captured, Captures
from ..config import Config, ConfigError, config_path, load_config, set_value
from ..helpers import open_for_editing, open_in_browser
from ..history import History, HistoryError
from ..hotkeys import Hotkeys, is_off
from ..notify import Notification, Notifications
from ..outcome import finish
from ..private_files import write_private
from ..profile.store import CalibrationCache, Example, ProfileError, ProfileStore
from ..report.server import ReportServer
from ..resources.icons import icon_image
from ..supersede import Supersede
from . import dialogs
from .actions import Action
from .dialogs import DialogError
from .instance import SingleInstance
from .windows import ChildWindow, Endings

if TYPE_CHECKING:
    from ..pipeline import Pipeline
    from ..profile.calibration import Calibration
    from ..result import Analysis, CaptureKind

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


def teach_endings() -> Endings:
    """What the tray says for each way a teach session ends (a cancel is the user's own doing)."""
    from .. import teach

    return {
        teach.SAVED: ("UniFER learned your expressions", "{last}"),
        teach.NOTHING_KEPT: ("Nothing was stored", "{last}"),
        teach.FAILED: ("Teaching did not finish", "{last}"),
        teach.CANCELLED: None,
    }


def default_notifications() -> Notifications:
    from ..notify.handlers import default_backends

    return Notifications(default_backends())


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
        self.config = config
        self._make_pipeline = pipeline or (lambda: default_pipeline(self.config))
        self._pipeline: Pipeline | None = None
        self.captures = captures or Captures(config.camera)
        self.notifications = notifications or default_notifications()
        self.history = history or History(retention_days=config.history.retention_days)
        self.reports = reports or ReportServer()
        self.hotkeys = hotkeys or Hotkeys()
        self.profiles = profiles or ProfileStore()
        self.last_webcam: Analysis | None = None  # the newest webcam result, for "Not right?" (memory only)
        self._profile_problem: str | None = None  # said once per reason, not at every capture
        self._calibrations = CalibrationCache()
        self.supersede = Supersede()
        self.jobs: queue.Queue[Action | None] = queue.Queue(maxsize=1)
        self.overlay_open = threading.Event()
        self.last_report: tuple[str, str] | None = None  # (report id on the server, suggested file name)
        self.icon: Any = None  # a pystray.Icon once run() made it
        self.instance: SingleInstance | None = None
        self.started = time.monotonic()
        self._worker_thread: threading.Thread | None = None
        self.live_window = ChildWindow(
            "The live view", {0: None, 1: ("Live view unavailable", "{last}; see `unifer doctor`.")}, self._notify
        )
        self.teach_window = ChildWindow("The teach window", teach_endings(), self._notify)
        self._teach_lock = threading.Lock()
        self._dispatch = platform.ui_dispatcher()
        self.config_file = config_path()
        self._config_stamp = self._stamp()

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
            self._in_background(self.teach)()
            return "teach session opening"
        if action is Action.REGION and self.overlay_open.is_set():
            log.info("region overlay already open: request ignored")
            return "overlay already open"
        self._replace_pending(action)
        return "queued"

    def _replace_pending(self, job: Action | None) -> None:
        """Queue `job` in place of any pending one, cancelling the running description."""
        self.supersede.new_token()
        with contextlib.suppress(queue.Empty):
            self.jobs.get_nowait()
        self.jobs.put_nowait(job)

    def start_worker(self) -> None:
        self._worker_thread = threading.Thread(target=self._worker, name="unifer-worker", daemon=True)
        self._worker_thread.start()

    def _worker(self) -> None:
        while True:
            action = self.jobs.get()
            if action is None:
                return
            self._set_state("busy")
            self.reload_config_if_changed()
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
            except dialogs.DialogError as exc:
                raise CaptureError(str(exc)) from None
            return Captured(path, "file") if path else None
        return self.captures.region(self.overlay_open)

    def _analyze(self, captured: Captured) -> bool:
        """Pipeline, outcome, then show and keep what it says; False if something failed."""
        shown = captured.image if isinstance(captured.image, str) else captured.kind  # the report may name a file
        analysis, rgb = self.pipeline.run(
            captured.image, source=shown, cancel=self.supersede.new_token(), profile=self._profile_for(captured.kind)
        )
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
            self.last_webcam = analysis
        if outcome.report_html is not None:
            from_report = (lambda label: self.correct(analysis, label)) if correctable else None
            self.last_report = (self.reports.publish(outcome.report_html, on_correct=from_report), outcome.report_name)
            self._update_menu()
        history_problem = None
        if keep:  # before the notification: what it announces is already on disk
            try:
                self.history.add(analysis, captured.kind, outcome.thumbnails)
            except HistoryError as exc:
                history_problem = str(exc)
        on_correct = self._in_background(lambda: self.correct(analysis)) if correctable else None
        self._notify(Notification(outcome.title, outcome.body, self.open_last_report, on_correct))
        if history_problem:
            self._notify(Notification("History not saved", history_problem))
            return False
        return analysis.ok

    # -- the expression profile -----------------------------------------------------------------
    def _profile_for(self, kind: CaptureKind) -> Calibration | None:
        """The user's profile if this kind of capture is read with it ([profile] apply_to); one
        that cannot be used is said once per reason, and the general reading stands."""
        name = self.config.profile.name
        if not self.config.profile.applies_to(kind):
            return None
        try:
            calibration = self._calibrations.get(self.profiles, name)  # None: deleted, or never taught
        except ProfileError as exc:
            if str(exc) != self._profile_problem:
                self._profile_problem = str(exc)
                self._notify(Notification("Expression profile not used", f"{exc}. Readings are the general model's."))
            return None
        self._profile_problem = None
        return calibration

    def _consent_to_profile(self) -> bool:
        """True if the profile exists or the user agrees to create it now."""

        def ask(consent_text: str) -> bool:
            return dialogs.ask_yes_no("Create your expression profile?", consent_text + "\nCreate this profile?")

        try:
            return self.profiles.may_create(self.config.profile.name, ask)
        except (ProfileError, DialogError) as exc:  # also from the report's form, where nothing else would say it
            self._notify(Notification("Expression profile not created", str(exc)))
            return False

    def correct(self, analysis: Analysis, label: str | None = None) -> str:
        """ "Not right?": add the largest face's general reading to the profile under the label
        the user gives (asked in a dialog when not given). Returns what happened, for the report."""
        face = analysis.faces[0]
        if label is None:
            label = dialogs.ask_label(f"{face.expression} {face.confidence:.0%}")
            if label is None:
                return "Nothing was stored."
        if not self._consent_to_profile():
            return "Nothing was stored: the expression profile was not created."
        name = self.config.profile.name
        try:
            profile = self.profiles.add(
                name, [Example.of(label, face.base_probabilities or face.probabilities, "correction")]
            )
        except ProfileError as exc:
            self._notify(Notification("Not learned", str(exc)))
            return f"Nothing was stored: {exc}"
        used_for = {"webcam": "webcam snapshots", "all": "every capture", "none": "nothing until you turn it on"}
        message = (
            f"Learned: this face showed {label}. Your profile '{name}' has {len(profile.examples)} examples "
            f"and is used for {used_for[self.config.profile.apply_to]}."
        )
        self._notify(Notification("UniFER learned your expression", message))
        self._update_menu()
        return message

    def correct_last(self) -> None:
        if self.last_webcam is not None:
            self.correct(self.last_webcam)

    def teach(self) -> None:
        """The guided webcam session, in its own window process; one at a time (a second request
        waits for the first one's consent question, then finds its window open)."""
        with self._teach_lock:
            if self.teach_window.is_open() or not self._consent_to_profile():
                return
            from .. import teach

            name = self.config.profile.name
            self.teach_window.open(lambda: teach.open_window(name), on_end=lambda code: self._update_menu())

    def delete_profile(self) -> None:
        name = self.config.profile.name
        if not dialogs.ask_yes_no("Delete your expression profile?", f"Delete the profile '{name}' and its key?"):
            return
        try:
            self.profiles.delete(name)
        except ProfileError as exc:
            self._notify(Notification("Profile not deleted", str(exc)))
            return
        self._notify(Notification("Profile deleted", f"The profile '{name}' and its key are gone."))
        self._update_menu()

    def _notify(self, notification: Notification) -> None:
        if not self.config.tray.notifications:
            log.info("notification (off in settings): %s", notification.title)
            return
        self.notifications.send(notification)

    # -- menu actions ---------------------------------------------------------------------------
    def open_last_report(self) -> None:
        if self.last_report:
            self._open_report(self.last_report[0])

    def _open_report(self, report_id: str) -> None:
        """A fresh single-use link each time (the one given to the browser before is spent),
        reached through a private launcher page; without a browser, say where that page is."""
        try:
            launcher = self.reports.launcher(report_id)
        except OSError as exc:
            self._notify(Notification("Report not opened", str(exc)))
            return
        if launcher is None:
            self._notify(Notification("Report expired", "Reports are kept for a few hours; capture again."))
            return
        if not open_in_browser(launcher):
            self._notify(Notification("No web browser found", f"Open the report yourself: {launcher} (works once)"))

    def save_report(self) -> None:
        if not self.last_report:
            return
        report_id, name = self.last_report
        html = self.reports.html(report_id)
        target = dialogs.ask_save_report(name) if html else None
        if target and html:
            write_private(Path(target), html)

    def open_settings(self) -> None:
        path = config_path()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("# UniFER tray settings: see the README's configuration section.\n", encoding="utf-8")
        if not open_for_editing(str(path)):
            self._notify(Notification("No editor found", f"Open the settings file yourself: {path}"))

    def toggle(self, name: Literal["describe", "notifications"]) -> None:
        """Flip a menu setting and save it, so it survives a restart."""
        value = not getattr(self.config.tray, name)
        setattr(self.config.tray, name, value)
        self._apply_describe()
        try:
            set_value(f"tray.{name}", "true" if value else "false", self.config_file)
            self._config_stamp = self._stamp()
        except (ConfigError, OSError) as exc:
            self._notify(Notification("Setting not saved", f"{exc}. It applies until UniFER quits."))
        self._update_menu()

    def _apply_describe(self) -> None:
        if self._pipeline is not None:
            self._pipeline.describe_with(self.config.ollama if self.config.tray.describe else None)

    def _stamp(self) -> tuple[float, int] | None:
        try:
            info = self.config_file.stat()
        except OSError:
            return None
        return info.st_mtime, info.st_size

    def reload_config_if_changed(self) -> None:
        """Settings edited while the tray runs (`unifer config set`, the settings file) apply
        from the next capture; a broken file keeps the settings in force and says why."""
        stamp = self._stamp()
        if stamp == self._config_stamp:
            return
        self._config_stamp = stamp
        try:
            fresh = load_config(self.config_file)
        except ConfigError as exc:
            self._notify(Notification("Settings not reloaded", f"{exc}. The previous settings stay in force."))
            return
        hotkeys_changed = (fresh.tray.hotkey_region, fresh.tray.hotkey_webcam) != (
            self.config.tray.hotkey_region,
            self.config.tray.hotkey_webcam,
        )
        self.config = fresh
        self.captures.camera = fresh.camera
        self.history.retention_days = fresh.history.retention_days
        self._apply_describe()
        log.info("settings reloaded from %s", self.config_file)
        if hotkeys_changed:
            self._notify(Notification("New hotkeys", "Quit and start UniFER again for the new hotkeys to work."))

    def open_history(self) -> None:
        from ..report.dashboard import render_dashboard

        try:
            page = render_dashboard(self.history.records())
        except HistoryError as exc:
            self._notify(Notification("History unavailable", str(exc)))
            return
        # served only while this history is on: stopping or deleting it withdraws the page at once
        consent = self.history.consent_stamp
        self._open_report(self.reports.publish(page, valid=lambda: self.history.consent_stamp == consent))

    def keep_history(self) -> None:
        if not dialogs.ask_yes_no("Keep history?", self.history.consent_text() + "\nKeep this history?"):
            return
        try:
            self.history.enable()
        except HistoryError as exc:
            self._notify(Notification("History not turned on", str(exc)))
            return
        self._set_state("idle")
        self._update_menu()

    def stop_history(self) -> None:
        delete = dialogs.ask_yes_no("Stop keeping history", "Delete everything recorded so far?")
        try:
            self.history.disable(delete=delete)
        except HistoryError as exc:
            self._notify(Notification("History", str(exc)))
        self.reports.prune()  # the decrypted dashboard leaves memory now, not at the next request
        self._set_state("idle")
        self._update_menu()

    def _purge_daily(self) -> None:
        try:
            self.history.purge_expired()
        except (HistoryError, OSError) as exc:
            log.warning("history purge failed: %s", exc)
        timer = threading.Timer(86400, self._purge_daily)
        timer.daemon = True
        timer.start()

    def about(self) -> None:
        self._notify(Notification("About UniFER & privacy", ABOUT_TEXT))

    def quit(self) -> None:
        """Stop taking requests, let the running capture finish (its description is cut short,
        its history record written), drop one not yet started, then go."""
        self.hotkeys.stop()
        if self.instance is not None:
            self.instance.release()
        for window in (self.live_window, self.teach_window):
            window.close()  # its camera is released with the process
        self._replace_pending(None)  # None ends the worker once the running capture is done
        if self._worker_thread is not None and self._worker_thread is not threading.current_thread():
            self._worker_thread.join(QUIT_DRAIN_SECONDS)
        self.reports.close()
        self._on_icon(lambda icon: icon.stop())

    def _on_terminate(self, signum: int, frame: object) -> None:
        """SIGTERM (logout, `kill`): quit as the menu would, so the capture in hand is kept."""
        log.info("signal %d: quitting", signum)
        threading.Thread(target=self.quit, name="unifer-quit", daemon=True).start()

    # -- the icon -------------------------------------------------------------------------------
    def _menu(self) -> Any:
        import pystray

        item, separator = pystray.MenuItem, pystray.Menu.SEPARATOR
        hotkey = self.config.tray.hotkey_region.replace("<", "").replace(">", "").title()
        return pystray.Menu(
            item(f"Analyze screen region ({hotkey})", lambda: self.trigger(Action.REGION), default=True),
            item("Analyze full screen", lambda: self.trigger(Action.SCREEN)),
            item("Webcam snapshot", lambda: self.trigger(Action.WEBCAM)),
            item("Live view (webcam)", lambda: self.trigger(Action.LIVE)),
            item("Analyze image file…", lambda: self.trigger(Action.FILE)),
            separator,
            item(
                "My expressions",
                pystray.Menu(
                    item("Teach UniFER my expressions…", self._in_background(self.teach)),
                    item(
                        "Not right? Correct the last webcam reading…",
                        self._in_background(self.correct_last),
                        enabled=lambda _: self.last_webcam is not None,
                    ),
                    item(
                        "Delete my expression profile…",
                        self._in_background(self.delete_profile),
                        visible=lambda _: self.profiles.exists(self.config.profile.name),
                    ),
                ),
            ),
            item("Open last report", self.open_last_report, enabled=lambda _: self.last_report is not None),
            item("Save report…", self._in_background(self.save_report), enabled=lambda _: self.last_report is not None),
            item(
                "Settings",
                pystray.Menu(
                    item("Open settings file", self.open_settings),
                    item(
                        "Describe with a local model",
                        lambda: self.toggle("describe"),
                        checked=lambda _: self.config.tray.describe,
                    ),
                    item(
                        "Notifications",
                        lambda: self.toggle("notifications"),
                        checked=lambda _: self.config.tray.notifications,
                    ),
                ),
            ),
            item(
                "History",
                pystray.Menu(
                    item(
                        "Open history dashboard",
                        self._in_background(self.open_history),
                        enabled=lambda _: self.history.enabled,
                    ),
                    item(
                        "Keep history…",
                        self._in_background(self.keep_history),
                        visible=lambda _: not self.history.enabled,
                    ),
                    item(
                        "Stop keeping history…",
                        self._in_background(self.stop_history),
                        visible=lambda _: self.history.enabled,
                    ),
                ),
            ),
            item("About & privacy", self.about),
            item("Quit", self.quit),
        )

    def open_live_view(self) -> str:
        """The live window runs in its own process; one at a time."""
        from .. import live

        return "live view opened" if self.live_window.open(live.open_window) else "live view already open"

    def _in_background(self, action: Callable[[], object]) -> Callable[[], None]:
        """A menu callback that opens a dialog or decrypts history must not hold the tray's loop
        (the menu and icon would freeze until the dialog closes): run it on its own thread."""

        def start() -> None:
            threading.Thread(target=self._guarded, args=(action,), name="unifer-menu", daemon=True).start()

        return start

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except DialogError as exc:
            self._notify(Notification("Dialog unavailable", str(exc)))
        except Exception as exc:  # a menu action must never take the tray down
            log.exception("menu action failed")
            self._notify(Notification("Action failed", f"{type(exc).__name__}: {exc}"))

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

    def _ready(self, icon: Any) -> None:
        """Runs once the icon exists: arm hotkeys and IPC, start the worker, say hello."""
        icon.visible = True
        self.start_worker()
        self._purge_daily()
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
        self.icon = pystray.Icon("unifer-tray", icon_image(history=self.history.enabled), "UniFER", self._menu())
        self.notifications.attach_icon(self.icon, self._dispatch)
        if first_run:
            self._notify(Notification("UniFER is in your tray", FIRST_RUN_TEXT))
        self.icon.run(setup=self._ready)

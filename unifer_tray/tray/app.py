"""The tray application: menu, hotkeys and IPC turn into capture jobs for one worker thread.

Concurrency rule (see docs/adr/0004-tray.md): while the region overlay is open, further region
requests are ignored (coalesced); any new capture request replaces a pending one and cancels
the description of the one running (a newer capture supersedes it), so the tray never stacks
overlays or queues stale work.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..capture import CaptureError, screen
from ..capture.overlay import select_region
from ..config import Config, config_path
from ..helpers import open_in_browser
from ..history import History, HistoryError
from ..notify import Notification, choose
from ..notify.desktop import DesktopNotifierBackend
from ..notify.plyer_backend import PlyerBackend
from ..notify.tray_message import TrayMessageBackend
from ..report.html import DISCLAIMER, render
from ..report.server import ReportServer
from ..report.text import notification_body, notification_title
from ..supersede import Supersede
from . import dialogs
from .host import NO_TRAY_HINT, tray_host_present
from .hotkeys import Hotkeys
from .icons import icon_image
from .instance import SingleInstance

if TYPE_CHECKING:
    from ..pipeline import Pipeline

log = logging.getLogger("unifer_tray.tray")
FIRST_RUN_TEXT = (
    "UniFER reads the facial expressions in a screen region, a webcam snapshot or an image, on this "
    "computer. It is not a lie detector or a diagnosis. Nothing is stored or sent anywhere without "
    "your consent."
)


class TrayApp:
    def __init__(self, config: Config):
        self.config = config
        self._pipeline: Pipeline | None = None
        self.reports = ReportServer()
        self.supersede = Supersede()
        self.tray_message = TrayMessageBackend()
        self.notifier, hints = choose([DesktopNotifierBackend(), PlyerBackend(), self.tray_message])
        for hint in hints:
            log.info("notification backend skipped: %s", hint)
        log.info("notifications via %s", self.notifier.name)
        self.jobs: queue.Queue = queue.Queue(maxsize=1)
        self.overlay_open = threading.Event()
        self.last_report: tuple[str, str] | None = None  # (url, suggested file name)
        self.hotkeys = Hotkeys()
        self.history = History(retention_days=config.history.retention_days)
        self.icon = None
        self.instance: SingleInstance | None = None

    @property
    def pipeline(self) -> Pipeline:
        """Loaded at the first capture (about 0.3 s): onnxruntime, the models and the
        describe layer are not needed by an idle tray."""
        if self._pipeline is None:
            from ..pipeline import Pipeline
            from ..vision.detector import SCREEN_SETTINGS

            self._pipeline = Pipeline(SCREEN_SETTINGS, describer=self._describer())
        return self._pipeline

    def _describer(self):
        if not self.config.tray.describe:
            return None
        from ..describe import Describer

        return Describer(self.config.ollama)

    # -- requests from the menu, hotkeys and IPC --------------------------------------------
    def trigger(self, action: str) -> str:
        if action == "ping":
            return "pong"
        if action == "quit":
            threading.Thread(target=self.quit, daemon=True).start()
            return "quitting"
        if action == "region" and self.overlay_open.is_set():
            log.info("region overlay already open: request ignored")
            return "overlay already open"
        self._replace_pending(action)
        return "queued"

    def _replace_pending(self, job: str | None) -> None:
        """Queue `job` in place of any pending one, cancelling the running description."""
        self.supersede.new_token()
        with contextlib.suppress(queue.Empty):
            self.jobs.get_nowait()
        self.jobs.put_nowait(job)

    def _worker(self) -> None:
        while True:
            action = self.jobs.get()
            if action is None:
                return
            self._set_state("busy")
            failed = False
            try:
                captured = self._capture(action)
                if captured is not None:
                    failed = not self._analyze(*captured)
            except CaptureError as exc:
                failed = True
                self._notify(Notification("Capture failed", str(exc)))
            except Exception as exc:  # keep the tray alive whatever happens
                log.exception("analysis failed")
                failed = True
                self._notify(Notification("Analysis failed", f"{type(exc).__name__}: {exc}"))
            self._set_state("attention" if failed else "idle")

    def _capture(self, action: str) -> tuple[np.ndarray | str, str] | None:
        """(pixels or a file path, source type), or None if the user cancelled."""
        if action == "screen":
            pixels, _ = screen.grab()
            return pixels, "screen"
        if action == "webcam":
            from ..capture import webcam

            camera = self.config.camera
            return webcam.snapshot(webcam.camera_source(camera.source), camera.warmup_frames, camera.backend), "webcam"
        if action == "file":
            path = dialogs.ask_open_image()
            return (path, "file") if path else None
        # region: a frozen full-desktop shot, the overlay over it, then its crop
        pixels, origin = screen.grab()
        self.overlay_open.set()
        try:
            region = select_region(pixels, origin, screen.monitors())
        finally:
            self.overlay_open.clear()
        if region is None:
            return None
        x, y = region.left - origin.left, region.top - origin.top
        return np.ascontiguousarray(pixels[y : y + region.height, x : x + region.width]), "screen region"

    def _analyze(self, image: np.ndarray | str, source: str) -> bool:
        """`source` is the kind of capture (screen, screen region, webcam, file), never a path."""
        shown = image if isinstance(image, str) else source  # the report may name the file
        analysis, rgb = self.pipeline.run(image, source=shown, cancel=self.supersede.new_token())
        if rgb is not None:
            created = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            models = [info.version for info in self.pipeline.analyzer.models]
            url = self.reports.publish(render(analysis, rgb, models, created))
            self.last_report = (url, f"unifer-report-{created.replace(':', '').replace(' ', '-')}.html")
            self._update_menu()
        self._notify(Notification(notification_title(analysis), notification_body(analysis), self.open_last_report))
        if rgb is not None and self.history.enabled:
            try:
                self.history.add(analysis, source, self._thumbnails(analysis, rgb))
            except HistoryError as exc:
                self._notify(Notification("History not saved", str(exc)))
                return False
        return analysis.ok

    def _thumbnails(self, analysis, rgb: np.ndarray) -> list[str] | None:
        """Small face crops, only when the user separately allowed them."""
        if not self.history.thumbnails_allowed:
            return None
        import base64

        from ..imaging import encode_jpeg, resize_to

        crops = []
        for face in analysis.faces[:8]:
            x, y, w, h = face.box
            crop = resize_to(rgb[y : y + h, x : x + w], (96, 96), area=True)
            crops.append(base64.b64encode(encode_jpeg(crop)).decode())
        return crops

    def _notify(self, notification: Notification) -> None:
        if not self.config.tray.notifications:
            log.info("notification (off in settings): %s", notification.title)
            return
        try:
            self.notifier.send(notification)
        except Exception as exc:
            log.warning("%s failed (%s); using the tray message", self.notifier.name, exc)
            self.tray_message.send(notification)
        log.info(
            "notified via %s: %s | %s", self.notifier.name, notification.title, notification.body.replace("\n", " / ")
        )

    # -- menu actions ---------------------------------------------------------------------------
    def open_last_report(self) -> None:
        if self.last_report:
            open_in_browser(self.last_report[0])

    def save_report(self) -> None:
        if not self.last_report:
            return
        url, name = self.last_report
        html = self.reports.html(url)
        target = dialogs.ask_save_report(name) if html else None
        if target:
            Path(target).write_text(html, encoding="utf-8")

    def open_settings(self) -> None:
        path = config_path()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("# UniFER tray settings: see the README's configuration section.\n", encoding="utf-8")
        open_in_browser(path.as_uri())

    def toggle(self, name: str) -> None:
        setattr(self.config.tray, name, not getattr(self.config.tray, name))
        if name == "describe" and self._pipeline is not None:
            self._pipeline.describer = self._describer()
        self._update_menu()

    def open_history(self) -> None:
        from ..report.dashboard import render_dashboard

        try:
            open_in_browser(self.reports.publish(render_dashboard(self.history.records())))
        except HistoryError as exc:
            self._notify(Notification("History unavailable", str(exc)))

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
        self._notify(Notification("About UniFER & privacy", FIRST_RUN_TEXT + " " + DISCLAIMER[:120] + "…"))

    def quit(self) -> None:
        self._replace_pending(None)  # None ends the worker
        self.hotkeys.stop()
        if self.instance is not None:
            self.instance.release()
        self.reports.close()
        if self.icon is not None:
            self.icon.stop()

    # -- the icon -------------------------------------------------------------------------------
    def _menu(self):
        import pystray

        item, separator = pystray.MenuItem, pystray.Menu.SEPARATOR
        hotkey = self.config.tray.hotkey_region.replace("<", "").replace(">", "").title()
        return pystray.Menu(
            item(f"Analyze screen region ({hotkey})", lambda: self.trigger("region"), default=True),
            item("Analyze full screen", lambda: self.trigger("screen")),
            item("Webcam snapshot", lambda: self.trigger("webcam")),
            item("Analyze image file…", lambda: self.trigger("file")),
            separator,
            item("Open last report", self.open_last_report, enabled=lambda _: self.last_report is not None),
            item("Save report…", self.save_report, enabled=lambda _: self.last_report is not None),
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
                    item("Open history dashboard", self.open_history, enabled=lambda _: self.history.enabled),
                    item("Keep history…", self.keep_history, visible=lambda _: not self.history.enabled),
                    item("Stop keeping history…", self.stop_history, visible=lambda _: self.history.enabled),
                ),
            ),
            item("About & privacy", self.about),
            item("Quit", self.quit),
        )

    def _set_state(self, state: str) -> None:
        if self.icon is not None:
            self.icon.icon = icon_image(state, history=self.history.enabled)

    def _update_menu(self) -> None:
        if self.icon is not None:
            self.icon.update_menu()

    def _ready(self, icon) -> None:
        """Runs once the icon exists: arm hotkeys and IPC, start the worker, say hello."""
        icon.visible = True
        threading.Thread(target=self._worker, name="unifer-worker", daemon=True).start()
        self._purge_daily()
        usable, why = self.hotkeys.is_available()
        problem = why if not usable else self.hotkeys.start(self._hotkey_bindings())
        if problem:
            self._notify(Notification("Hotkeys unavailable", problem))
        if not tray_host_present():
            log.warning("no system tray host")
            self._notify(Notification("No system tray", NO_TRAY_HINT))
        self.instance.serve(self.trigger)  # last: answering `--trigger ping` means fully ready
        log.info("UniFER tray ready (%.2f s after start)", time.monotonic() - self.started)

    def _hotkey_bindings(self) -> dict:
        bindings = {self.config.tray.hotkey_region: lambda: self.trigger("region")}
        if self.config.tray.hotkey_webcam.lower() not in ("", "off", "none"):
            bindings[self.config.tray.hotkey_webcam] = lambda: self.trigger("webcam")
        return bindings

    def run(self, instance: SingleInstance, started: float, first_run: bool) -> None:
        import pystray

        self.instance, self.started = instance, started
        self.icon = pystray.Icon("unifer-tray", icon_image(history=self.history.enabled), "UniFER", self._menu())
        self.tray_message.icon = self.icon
        if first_run:
            self._notify(Notification("UniFER is in your tray", FIRST_RUN_TEXT))
        self.icon.run(setup=self._ready)

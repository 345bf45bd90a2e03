"""The tray icon's menu. Items that open a dialog or decrypt something run off the tray's loop
(`in_background`), so the menu and icon never freeze while a dialog is open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..config import Config
from ..history import History
from .actions import Action
from .history_actions import HistoryActions
from .profiles import ProfileFlows
from .reports import ReportActions
from .settings import TraySettings


class MenuHost(Protocol):
    """What the menu reads and calls: the tray application."""

    history: History
    profile: ProfileFlows
    reporting: ReportActions
    history_actions: HistoryActions
    settings: TraySettings

    @property
    def config(self) -> Config: ...

    def trigger(self, action: Action) -> str: ...

    def in_background(self, action: Callable[[], object]) -> Callable[[], None]: ...

    def about(self) -> None: ...

    def quit(self) -> None: ...


def build_menu(app: MenuHost) -> Any:
    import pystray

    item, separator, background = pystray.MenuItem, pystray.Menu.SEPARATOR, app.in_background
    hotkey = app.config.tray.hotkey_region.replace("<", "").replace(">", "").title()

    def has_report(_: object) -> bool:
        return app.reporting.last is not None

    def history_on(_: object) -> bool:
        return app.history.enabled

    return pystray.Menu(
        item("Open UniFER…", lambda: app.trigger(Action.WINDOW)),
        item(f"Analyze screen region ({hotkey})", lambda: app.trigger(Action.REGION), default=True),
        item("Analyze full screen", lambda: app.trigger(Action.SCREEN)),
        item("Webcam snapshot", lambda: app.trigger(Action.WEBCAM)),
        item("Live view (webcam)", lambda: app.trigger(Action.LIVE)),
        item("Analyze image file…", lambda: app.trigger(Action.FILE)),
        separator,
        item(
            "My expressions",
            pystray.Menu(
                item("Teach UniFER my expressions…", background(app.profile.teach)),
                item(
                    "Not right? Correct the last webcam reading…",
                    background(app.profile.correct_last),
                    enabled=lambda _: app.profile.last_webcam is not None,
                ),
                item(
                    "Delete my expression profile…",
                    background(app.profile.delete),
                    visible=lambda _: app.profile.exists(),
                ),
            ),
        ),
        item("Open last report", app.reporting.open_last, enabled=has_report),
        item("Save report…", background(app.reporting.save_last), enabled=has_report),
        item(
            "Settings",
            pystray.Menu(
                item("Open settings file", app.settings.open_file),
                item(
                    "Describe with a local model",
                    lambda: app.settings.toggle("describe"),
                    checked=lambda _: app.config.tray.describe,
                ),
                item(
                    "Notifications",
                    lambda: app.settings.toggle("notifications"),
                    checked=lambda _: app.config.tray.notifications,
                ),
            ),
        ),
        item(
            "History",
            pystray.Menu(
                item("Open history dashboard", background(app.history_actions.open_dashboard), enabled=history_on),
                item(
                    "Keep history…",
                    background(app.history_actions.keep),
                    visible=lambda _: not app.history.enabled,
                ),
                item("Stop keeping history…", background(app.history_actions.stop), visible=history_on),
            ),
        ),
        item("About & privacy", app.about),
        item("Quit", app.quit),
    )

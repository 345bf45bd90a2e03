"""The tray's settings: the ones in force, the file they come from, the menu's two toggles, and
edits made while the tray runs (`unifer config set`, the settings file), which apply from the
next capture. A broken file keeps the settings in force and says why."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from ..config import Config, ConfigError, config_path, load_config, set_value
from ..helpers import open_for_editing
from ..notify import Notification

log = logging.getLogger("unifer_tray.tray")
Toggle = Literal["describe", "notifications"]


class TraySettings:
    def __init__(
        self, config: Config, notify: Callable[[Notification], None], applied: Callable[[Config], None]
    ) -> None:
        """`applied` hears every change of the settings in force (a toggle, a reload), to pass it
        on to the parts that read them."""
        self.config, self._notify, self._applied = config, notify, applied
        self.file = config_path()
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[float, int] | None:
        try:
            info = self.file.stat()
        except OSError:
            return None
        return info.st_mtime, info.st_size

    def open_file(self) -> None:
        if not self.file.exists():
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_text("# UniFER tray settings: see the README's configuration section.\n", encoding="utf-8")
        if not open_for_editing(str(self.file)):
            self._notify(Notification("No editor found", f"Open the settings file yourself: {self.file}"))

    def toggle(self, name: Toggle) -> None:
        """Flip a menu setting and save it, so it survives a restart."""
        value = not getattr(self.config.tray, name)
        setattr(self.config.tray, name, value)
        self._applied(self.config)
        try:
            set_value(f"tray.{name}", "true" if value else "false", self.file)
            self._stamp = self._file_stamp()
        except (ConfigError, OSError) as exc:
            self._notify(Notification("Setting not saved", f"{exc}. It applies until UniFER quits."))

    def reload_if_changed(self) -> None:
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            fresh = load_config(self.file)
        except ConfigError as exc:
            self._notify(Notification("Settings not reloaded", f"{exc}. The previous settings stay in force."))
            return
        old_hotkeys = (self.config.tray.hotkey_region, self.config.tray.hotkey_webcam)
        self.config = fresh
        self._applied(fresh)
        log.info("settings reloaded from %s", self.file)
        if (fresh.tray.hotkey_region, fresh.tray.hotkey_webcam) != old_hotkeys:
            self._notify(Notification("New hotkeys", "Quit and start UniFER again for the new hotkeys to work."))

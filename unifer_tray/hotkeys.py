"""Global hotkeys with pynput, where the platform allows them.

Wayland gives no application global key events, and macOS needs the Accessibility permission;
there the tray still works and says once how to bind `unifer-tray --trigger ...` to a system
shortcut instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import platform


def is_off(text: str) -> bool:
    """The settings' way to have no hotkey."""
    return text.strip().lower() in ("", "off", "none")


def hotkey_problem(text: str) -> str | None:
    """What is wrong with a hotkey in pynput's syntax ("<ctrl>+<alt>+e"), or None if it is fine.

    pynput's own parser decides where it can load; without a display it cannot, and the same
    grammar is checked instead: named keys in angle brackets, single characters bare."""
    if is_off(text):
        return None
    try:
        from pynput.keyboard import HotKey
    except Exception:  # no display: pynput's backend does not load
        parts = text.split("+")
        valid = all(len(part) == 1 or (len(part) > 2 and part[0] == "<" and part[-1] == ">") for part in parts)
    else:
        try:
            HotKey.parse(text)
            valid = True
        except ValueError:
            valid = False
    if valid:
        return None
    named = "+".join(part if len(part) == 1 or part.startswith("<") else f"<{part}>" for part in text.split("+"))
    return f"{text!r} is not a hotkey; write named keys in angle brackets, e.g. {named!r}"


INPUT_MONITORING_HINT = (
    "Allow UniFER in " + platform.PERMISSION_PANES["input monitoring"] + " for the hotkeys to work, "
    "then restart it; until then use the menu-bar icon or `unifer-tray --trigger region`."
)
WAYLAND_HINT = (
    "Global hotkeys are not available under Wayland. Bind `unifer-tray --trigger region` to a "
    "keyboard shortcut in your desktop's settings, or use the tray menu."
)


class Hotkeys:
    def __init__(self) -> None:
        self._listener: Any = None  # a pynput GlobalHotKeys thread once started

    def is_available(self) -> tuple[bool, str]:
        session = platform.session()
        if session == "wayland":
            return False, WAYLAND_HINT
        if session == "none":
            return False, "no graphical display (DISPLAY is not set): start the tray inside a desktop session"
        if platform.macos_allows("input monitoring") is False:
            return False, INPUT_MONITORING_HINT
        try:
            from pynput import keyboard  # noqa: F401  (fails without a display)
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return False, f"global hotkeys are unavailable ({reason}); use the tray menu or `unifer-tray --trigger`"
        return True, ""

    def start(self, bindings: dict[str, Callable[[], object]]) -> str | None:
        """Arm the hotkeys; a message for the user if they cannot work, else None."""
        from pynput import keyboard

        try:
            listener = keyboard.GlobalHotKeys(bindings)
            listener.start()
            listener.wait()
        except ValueError as exc:
            return f"a hotkey in the config is not valid ({exc}); fix [tray] hotkey_region / hotkey_webcam"
        self._listener = listener
        if getattr(listener, "IS_TRUSTED", True) is False:  # macOS: the event tap was refused
            return INPUT_MONITORING_HINT
        return None

    def prepare_on_main_thread(self) -> None:
        """macOS: pynput's listener asks for the keyboard layout (TISGetInputSourceProperty) on
        its own thread, and macOS 14+ kills a process that does (pynput#424). Ask once here, on
        the main thread, and hand that answer to the listener. Elsewhere: nothing to do."""
        platform.current().prepare_keyboard_on_main_thread()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()

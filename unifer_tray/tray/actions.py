"""What the tray can be asked to do: the menu, the hotkeys and `unifer-tray --trigger` all send
these, and their values are the words that travel over the control socket."""

from __future__ import annotations

from enum import Enum


class Action(str, Enum):
    REGION = "region"
    SCREEN = "screen"
    WEBCAM = "webcam"
    FILE = "file"
    WINDOW = "window"  # the photo window: drop, paste or open photos
    OPEN = "open"  # the photo window with files (`unifer-tray --open FILE...`)
    LIVE = "live"
    TEACH = "teach"  # Teach UniFER my expressions (the guided webcam session)
    QUIT = "quit"
    PING = "ping"

    @classmethod
    def parse(cls, word: object) -> Action | None:
        try:
            return cls(word)
        except ValueError:
            return None

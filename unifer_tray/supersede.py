"""Cancel tokens where the newest request wins: taking a new token cancels the previous one.

The tray uses it so that a newer capture cancels the description of the one being analysed.
"""

from __future__ import annotations

import threading


class Supersede:
    """Hands out cancel tokens; taking a new one cancels the previous (a newer capture wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: threading.Event | None = None

    def new_token(self) -> threading.Event:
        with self._lock:
            if self._current is not None:
                self._current.set()
            self._current = threading.Event()
            return self._current

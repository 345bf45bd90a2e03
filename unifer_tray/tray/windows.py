"""Our own windows (the live view, the teach session) run as child processes of the tray: one
of each kind at a time, watched until they end, and never ending in silence.

A window says how it ended by its exit code (each kind lists the codes it uses, and what the
tray says for them); any other end (a crash in a native library, an abort, an exception before
the window could say anything) is a notification with the last thing it printed, and those last
lines are kept for `unifer doctor` in a file readable by the user alone. The windows print no
faces or readings, only what went wrong and how a session ended.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from enum import Enum

from ..helpers import window_failure_record
from ..notify import Notification
from ..private_files import write_private

log = logging.getLogger("unifer_tray.tray")
TAIL_LINES = 12

# exit code -> (title, body) of the notification; None: say nothing; "{last}" is the last line
Endings = Mapping[int, tuple[str, str] | None]


def ended_by(code: int) -> str:
    """How a process of ours ended, in words."""
    if code < 0:
        try:
            return f"stopped by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"stopped by signal {-code}"
    return f"exit code {code}"


def record_failure(title: str, code: int, tail: list[str]) -> None:
    """Keep the last lines of a process of ours that ended unexpectedly, for `unifer doctor`."""
    record = window_failure_record()
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        write_private(record, "\n".join([f"{stamp} {title}: {ended_by(code)}", *tail]) + "\n")
    except OSError as exc:
        log.warning("could not keep the last lines of %s: %s", title.lower(), exc)


class Start(Enum):
    OPENED = "opened"
    ALREADY_OPEN = "already open"
    FAILED = "could not start"  # said to the user by ChildWindow.open


class ChildWindow:
    def __init__(self, title: str, endings: Endings, notify: Callable[[Notification], None]) -> None:
        self.title, self.endings, self._notify = title, endings, notify
        self._process: subprocess.Popen[str] | None = None
        self._closing = False

    def is_open(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def process(self) -> subprocess.Popen[str] | None:
        """The window's process while it is open (to send it requests)."""
        return self._process if self.is_open() else None

    def open(self, start: Callable[[], subprocess.Popen[str]], on_end: Callable[[int], None] | None = None) -> Start:
        """Start the window unless one is open; `on_end` hears its exit code. A window that cannot
        even start (its program gone, no memory for a process) is a notification here."""
        if self.is_open():
            return Start.ALREADY_OPEN
        self._closing = False
        try:
            self._process = start()
        except OSError as exc:
            log.warning("%s could not start: %s", self.title, exc)
            self._notify(
                Notification(
                    f"{self.title} could not open",
                    f"Starting it failed ({exc}). Try again; if it keeps failing, reinstall UniFER or "
                    "run `unifer doctor`.",
                )
            )
            return Start.FAILED
        threading.Thread(target=self.watch, args=(self._process, on_end), name="unifer-window", daemon=True).start()
        return Start.OPENED

    def close(self) -> None:
        """Ended by us (Quit): its camera is released with the process, and nothing is said."""
        if self.is_open():
            assert self._process is not None
            self._closing = True
            self._process.terminate()

    def watch(self, process: subprocess.Popen[str], on_end: Callable[[int], None] | None = None) -> None:
        assert process.stdout is not None
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        for line in process.stdout:
            log.info("%s", line.rstrip())
            if line.strip():
                tail.append(line.rstrip())
        code = process.wait()
        if self._closing and process is self._process:
            return
        last = tail[-1].split(": ", 1)[-1] if tail else ""
        if code in self.endings:
            said = self.endings[code]
            if said is not None:
                self._notify(Notification(said[0], said[1].format(last=last or "no reason was given")))
        else:
            record_failure(self.title, code, list(tail))
            reason = f"{last} ({ended_by(code)})" if last else ended_by(code)
            self._notify(
                Notification(f"{self.title} closed unexpectedly", f"{reason}. `unifer doctor` shows its last lines.")
            )
        if on_end is not None:
            on_end(code)

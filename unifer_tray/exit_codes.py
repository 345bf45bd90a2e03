"""What `unifer` and `unifer-tray` return, for scripts that call them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every input analysed, or the command did what it was asked
    FAILED = 1  # some inputs failed (each reported), or the command could not be done
    USAGE = 2  # the command line or the config is wrong
    INTERRUPTED = 130  # Ctrl+C

"""The photo window, "UniFER — photo" (#24): drop, paste or choose photos and videos, see each
one's reading, save or copy it.

It runs as its own process (Tk must not share the tray's main loop), started by the tray
(`open_window`; further files and "come to the front" go to it as JSON lines on its stdin, never
on its command line) or on its own by `unifer-tray --open FILE...` when no tray runs. Its work is
the tray's: `tray.analyst.Analyst` for captures and photos (pipeline, outcome step, history when
on), `pipeline.analyze_paths` for videos. Nothing is ever fetched from a URL that is dropped or
pasted; only local files and image data are read.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..helpers import start_window

TITLE = "UniFER — photo"
MODULE = "unifer_tray.photo.window"
CLOSED, FAILED = 0, 1  # the window's exit codes


def open_window(paths: list[Path] | None = None) -> subprocess.Popen[str]:
    """The window as a child of the tray, showing `paths` once it is up."""
    window = start_window(MODULE, "--from-tray", stdin=True)
    if paths:
        tell(window, open=[str(path) for path in paths])
    return window


def tell(window: subprocess.Popen[str], **message: object) -> None:
    """One request to a running window: {"open": [paths]} or {"front": true}."""
    assert window.stdin is not None
    window.stdin.write(json.dumps(message) + "\n")
    window.stdin.flush()

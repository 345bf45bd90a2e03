"""Starting our own helper processes (the Tk overlay and dialogs), frozen or not.

Tk must never share a main loop with the tray, so these run as separate processes. From a
Python install they are `python -m MODULE`; inside a PyInstaller bundle sys.executable is the
app itself, which dispatches `--unifer-helper MODULE` (see packaging/launcher.py).
"""

from __future__ import annotations

import runpy
import sys


def helper_command(module: str) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "--unifer-helper", module]
    return [sys.executable, "-m", module]


def run_helper(module: str) -> None:
    """Inside the bundle: run `module` as __main__, like `python -m` would."""
    runpy.run_module(module, run_name="__main__", alter_sys=True)

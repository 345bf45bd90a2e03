"""Starting other processes, frozen or not: our own helpers, and the system's programs.

Tk must never share a main loop with the tray, so the overlay and dialogs run as separate
processes. From a Python install they run MODULE as `python -m` would, but without the current
folder on sys.path (what `-P` does from Python 3.11 on): started from a folder that holds a
`unifer_tray/` source tree (the repository root, where the README's tray command is run), a
helper would otherwise import that tree instead of the installed package. Inside a PyInstaller
bundle sys.executable is the app itself, which dispatches `--unifer-helper MODULE` (see
packaging/launcher.py).

Inside the bundle, PyInstaller points LD_LIBRARY_PATH and GTK's, GStreamer's and
GObject's search paths into the bundle. A system program started with them (the browser for a
report, notify-send) would load the bundle's glib and GTK, which can crash it on a newer
distribution, so those are started with the environment the app was given.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from . import platform

# Set by PyInstaller's runtime hooks without a path into the bundle: meaningless outside it.
_BUNDLE_SETTINGS = ("GST_REGISTRY_FORK", "GST_PLUGIN_SYSTEM_PATH", "GDK_PIXBUF_MODULE_FILE")
_environment_lock = threading.Lock()
# `python -c` puts "" (the current folder) first on sys.path; this drops it, then runs the module
# named by the first argument as __main__ with the rest as its arguments.
_SAFE_START = """\
import runpy, sys
if sys.path[0] == "":
    del sys.path[0]
del sys.argv[0]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def window_failure_record() -> Path:
    """Where the tray keeps the last lines of a window of ours that ended unexpectedly, for
    `unifer doctor` (see tray/windows.py)."""
    import platformdirs

    return platformdirs.user_state_path("unifer-tray") / "last-window-failure.txt"


def helper_command(module: str) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "--unifer-helper", module]
    return [sys.executable, "-c", _SAFE_START, module]


def ask_helper(module: str, question: bytes | str, timeout: float) -> subprocess.CompletedProcess:
    """Run a helper of ours (the overlay, a dialog) that reads its question on stdin, never from
    its arguments (which every local user can read), and answers on stdout."""
    return subprocess.run(
        helper_command(module),
        input=question,
        capture_output=True,
        text=isinstance(question, str),
        timeout=timeout,
        creationflags=platform.no_console_window(),
    )


def start_window(module: str, *args: str, stdin: bool = False) -> subprocess.Popen[str]:
    """A window of ours (live view, teach session, photo window) as its own process, its output
    piped back to the tray, which keeps the process to avoid a second one and to say how it
    ended; `stdin`: the tray writes requests to it."""
    return subprocess.Popen(
        [*helper_command(module), *args],
        stdin=subprocess.PIPE if stdin else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        creationflags=platform.no_console_window(),
    )


def start_service(module: str, *args: str) -> subprocess.Popen[bytes]:
    """A process of ours that the tray talks to over its stdin and stdout (the analysis
    process); its stderr carries what went wrong."""
    return subprocess.Popen(
        [*helper_command(module), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        creationflags=platform.no_console_window(),
    )


def run_helper(module: str) -> None:
    """Inside the bundle: run `module` as __main__, like `python -m` would."""
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def outside_environment(environment: Mapping[str, str], bundle: str | None) -> dict[str, str]:
    """`environment` without what a PyInstaller bundle at `bundle` added (None: not frozen)."""
    env = dict(environment)
    if not bundle:
        return env
    original_library_path = env.pop("LD_LIBRARY_PATH_ORIG", None)  # saved by the bootloader
    for name, value in list(env.items()):
        if name.startswith("_PYI_") or name in _BUNDLE_SETTINGS:
            del env[name]
        elif bundle in value:
            kept = [part for part in value.split(os.pathsep) if part and not part.startswith(bundle)]
            if kept:
                env[name] = os.pathsep.join(kept)
            else:
                del env[name]
    if original_library_path is not None:
        env["LD_LIBRARY_PATH"] = original_library_path
    return env


@contextmanager
def system_program_environment() -> Iterator[None]:
    """While inside: processes started (by webbrowser, plyer) get the outside environment.

    os.environ itself is swapped because those libraries take no environment argument; our
    own helpers started meanwhile are unaffected (the bundle's loader sets its paths again)."""
    bundle = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    if not bundle:
        yield
        return
    with _environment_lock:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(outside_environment(saved, bundle))
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def open_for_editing(path: str) -> bool:
    """Open a text file in the user's editor, with the environment the app was given."""
    with system_program_environment():
        try:
            return platform.current().open_for_editing(path)
        except (OSError, webbrowser.Error):
            return False


def open_in_browser(page: Path) -> bool:
    """Open a local page (a report's launcher: links with secrets never go on a command line);
    False when no browser could be started (a minimal desktop, a server session)."""
    with system_program_environment():
        try:
            return webbrowser.open(page.as_uri())
        except webbrowser.Error:
            return False

"""Windows: DPI awareness, no console windows, a session mutex and a named pipe for the tray."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import platformdirs

from .base import InstanceLock, System
from .nothing_special import allows as allows
from .nothing_special import notifications_refused as notifications_refused
from .nothing_special import plyer_missing as plyer_missing
from .nothing_special import prepare_keyboard_on_main_thread as prepare_keyboard_on_main_thread
from .nothing_special import ui_dispatcher as ui_dispatcher

NAME: System = "windows"
USES_FREEDESKTOP_BUS = False
NO_CONSOLE_WINDOW = 0x08000000  # CREATE_NO_WINDOW
# Ctrl+Alt is AltGr on Windows (Ctrl+Alt+E types € on German layouts): Ctrl+Shift instead.
REGION_HOTKEY = "<ctrl>+<shift>+e"
WEBCAM_HOTKEY = "<ctrl>+<shift>+w"
SCREEN_CAPTURE_FIX = "run UniFER in your desktop session (not as a service or over a locked screen)"
NO_NOTIFICATION_BACKEND = "the Windows notification API (winrt) is missing: pip install desktop-notifier again"
CAMERA_HINT = ""
PIPE_NAME_FILE = "tray.pipe"


def tray_host_present() -> bool:
    return True  # the notification area


def declare_dpi_awareness() -> None:
    """Per-monitor DPI aware, as mss makes the tray, so a Tk window and the screenshot it shows
    use the same pixels (at 125-150 % scaling they would not)."""
    import ctypes

    windll = ctypes.windll  # type: ignore[attr-defined]  # Windows only
    try:
        windll.shcore.SetProcessDpiAwareness(2)  # PROCESS_PER_MONITOR_DPI_AWARE (Windows 8.1+)
    except (AttributeError, OSError):
        windll.user32.SetProcessDPIAware()


def open_for_editing(path: str) -> bool:
    """webbrowser has no handler for .toml on Windows."""
    os.startfile(path, "edit")  # type: ignore[attr-defined]  # Windows only
    return True


def prepare_opencv() -> None:
    """Media Foundation's hardware transforms make many cameras take 5-20 s to open (opencv#17687)."""
    os.environ.setdefault("OPENCV_VIDEOIO_MSMF_ENABLE_HW_TRANSFORMS", "0")


def camera_api(cv2: Any, source: int | str) -> int:
    """DirectShow for cameras (opens in well under a second where Media Foundation often takes
    seconds); OpenCV's own choice for files."""
    return int(cv2.CAP_DSHOW) if isinstance(source, int) else int(cv2.CAP_ANY)


def instance_folder() -> Path:
    """The user's own data folder, not the temp folder platformdirs gives as the runtime folder."""
    folder = platformdirs.user_data_path("unifer-tray")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def instance_address(folder: Path, fresh: bool) -> str:
    """Pipe names are one namespace for every session, so a fixed name could be created first
    by another account to keep the tray from starting: a fresh random name at each start, kept
    in the user's own folder for `--trigger` (raises FileNotFoundError when none started)."""
    if not fresh:
        return (folder / PIPE_NAME_FILE).read_text(encoding="ascii").strip()
    name = rf"\\.\pipe\unifer-tray-{secrets.token_hex(16)}"
    (folder / PIPE_NAME_FILE).write_text(name + "\n", encoding="ascii")
    return name


def instance_leftovers(folder: Path) -> list[Path]:
    return [folder / PIPE_NAME_FILE]


class NamedMutex:
    """A session-wide named mutex; `held` is False when another process has it already. Taken
    before anything else, it settles which of two quick launches is the tray."""

    def __init__(self, name: str) -> None:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only
        self._handle = kernel32.CreateMutexW(None, False, name)
        self.held = bool(self._handle) and kernel32.GetLastError() != 183  # ERROR_ALREADY_EXISTS
        self._kernel32 = kernel32

    def release(self) -> None:
        if self._handle:
            self._kernel32.CloseHandle(self._handle)
            self._handle = None


def instance_lock(name: str) -> InstanceLock | None:
    return NamedMutex(name)

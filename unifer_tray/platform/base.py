"""What each OS module answers (`linux.py`, `windows.py`, `macos.py`): a module follows this
protocol with module-level names, as pystray's and mss's per-OS backends do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

System = Literal["windows", "macos", "linux"]
Session = Literal["windows", "macos", "x11", "wayland", "none"]
MacPermission = Literal["input monitoring", "screen recording"]
PERMISSION_PANES = {
    "input monitoring": "System Settings > Privacy & Security > Input Monitoring",
    "screen recording": "System Settings > Privacy & Security > Screen Recording",
}


class InstanceLock(Protocol):
    held: bool

    def release(self) -> None: ...


class OperatingSystem(Protocol):
    NAME: System
    USES_FREEDESKTOP_BUS: bool
    NO_CONSOLE_WINDOW: int  # subprocess creationflags for our helpers
    REGION_HOTKEY: str
    WEBCAM_HOTKEY: str
    SCREEN_CAPTURE_FIX: str  # what `doctor` advises when the screen cannot be grabbed
    NO_NOTIFICATION_BACKEND: str  # what it means here when desktop-notifier has no real backend
    CAMERA_HINT: str  # added to "no camera found"

    def tray_host_present(self) -> bool: ...

    def allows(self, permission: MacPermission) -> bool | None: ...

    def declare_dpi_awareness(self) -> None: ...

    def ui_dispatcher(self) -> Callable[[Callable[[], None]], None]: ...

    def open_for_editing(self, path: str) -> bool: ...

    def notifications_refused(self, app_name: str) -> str | None: ...

    def plyer_missing(self) -> str | None: ...

    def prepare_keyboard_on_main_thread(self) -> None: ...

    def prepare_opencv(self) -> None: ...

    def camera_api(self, cv2: Any, source: int | str) -> int: ...

    def instance_folder(self) -> Path: ...

    def instance_address(self, folder: Path, fresh: bool) -> str: ...

    def instance_leftovers(self, folder: Path) -> list[Path]: ...

    def instance_lock(self, name: str) -> InstanceLock | None: ...

"""What Linux and macOS answer alike: the tray's control socket in the private runtime folder."""

from __future__ import annotations

from pathlib import Path

from ..private_files import private_runtime_folder
from .base import InstanceLock


def instance_folder() -> Path:
    return private_runtime_folder()


def instance_address(folder: Path, fresh: bool) -> str:
    """A Unix socket only this user can reach (its folder is 0700)."""
    return str(folder / "tray.sock")


def instance_leftovers(folder: Path) -> list[Path]:
    """What a tray leaves behind (or left, when it crashed): its socket and key."""
    return [folder / "tray.sock", folder / "tray.key"]


def instance_lock(name: str) -> InstanceLock | None:
    """None: the socket itself settles which launch is the tray."""
    return None

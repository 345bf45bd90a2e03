"""Files and pictures that ship with the package, read by the tray, notifications and the CLI."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def icon_path() -> Path:
    """The app icon as a PNG file: notification servers want a path, not pixels."""
    return Path(str(resources.files(__package__) / "unifer.png"))


def sample_image() -> Path:
    """The bundled sample photo of `unifer analyze --sample`."""
    return Path(str(resources.files("unifer_tray") / "samples" / "astronaut.jpg"))

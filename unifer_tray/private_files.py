"""Everything we write that holds faces or readings (saved reports and dashboards, history
exports, the CLI's --output, --annotate and --timeline files, the live view's timeline, the
confusion matrix of an evaluation) is created readable by the user alone, through this module:
other accounts on the machine have no business seeing anyone's faces or expressions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from PIL import Image


def private_runtime_folder() -> Path:
    """The user's own folder for short-lived files (XDG_RUNTIME_DIR on Linux), 0700."""
    import warnings

    import platformdirs

    with warnings.catch_warnings():  # without XDG_RUNTIME_DIR it falls back to /tmp/runtime-<uid>,
        warnings.simplefilter("ignore")  # which the chmod below refuses if another account made it
        folder = platformdirs.user_runtime_path("unifer-tray")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(folder, 0o700)  # fails where another account made the folder first: not ours to use
    except PermissionError:
        raise PermissionError(f"{folder} belongs to another account; set XDG_RUNTIME_DIR or remove it") from None
    return folder


def _private_descriptor(path: Path) -> int:
    """A write descriptor for `path`, created (or truncated and narrowed) with mode 0600."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # a file that already existed keeps its old mode through O_CREAT
    return descriptor


def open_private(path: Path, newline: str | None = None) -> TextIO:
    """`path` opened for writing text, readable by the user alone."""
    return os.fdopen(_private_descriptor(path), "w", encoding="utf-8", newline=newline)


def open_private_binary(path: Path) -> BinaryIO:
    return os.fdopen(_private_descriptor(path), "wb")


def write_private(path: Path, text: str) -> None:
    with open_private(path) as stream:
        stream.write(text)


def save_image_private(image: Image.Image, path: Path) -> None:
    """`image` saved in the format its name asks for (PNG when the name says none we know)."""
    from PIL import Image

    image_format = Image.registered_extensions().get(path.suffix.lower(), "PNG")
    with open_private_binary(path) as stream:
        image.save(stream, format=image_format)

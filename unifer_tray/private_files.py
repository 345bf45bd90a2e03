"""Plaintext copies the user asks for (history exports, saved reports and dashboards) are created
readable by the user alone: they hold expressions and descriptions of faces."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def open_private(path: Path, newline: str | None = None) -> TextIO:
    """`path` opened for writing text, created (or truncated and narrowed) with mode 0600."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # a file that already existed keeps its old mode through O_CREAT
    return os.fdopen(descriptor, "w", encoding="utf-8", newline=newline)


def write_private(path: Path, text: str) -> None:
    with open_private(path) as stream:
        stream.write(text)

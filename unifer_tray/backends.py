"""Picking one of several platform backends at run time, as mss and pystray do.

Each backend says whether it can work here and, if not, why and how to fix it; the reasons
the better ones were skipped are kept as hints for `unifer doctor` and the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Backend(Protocol):
    name: str

    def is_available(self) -> tuple[bool, str]:
        """(usable, why not / how to fix)."""


B = TypeVar("B", bound=Backend)


def first_available(backends: Iterable[B]) -> tuple[B | None, list[str]]:
    """The first usable backend (None if there is none), and hints about those skipped."""
    hints: list[str] = []
    for backend in backends:
        usable, why = backend.is_available()
        if usable:
            return backend, hints
        hints.append(f"{backend.name}: {why}")
    return None, hints

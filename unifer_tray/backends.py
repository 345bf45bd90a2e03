"""Picking one of several platform backends at run time, as mss and pystray do.

Each backend says whether it can work here and, if not, why and how to fix it; the reasons
the better ones were skipped are kept as hints for `unifer doctor` and the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


class NoBackend(RuntimeError):
    """None of a family's backends can be used here; the message gives each one's reason."""


def choose(backends: Sequence[B], what: str, preferred: str = "auto", setting: str = "it") -> tuple[B, list[str]]:
    """The backend named `preferred` ("auto": the first available one) and hints about those
    skipped; raises NoBackend saying why. `what` names the family in messages ("camera backend"),
    `setting` the configuration key that chose it."""
    names = [backend.name for backend in backends]
    if preferred != "auto":
        if preferred not in names:
            raise NoBackend(f"unknown {what} {preferred!r}: set {setting} to auto, {', '.join(names)}")
        backends = [backend for backend in backends if backend.name == preferred]
    backend, hints = first_available(backends)
    if backend is None:
        raise NoBackend(f"no {what} is available (" + "; ".join(hints) + ")")
    return backend, hints

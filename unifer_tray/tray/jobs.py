"""What the tray and its analysis process say to each other (docs/adr/0011-analysis-process.md).

The tray sends a `Job` (and `Cancel` when a newer capture supersedes it); the analysis process
answers with `OverlayState`, `Shown` and `Said` as they happen, then `Finished`. They travel
pickled over the process's pipes, so they hold only plain data: this module and what it imports
must stay light enough for the idle tray (tests/test_imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Config
from ..notify import Notification
from ..result import Outcome
from .actions import Action

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Job:
    action: Action  # a capture: REGION, SCREEN, WEBCAM or FILE
    config: Config  # the settings in force when it was asked for


@dataclass(frozen=True)
class Cancel:
    """Give up on the running capture's description: a newer capture supersedes it."""


@dataclass(frozen=True)
class OverlayState:
    open: bool  # the region overlay is up (the tray ignores further region requests meanwhile)


@dataclass(frozen=True)
class Shown:
    """An outcome to show: the reading first (`describing`: its description is on the way),
    then once more with the description, or alone when nothing is described."""

    outcome: Outcome
    describing: bool
    correctable: bool  # a webcam reading: "Not right?" teaches the user's profile
    profile_problem: str | None = None  # why the user's profile could not be used, if it could not
    picture: Image.Image | None = None  # the annotated picture, for a window that shows it (never the tray's)


@dataclass(frozen=True)
class Said:
    notification: Notification  # a failure or a problem, without buttons


@dataclass(frozen=True)
class Finished:
    ok: bool  # False: something failed (the icon asks for attention)


Message = OverlayState | Shown | Said | Finished

"""The tray's side of the expression profile: which captures it reads, asking before one is
created, "Not right?", the teach window and deleting it. The store and its consent rule are
the profile package's (the CLI uses the same); what is said goes out as notifications."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..notify import Notification
from ..profile.store import Example, ProfileError, ProfileStore
from . import dialogs
from .dialogs import DialogError
from .windows import ChildWindow, Endings

if TYPE_CHECKING:
    from ..config import ProfileConfig
    from ..result import Analysis

USED_FOR = {"webcam": "webcam snapshots", "all": "every capture", "none": "nothing until you turn it on"}


def teach_endings() -> Endings:
    """What the tray says for each way a teach session ends (a cancel is the user's own doing)."""
    from .. import teach

    return {
        teach.SAVED: ("UniFER learned your expressions", "{last}"),
        teach.NOTHING_KEPT: ("Nothing was stored", "{last}"),
        teach.FAILED: ("Teaching did not finish", "{last}"),
        teach.CANCELLED: None,
    }


class ProfileFlows:
    def __init__(
        self,
        store: ProfileStore,
        settings: Callable[[], ProfileConfig],
        notify: Callable[[Notification], None],
        changed: Callable[[], None],
    ) -> None:
        """`settings`: the [profile] settings in force (they may be reloaded); `changed`: the
        menu has something new to show."""
        self.store, self._settings, self._notify, self._changed = store, settings, notify, changed
        self.last_webcam: Analysis | None = None  # the newest webcam result, for "Not right?" (memory only)
        self._problem: str | None = None  # said once per reason, not at every capture
        self.window = ChildWindow("The teach window", teach_endings(), notify)
        self._teach_lock = threading.Lock()

    def exists(self) -> bool:
        return self.store.exists(self._settings().name)

    def say_problem(self, reason: str | None) -> None:
        """Why the profile could not be used for a capture (None: it could, or did not apply);
        said once per reason, not at every capture."""
        if reason is not None and reason != self._problem:
            self._notify(Notification("Expression profile not used", f"{reason}. Readings are the general model's."))
        self._problem = reason

    def consent(self) -> bool:
        """True if the profile exists or the user agrees to create it now."""

        def ask(consent_text: str) -> bool:
            return dialogs.ask_yes_no("Create your expression profile?", consent_text + "\nCreate this profile?")

        try:
            return self.store.may_create(self._settings().name, ask)
        except (ProfileError, DialogError) as exc:  # also from the report's form, where nothing else would say it
            self._notify(Notification("Expression profile not created", str(exc)))
            return False

    def correct(self, analysis: Analysis, label: str | None = None) -> str:
        """ "Not right?": add the largest face's general reading to the profile under the label
        the user gives (asked in a dialog when not given). Returns what happened, for the report."""
        face = analysis.faces[0]
        if label is None:
            label = dialogs.ask_label(f"{face.expression} {face.confidence:.0%}")
            if label is None:
                return "Nothing was stored."
        if not self.consent():
            return "Nothing was stored: the expression profile was not created."
        settings = self._settings()
        try:
            example = Example.of(label, face.base_probabilities or face.probabilities, "correction")
            profile = self.store.add(settings.name, [example])
        except ProfileError as exc:
            self._notify(Notification("Not learned", str(exc)))
            return f"Nothing was stored: {exc}"
        message = (
            f"Learned: this face showed {label}. Your profile '{settings.name}' has {len(profile.examples)} "
            f"examples and is used for {USED_FOR[settings.apply_to]}."
        )
        self._notify(Notification("UniFER learned your expression", message))
        self._changed()
        return message

    def correct_last(self) -> None:
        if self.last_webcam is not None:
            self.correct(self.last_webcam)

    def teach(self) -> None:
        """The guided webcam session, in its own window process; one at a time (a second request
        waits for the first one's consent question, then finds its window open)."""
        with self._teach_lock:
            if self.window.is_open() or not self.consent():
                return
            from .. import teach

            name = self._settings().name
            self.window.open(lambda: teach.open_window(name), on_end=lambda code: self._changed())

    def delete(self) -> None:
        name = self._settings().name
        if not dialogs.ask_yes_no("Delete your expression profile?", f"Delete the profile '{name}' and its key?"):
            return
        try:
            self.store.delete(name)
        except ProfileError as exc:
            self._notify(Notification("Profile not deleted", str(exc)))
            return
        self._notify(Notification("Profile deleted", f"The profile '{name}' and its key are gone."))
        self._changed()

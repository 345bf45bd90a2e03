"""Expression profiles on disk: one encrypted file per profile, its key in the OS keyring.

A profile file holds a small clear header (its format) and one AES-GCM sealed payload: the
examples (label, the general model's seven log-probabilities, time, kind of source). The profile's
name is in the associated data, so a file renamed to another profile's name does not open. Each
profile has its own keyring entry (keys.profile_key), so deleting one destroys its key first
(crypto-shredding) and then the file. Files are replaced atomically: an add is stored whole or
not at all, and only ciphertext is ever written.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import platformdirs

from .. import keys
from ..config import NAME_RULE, PROFILE_NAME
from ..keys import KeyringUnavailable, profile_key
from ..result import LABELS

if TYPE_CHECKING:  # the calibration needs the vision package: loaded when a profile is applied
    from .calibration import Calibration

LOCK_SECONDS = 30.0  # a teach save or a correction takes a keyring round trip, well under this
FORMAT = 1  # of the file and its payload; another number is refused with a clear message
ExampleSource = Literal["file", "webcam", "correction"]
# One line per point, no hard wraps: a dialog and a terminal each wrap it to their own width.
CONSENT_TEXT = """\
UniFER will keep an expression profile named '{name}' on this computer, so that it reads your own face better.
- What is stored: for each example, the expression you named and the seven numbers the general model read from that face (its expression probabilities), with the time. Never the photos.
- Where: {path}, encrypted with a key kept in your system keyring. Nothing is sent anywhere.
- When it is used: for your webcam snapshots (setting `[profile] apply_to`), and for images you analyse with `--profile {name}`. Screen captures show other people and are not read with it unless you choose so.
- How to delete: `unifer profile delete --profile {name}` (the key is destroyed first, which makes the data unreadable at once).
"""  # noqa: E501


class ProfileError(RuntimeError):
    """A profile operation that cannot be done; the message says why and what to do."""


@dataclass
class Example:
    label: str
    features: list[float]  # the general model's log-probabilities, LABELS order
    added: float
    source: ExampleSource

    @classmethod
    def of(cls, label: str, general: dict[str, float], source: ExampleSource) -> Example:
        """An example from a face's general reading (its `base_probabilities` if a profile
        was applied: a profile learns from the general model, never from itself)."""
        from .features import log_probabilities  # numpy: an idle tray imports this module, not numpy

        return cls(label, log_probabilities(general).tolist(), time.time(), source)


@dataclass
class Profile:
    name: str
    created: float
    examples: list[Example] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(example.label for example in self.examples)
        return {label: counted[label] for label in LABELS}

    def calibration(self) -> Calibration:
        import numpy as np

        from .calibration import Calibration

        if not self.examples:
            raise ProfileError(
                f"the profile '{self.name}' has no examples yet; add some with "
                f"`unifer profile add --label LABEL --profile {self.name} IMAGE...`"
            )
        features = np.array([example.features for example in self.examples])
        labels = np.array([LABELS.index(example.label) for example in self.examples])
        return Calibration.fit(self.name, features, labels)


def default_folder() -> Path:
    return platformdirs.user_data_path("unifer-tray") / "profiles"


def check_name(name: str) -> str:
    if not PROFILE_NAME.fullmatch(name):
        raise ProfileError(f"'{name}' is not a profile name: {NAME_RULE}")
    return name


def _aad(name: str) -> bytes:
    return f"unifer-profile-v{FORMAT}|{name}".encode()


class ProfileStore:
    def __init__(self, folder: Path | None = None, clock: Callable[[], float] = time.time):
        self.folder = folder or default_folder()
        self.clock = clock

    def path(self, name: str) -> Path:
        return self.folder / f"{check_name(name)}.profile"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.profile") if PROFILE_NAME.fullmatch(p.stem))

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def stamp(self, name: str) -> tuple[int, int] | None:
        """(modification time in ns, size) of the profile's file, None if there is none: every
        add replaces the file, so an unchanged stamp means an unchanged profile."""
        try:
            info = self.path(name).stat()
        except FileNotFoundError:
            return None
        return info.st_mtime_ns, info.st_size

    def check_keyring(self) -> None:
        """Raises ProfileError (the "no secure keyring" refusal) before anything is asked or analysed."""
        try:
            keys.secure_backend()
        except KeyringUnavailable as exc:
            raise ProfileError(str(exc)) from None

    def consent_text(self, name: str) -> str:
        return CONSENT_TEXT.format(name=name, path=self.folder)

    # -- reading ----------------------------------------------------------------------------
    def require(self, name: str) -> None:
        """Raises ProfileError, naming the profiles there are, if `name` is not one."""
        if not self.exists(name):
            raise self._missing(name)

    def _missing(self, name: str) -> ProfileError:
        known = ", ".join(self.names()) or "none yet"
        return ProfileError(
            f"there is no expression profile '{name}' (profiles: {known}); teach one with "
            f"`unifer profile add --label LABEL --profile {name} IMAGE...` or the tray's Teach UniFER my expressions…"
        )

    def load(self, name: str) -> Profile:
        return self._open(name)[0]

    def _open(self, name: str) -> tuple[Profile, bytes]:
        """The profile and its key (one keyring read serves an add's read and write)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        path = self.path(name)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self._missing(name) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProfileError(
                f"the profile file {path} is unreadable ({exc}); delete it with "
                f"`unifer profile delete --profile {name}`"
            ) from None
        version = document.get("unifer_profile") if isinstance(document, dict) else None
        if version != FORMAT:
            newer = isinstance(version, int) and version > FORMAT
            raise ProfileError(
                f"the profile '{name}' was written by {'a newer' if newer else 'another'} version of UniFER "
                f"(profile format {version!r}; this version reads format {FORMAT}). "
                + ("Update UniFER to use it." if newer else f"Delete it with `unifer profile delete --profile {name}`.")
            )
        key = self._key(name)
        try:
            nonce = base64.b64decode(document["nonce"], validate=True)
            plain = AESGCM(key).decrypt(nonce, base64.b64decode(document["sealed"], validate=True), _aad(name))
            payload = json.loads(plain)
            profile = Profile(
                name=payload["name"],
                created=float(payload["created"]),
                examples=[Example(**example) for example in payload["examples"]],
            )
        except (InvalidTag, KeyError, TypeError, ValueError):
            raise ProfileError(
                f"the profile '{name}' was changed outside UniFER (or its key in the keyring was replaced), so it "
                f"is not trusted. Delete it with `unifer profile delete --profile {name}` and teach it again"
            ) from None
        return profile, key

    def _key(self, name: str) -> bytes:
        try:
            key = keys.load_key(profile_key(name))
        except KeyringUnavailable as exc:
            raise ProfileError(str(exc)) from None
        if key is None:
            raise ProfileError(
                f"the key of the profile '{name}' is missing from the keyring (it was deleted, or this is another "
                f"keyring), so the profile cannot be read. Delete it with `unifer profile delete --profile {name}` "
                "and teach it again"
            )
        return key

    def calibration(self, name: str) -> Calibration:
        return self.load(name).calibration()

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _changing(self, name: str) -> Iterator[None]:
        """One read-modify-write of a profile at a time, across processes (a teach session's save
        and a "Not right?" at once lost an example; two first writes each made a key)."""
        from filelock import FileLock, Timeout

        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        try:
            with FileLock(self.folder / f".{check_name(name)}.lock", timeout=LOCK_SECONDS):
                yield
        except Timeout:
            raise ProfileError(f"the profile '{name}' is being changed by another UniFER; try again") from None

    def may_create(self, name: str, ask: Callable[[str], bool]) -> bool:
        """True if the profile exists or the user agrees to create it: `ask` shows the consent
        text and returns the answer (a terminal's question, the tray's dialog). Without a secure
        keyring raises ProfileError before anything is asked or analysed."""
        self.check_keyring()
        return self.exists(name) or ask(self.consent_text(name))

    def add(self, name: str, examples: list[Example]) -> Profile:
        """Append examples, creating the profile (and its key) if needed. The caller has the
        user's consent for a new profile; all examples are stored, or none."""
        for example in examples:
            if example.label not in LABELS or len(example.features) != len(LABELS):
                raise ValueError(f"not a profile example: {example}")
        with self._changing(name):
            if self.exists(name):
                profile, key = self._open(name)
            else:
                profile = Profile(name=check_name(name), created=self.clock())
                self.check_keyring()
                try:
                    key = keys.new_key(profile_key(name))
                except KeyringUnavailable as exc:
                    raise ProfileError(str(exc)) from None
            profile.examples.extend(examples)
            self._write(profile, key)
        return profile

    def _write(self, profile: Profile, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        payload = json.dumps(
            {"name": profile.name, "created": profile.created, "examples": [asdict(e) for e in profile.examples]}
        ).encode()
        nonce = os.urandom(12)
        document = {
            "unifer_profile": FORMAT,
            "nonce": base64.b64encode(nonce).decode(),
            "sealed": base64.b64encode(AESGCM(key).encrypt(nonce, payload, _aad(profile.name))).decode(),
        }
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=".tmp")  # 0600
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                json.dump(document, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path(profile.name))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def delete(self, name: str) -> None:
        """Destroy the key (crypto-shredding), then the file."""
        self.require(name)
        with self._changing(name):
            try:
                keys.delete_key(profile_key(name))
            except KeyringUnavailable as exc:
                raise ProfileError(f"{exc}; nothing was deleted") from None
            self.path(name).unlink()
        (self.folder / f".{name}.lock").unlink(missing_ok=True)  # released first: a waiter finds no profile
        with contextlib.suppress(OSError):
            self.folder.rmdir()  # the last profile: no empty folder left behind

    def status(self, name: str) -> dict[str, Any]:
        profile = self.load(name)
        return {
            "profile": name,
            "path": str(self.path(name)),
            "created": profile.created,
            "examples": len(profile.examples),
            "per_label": profile.counts(),
            "size_bytes": self.path(name).stat().st_size,
            "keyring": keys.backend_name(),
        }


class CalibrationCache:
    """The fitted profile, kept while its file is unchanged (every add replaces the file):
    reading it is a keyring round trip, too slow to repeat for every capture or image."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[Path, tuple[int, int]], Calibration] | None = None

    def get(self, store: ProfileStore, name: str) -> Calibration | None:
        """None if there is no such profile; ProfileError if it cannot be used."""
        stamp = store.stamp(name)
        if stamp is None:
            return None
        key = (store.path(name), stamp)
        if self._kept is None or self._kept[0] != key:
            self._kept = (key, store.calibration(name))
        return self._kept[1]

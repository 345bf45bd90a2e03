"""User settings: a TOML file in the platform's config folder, validated into dataclasses.

Unknown keys are reported as warnings (a typo should not stop the app); a bad value is an error
that names the key, because silently falling back to a default would hide a privacy setting
such as ``allow_remote``. The file is optional: without it every default applies.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import platformdirs

from . import platform

if TYPE_CHECKING:
    from .result import CaptureKind

ProfileScope = Literal["webcam", "all", "none"]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

APP_NAME = "unifer-tray"
CONFIG_ENV = "UNIFER_CONFIG"  # path of the config file, for tests and portable setups
DEFAULT_VISION_MODELS = ["gemma3:4b", "qwen2.5vl:3b", "moondream", "llava-phi3", "llava", "llama3.2-vision"]


class ConfigError(ValueError):
    """A config value that cannot be used; the message names the key."""


@dataclass
class OllamaConfig:
    host: str | None = None  # None: $OLLAMA_HOST, else http://127.0.0.1:11434
    allow_remote: bool = False  # faces may only leave the machine if the user says so
    model: str = "auto"  # "auto": the first installed vision model from `preference`
    preference: list[str] = field(default_factory=lambda: list(DEFAULT_VISION_MODELS))
    timeout: float = 30.0  # seconds for the whole description, after which the classifier result stands
    keep_alive: str = "5m"  # how long Ollama keeps the model loaded between captures


@dataclass
class TrayConfig:
    # pynput GlobalHotKeys syntax; Ctrl+Alt on Linux/macOS, Ctrl+Shift on Windows (AltGr)
    hotkey_region: str = field(default_factory=lambda: platform.current().REGION_HOTKEY)
    hotkey_webcam: str = field(default_factory=lambda: platform.current().WEBCAM_HOTKEY)  # "off" disables it
    describe: bool = True  # ask the local vision model (the CLI's default is off)
    notifications: bool = True
    # How long the analysis process (the models, about 100 MB) stays after a capture, in Ollama's
    # keep_alive forms: "2m", "90s", "1h30m"; "0": ended after each capture; "forever".
    keep_models: str = "2m"


@dataclass
class CameraConfig:
    source: str | int = 0  # a camera index or a video file path; $UNIFER_CAMERA_SOURCE overrides
    warmup_frames: int = 5  # real cameras deliver dark frames while their exposure settles
    backend: str = "auto"  # "auto" (OpenCV if installed, else GStreamer), "opencv" or "gstreamer"


@dataclass
class HistoryConfig:
    retention_days: int = 30  # records older than this are purged at start and daily


# Names of expression profiles: also file names, so nothing a path could be made of.
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
NAME_RULE = "use 1-40 letters, digits, '-' or '_', starting with a letter or digit"


@dataclass
class ProfileConfig:
    name: str = "me"  # the expression profile the tray teaches and applies
    # Which captures are read with it, once it exists: "webcam" (the webcam sees the user),
    # "all" (screen captures and files too: they usually show other people) or "none".
    apply_to: ProfileScope = "webcam"

    def applies_to(self, kind: CaptureKind) -> bool:
        """Is a capture of this kind read with the profile?"""
        return self.apply_to == "all" or (self.apply_to == "webcam" and kind == "webcam")


@dataclass
class Config:
    ollama: OllamaConfig = field(default_factory=OllamaConfig)
    tray: TrayConfig = field(default_factory=TrayConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    profile: ProfileConfig = field(default_factory=ProfileConfig)
    warnings: list[str] = field(default_factory=list, compare=False)


SECTIONS = {
    "ollama": OllamaConfig,
    "tray": TrayConfig,
    "camera": CameraConfig,
    "history": HistoryConfig,
    "profile": ProfileConfig,
}


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    return Path(override) if override else platformdirs.user_config_path(APP_NAME) / "config.toml"


# Whole-number settings whose smallest sensible value is not 0.
MINIMUMS = {("history", "retention_days"): 1}  # 0 days would delete every record as it is written
HOTKEYS = {("tray", "hotkey_region"), ("tray", "hotkey_webcam")}
CHOICES = {("profile", "apply_to"): get_args(ProfileScope)}
DURATIONS = {("tray", "keep_models")}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
FOREVER = "forever"


def duration_seconds(text: str) -> float | None:
    """Seconds in Ollama's keep_alive forms ("0", "90" or "90s", "2m", "1h30m"); None for
    "forever" or a negative number, which never end. ValueError for anything else."""
    text = text.strip().lower()
    if text == FOREVER:
        return None
    if text.startswith("-"):
        duration_seconds(text[1:])  # still a duration
        return None
    try:
        return float(text)  # a bare number is seconds, as for Ollama
    except ValueError:
        pass
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(text)
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _check(section: str, name: str, expected: Any, value: Any) -> Any:
    key = f"[{section}] {name}"
    if expected is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false, got {value!r}")
    elif expected is int:
        least = MINIMUMS.get((section, name), 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{key} must be a whole number >= {least}, got {value!r}")
    elif expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
            raise ConfigError(f"{key} must be a positive number, got {value!r}")
        value = float(value)
    elif expected == "index or path":
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            raise ConfigError(f"{key} must be a camera number or a file path, got {value!r}")
    elif expected == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{key} must be a list of names, got {value!r}")
    elif (section, name) in DURATIONS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value:g}"
        try:
            duration_seconds(value)
        except (ValueError, AttributeError):
            raise ConfigError(
                f'{key} must be a duration such as "2m", "90s", "0" or "forever", got {value!r}'
            ) from None
    elif not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key} must be a non-empty string, got {value!r}")
    elif (section, name) in CHOICES and value not in CHOICES[section, name]:
        raise ConfigError(f"{key} must be one of {', '.join(CHOICES[section, name])}, got {value!r}")
    elif (section, name) == ("profile", "name") and not PROFILE_NAME.fullmatch(value):
        raise ConfigError(f"{key} is not a profile name ({NAME_RULE}): {value!r}")
    elif (section, name) in HOTKEYS:
        from .hotkeys import hotkey_problem

        problem = hotkey_problem(value)
        if problem:
            raise ConfigError(f"{key}: {problem}")
    return value


_FIELD_TYPES = {
    "bool": bool,
    "int": int,
    "float": float,
    "list[str]": "list[str]",
    "str": str,
    "ProfileScope": str,  # a string, held to CHOICES
    "str | None": str,
    "str | int": "index or path",
}


def _section(cls: type, section: str, table: Any, warnings: list[str]):
    if not isinstance(table, dict):
        raise ConfigError(f"[{section}] must be a table of settings")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for name, value in table.items():
        if name not in known:
            warnings.append(f"unknown setting [{section}] {name} (ignored)")
            continue
        values[name] = _check(section, name, _FIELD_TYPES[str(known[name].type)], value)
    return cls(**values)


def load_config(path: Path | None = None) -> Config:
    """The validated config; defaults when the file does not exist."""
    path = path or config_path()
    try:
        raw = _read(path)
    except FileNotFoundError:
        return Config()
    warnings: list[str] = []
    values = {}
    for section, table in raw.items():
        if section not in SECTIONS:
            warnings.append(f"unknown section [{section}] (ignored)")
            continue
        values[section] = _section(SECTIONS[section], section, table, warnings)
    return Config(**values, warnings=warnings)


def _read(path: Path) -> dict[str, Any]:
    """The file's TOML; ConfigError for anything but a missing file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def set_value(key: str, text: str, path: Path | None = None) -> Config:
    """`unifer config set ollama.timeout 10`: validate the new value, then rewrite the file.

    Comments and layout are kept (tomlkit); a config that is a symbolic link (dotfiles) stays
    one: the file it points to is rewritten, atomically."""
    import tomlkit

    path = path or config_path()
    section, _, name = key.partition(".")
    if section not in SECTIONS or name not in {f.name for f in fields(SECTIONS[section])}:
        known = ", ".join(f"{s}.{f.name}" for s, cls in SECTIONS.items() for f in fields(cls))
        raise ConfigError(f"unknown setting {key}; known settings: {known}")
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text  # a bare word is a string
    target = path.resolve()
    try:
        _read(target)  # a broken file is reported, never overwritten
        document = tomlkit.parse(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
    except ConfigError as exc:
        raise ConfigError(f"{exc}. Fix or delete the file, then set the value again") from None
    table = document.get(section)
    if table is None:
        table = document[section] = tomlkit.table()
    table[name] = value
    candidate = target.with_name(target.name + ".new")
    candidate.parent.mkdir(parents=True, exist_ok=True)
    candidate.write_text(tomlkit.dumps(document), encoding="utf-8")
    try:
        config = load_config(candidate)
    except ConfigError:
        candidate.unlink()
        raise
    candidate.replace(target)
    return config


def as_toml(config: Config) -> str:
    """The settings in force, as a config file would hold them (unset values as comments)."""
    import tomlkit

    document = tomlkit.document()
    for section in SECTIONS:
        table = tomlkit.table()
        for name, value in asdict(getattr(config, section)).items():
            if value is None:
                table.add(tomlkit.comment(f"{name} is not set"))
            else:
                table[name] = value
        document[section] = table
    return tomlkit.dumps(document)

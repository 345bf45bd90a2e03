"""`unifer doctor`: check each part the app relies on and say how to fix what is missing."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Final, Literal

from . import platform

Status = Literal["ok", "warn", "fail"]  # fail: needed and broken; warn: optional and missing
OK: Final = "ok"
WARN: Final = "warn"
FAIL: Final = "fail"


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None
    serves: str = ""  # the group of CHECKS it belongs to


def check_models() -> Check:
    from .vision.models import ModelError, manifest, model_bytes

    try:
        infos = manifest()
        for info in infos.values():
            model_bytes(info)
    except ModelError as exc:
        return Check("models", FAIL, str(exc), "reinstall unifer-tray")
    names = ", ".join(f"{i.file} ({i.version})" for i in infos.values())
    return Check("models", OK, f"{len(infos)} models present, sha256 verified: {names}")


def check_config() -> Check:
    from .config import ConfigError, config_path, load_config

    path = config_path()
    try:
        config = load_config(path)
    except ConfigError as exc:
        return Check("config", FAIL, str(exc), f"edit {path}")
    where = str(path) if path.exists() else f"{path} (not created; defaults in use)"
    if config.warnings:
        return Check("config", WARN, f"{where}: " + "; ".join(config.warnings), f"edit {path}")
    return Check("config", OK, where)


def check_ollama() -> Check:
    """Optional: without Ollama the classifier still works, with a templated summary."""
    import time

    import httpx

    from .config import ConfigError, load_config
    from .describe import Describer, HostError, resolve_host
    from .describe.client import guarded_client, ollama, server_version
    from .describe.describer import SMALL_MODEL, DescribeFailed, suggested_model
    from .describe.host import check_listener, is_loopback
    from .describe.reply import ReplyTooLarge

    try:
        config = load_config().ollama
        host = resolve_host(config)
    except (ConfigError, HostError) as exc:
        return Check("ollama", WARN, str(exc), "fix the [ollama] section of the config, or OLLAMA_HOST")
    try:
        version = server_version(host)
    except (httpx.HTTPError, ValueError):
        return Check(
            "ollama",
            WARN,
            f"not reachable at {host}; descriptions fall back to the classifier's summary",
            "install Ollama from ollama.com and start it (`ollama serve`), then `ollama pull gemma3:4b`",
        )
    client = guarded_client(host, time.monotonic() + 10)
    describer = Describer(config)
    memory = f"RAM {describer.memory / 1e9:.1f} GB"
    try:
        vision = describer.vision_models(client, host)
        chosen = describer.pick_model(client, host)
    except DescribeFailed as exc:
        return Check(
            "ollama",
            WARN,
            f"Ollama {version} at {host}; {memory}; {exc}",
            f"ollama pull {suggested_model(describer.memory)}",
        )
    except (ollama.ResponseError, httpx.HTTPError, ConnectionError, ReplyTooLarge) as exc:
        return Check("ollama", WARN, f"Ollama {version} at {host} answered with an error: {exc}", "restart Ollama")
    finally:
        client.close()
    listener = check_listener(host) if is_loopback(host) else "a remote host you allowed: who listens is not checked"
    sizes = ", ".join(
        f"{name} ({size / 1e9:.1f} GB{'' if describer.fits(size) else ', too large for this RAM'})"
        for name, size in vision.items()
    )
    detail = f"Ollama {version} at {host} ({listener}); {memory}; vision models: {sizes}; would use {chosen}"
    if not describer.fits(vision[chosen]):
        return Check(
            "ollama",
            WARN,
            detail + ", which does not fit this RAM next to a desktop (slow, or swapping)",
            f"ollama pull {SMALL_MODEL} (1.7 GB fits {describer.memory / 1e9:.0f} GB)",
        )
    return Check("ollama", OK, detail)


def check_display() -> Check:
    session = platform.session()
    if session in ("windows", "macos"):
        return Check("display", OK, f"{session} desktop")
    if session == "wayland":
        return Check(
            "display",
            WARN,
            "Wayland session: screen capture and hotkeys go through XWayland or not at all",
            "log in to an X11 session for the hotkeys, or bind `unifer-tray --trigger region` to a shortcut",
        )
    if session == "none":
        return Check(
            "display",
            WARN,
            "no graphical display (DISPLAY is not set): the CLI works, the tray cannot",
            "run the tray inside a desktop session",
        )
    return Check("display", OK, f"X11 display {os.environ['DISPLAY']}")


def check_tray() -> Check:
    try:
        import pystray
    except Exception as exc:  # missing, or no backend can load (no display, no PyGObject)
        import importlib.util

        if importlib.util.find_spec("pystray") is not None and platform.session() == "none":
            fix = "the tray is installed; run it inside a desktop session"
        else:
            fix = "install the tray extra: pip install '.[tray]' (on Linux PyGObject needs libgirepository1.0-dev)"
        return Check("tray", WARN, f"pystray cannot load: {exc}", fix)
    backend = pystray.Icon.__module__.rsplit(".", 1)[-1]
    if not platform.tray_host_present():
        return Check(
            "tray", WARN, f"pystray backend {backend}; {platform.NO_TRAY_HINT}", "enable a tray/AppIndicator host"
        )
    return Check("tray", OK, f"pystray backend {backend}, a tray host is running")


def check_dialogs() -> Check:
    """The region overlay and the dialogs run on Tk, which some Pythons lack (Homebrew's)."""
    try:
        import tkinter

        tkinter.Tcl()
    except Exception as exc:
        return Check(
            "region overlay and dialogs",
            WARN,
            f"Tk is not usable in this Python ({exc}): region capture and dialogs cannot open",
            "install Tk for this Python (python3-tk on Debian/Ubuntu, `brew install python-tk`), or use "
            "Python from python.org",
        )
    return Check("region overlay and dialogs", OK, f"Tk {tkinter.TkVersion}")


def check_hotkeys() -> Check:
    from .hotkeys import Hotkeys

    usable, why = Hotkeys().is_available()
    return Check("hotkeys", OK, "global hotkeys available") if usable else Check("hotkeys", WARN, why)


def check_screen() -> Check:
    from .capture import CaptureError, Region, screen

    try:
        screen.grab(Region(0, 0, 1, 1))
        area = screen.desktop()
    except CaptureError as exc:
        return Check("screen capture", WARN, str(exc), platform.current().SCREEN_CAPTURE_FIX)
    return Check("screen capture", OK, f"{area.width}x{area.height} desktop, {len(screen.monitors())} monitor(s)")


def check_camera() -> Check:
    """Opens the camera briefly: the user asked for this check."""
    from .capture import CaptureError, webcam
    from .config import ConfigError, load_config

    try:
        config = load_config().camera
        backend, skipped = webcam.choose(config.backend)
        source = webcam.camera_source(config.source)
        frame = webcam.snapshot(source, warmup_frames=0, backend=backend)
    except (CaptureError, ConfigError) as exc:
        return Check("camera", WARN, str(exc), "only needed for webcam snapshots")
    also = f" (skipped {'; '.join(skipped)})" if skipped else ""
    return Check("camera", OK, f"{backend.name}: source {source} gives {frame.shape[1]}x{frame.shape[0]} frames{also}")


def check_notifications() -> Check:
    from .backends import choose
    from .notify.handlers import default_backends

    backend, hints = choose(default_backends(), "notification backend")
    if backend.name == "tray":
        return Check(
            "notifications",
            WARN,
            "no native notifications: " + "; ".join(hints),
            "run a notification server (your desktop's, or dunst)",
        )
    return Check("notifications", OK, f"via {backend.name}" + (f" ({'; '.join(hints)})" if hints else ""))


def check_keyring_and_history() -> Check:
    from .config import ConfigError, load_config
    from .history import History, HistoryError
    from .keys import KeyringUnavailable, secure_backend

    try:
        backend = type(secure_backend()).__name__
    except KeyringUnavailable as exc:
        return Check("keyring/history", WARN, f"{exc}; history cannot be turned on", None)
    try:
        info = History(retention_days=load_config().history.retention_days).status()
    except (ConfigError, HistoryError, OSError) as exc:
        return Check("keyring/history", WARN, f"keyring {backend}; history unreadable: {exc}")
    state = f"on, {info['records']} records" if info["enabled"] else "off (opt-in)"
    return Check("keyring/history", OK, f"secure keyring {backend}; history {state}")


def check_profiles() -> Check:
    """Which expression profiles exist and what the tray reads with them; nothing is decrypted."""
    from .config import ConfigError, load_config
    from .profile.store import ProfileStore

    names = ProfileStore().names()
    if not names:
        return Check("expression profiles", OK, "none (opt-in: `unifer profile add` or the tray's My expressions)")
    try:
        profile = load_config().profile
    except ConfigError as exc:
        return Check("expression profiles", WARN, f"{', '.join(names)}; settings unreadable: {exc}")
    captures = "webcam snapshots" if profile.apply_to == "webcam" else "every capture"
    used = (
        f"the tray reads {captures} with '{profile.name}'"
        if profile.apply_to != "none" and profile.name in names
        else f"the tray uses none (apply_to = {profile.apply_to!r}, name = {profile.name!r})"
    )
    return Check("expression profiles", OK, f"{', '.join(names)}; {used}")


def check_windows() -> Check:
    """A live view or teach window that ended unexpectedly left its last lines for us."""
    from .helpers import window_failure_record

    record = window_failure_record()
    if not record.exists():
        return Check("tray windows", OK, "no window of ours ended unexpectedly")
    lines = record.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return Check(
        "tray windows",
        WARN,
        "last unexpected end: " + " | ".join(lines),
        f"if it keeps happening, start `unifer-tray --verbose` in a terminal; delete {record} to clear this",
    )


# Grouped by what they serve, so a CLI-only user sees at once that the tray's warnings are not theirs.
CHECKS: dict[str, list[Callable[[], Check]]] = {
    "CLI and tray": [check_models, check_config],
    "tray": [
        check_display,
        check_tray,
        check_dialogs,
        check_hotkeys,
        check_screen,
        check_camera,
        check_notifications,
        check_windows,
    ],
    "history and profiles": [check_keyring_and_history, check_profiles],
    "descriptions": [check_ollama],
}


def run_checks() -> list[Check]:
    return [replace(check(), serves=group) for group, checks in CHECKS.items() for check in checks]


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]

"""`unifer-tray`: start the tray, or send an action to the running one (`--trigger`)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import platformdirs

from ..exit_codes import ExitCode
from .actions import Action


def _first_run() -> bool:
    """True once per user: the first launch shows what the app does and does not do."""
    marker = platformdirs.user_state_path("unifer-tray") / "first-run-notice-shown"
    if marker.exists():
        return False
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("1\n")
    return True


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    parser = argparse.ArgumentParser(prog="unifer-tray", description="UniFER in the system tray.")
    parser.add_argument(
        "--trigger",
        choices=[action.value for action in Action],
        help="send this action to the running tray (bind it to an OS shortcut)",
    )
    parser.add_argument(
        "--open",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="show these photos or videos in the UniFER window (a file manager's 'Open with' runs this)",
    )
    parser.add_argument("--verbose", action="store_true", help="log to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s: %(message)s",
    )
    from .instance import SingleInstance, send

    if args.trigger:
        try:
            print(send(Action(args.trigger)))
        except ConnectionError as exc:
            print(f"unifer-tray: {exc}", file=sys.stderr)
            return ExitCode.FAILED
        return ExitCode.OK
    if args.open:
        try:
            print(send(Action.OPEN, paths=args.open))
            return ExitCode.OK
        except ConnectionError:  # no tray: the window on its own
            from ..photo.window import main as photo_window

            return photo_window([str(path) for path in args.open])

    from ..config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        print(f"unifer-tray: config error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for warning in config.warnings:
        logging.getLogger("unifer_tray").warning("config: %s", warning)
    instance = SingleInstance()
    if not instance.acquire():  # launched again (the desktop's launcher): the window, not a second tray
        try:
            send(Action.WINDOW)
            print("UniFER is already running: its window opens (`unifer-tray --trigger region` captures).")
        except ConnectionError:  # held, but not answering yet (Windows: starting right now)
            print("UniFER tray is already running (use `unifer-tray --trigger region` to capture).")
        return ExitCode.OK
    try:
        from .app import TrayApp

        TrayApp(config).run(instance, started, _first_run())
    except Exception as exc:  # no display, no tray backend: say so instead of a traceback
        print(f"unifer-tray: cannot start the tray: {exc}", file=sys.stderr)
        print("unifer-tray: run `unifer doctor` to see what is missing", file=sys.stderr)
        return ExitCode.FAILED
    finally:
        instance.release()
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())

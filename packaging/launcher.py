"""Entry point of the bundled app: the tray by default, `unifer` commands when named.

UniFER                      -> the tray (unifer-tray)
UniFER --trigger region     -> unifer-tray --trigger region
UniFER analyze photo.jpg    -> unifer analyze photo.jpg (also eval, doctor, config, history, profile)
"""

import sys

CLI_COMMANDS = {"analyze", "eval", "doctor", "config", "history", "profile", "--version"}


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--unifer-helper"]:
        from unifer_tray.helpers import run_helper

        sys.argv = [sys.argv[0], *args[2:]]
        run_helper(args[1])
        return 0
    if args[:1] and args[0] in CLI_COMMANDS:
        from unifer_tray.cli.main import main as cli

        return cli(args)
    from unifer_tray.tray.main import main as tray

    return tray(args)


if __name__ == "__main__":
    sys.exit(main())

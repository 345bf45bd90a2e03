"""Questions and dates for the subcommands that keep personal data (history, profile)."""

from __future__ import annotations

import sys
from datetime import datetime


def confirm(question: str, assume_yes: bool) -> bool:
    """Yes only from --yes or a person at a terminal: a closed or piped stdin is "not confirmed"."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        print(f"{question} Not confirmed: run interactively, or add --yes.", file=sys.stderr)
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:  # the terminal's input ended (Ctrl+D)
        print("\nNot confirmed.", file=sys.stderr)
        return False
    return answer.strip().lower() in ("y", "yes")


def when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S") if timestamp else "-"

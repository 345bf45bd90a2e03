"""File dialogs in their own Tk process, like the overlay, so Tk never meets the tray's loop."""

from __future__ import annotations

import subprocess
import sys


def _ask(kind: str, title: str, initial: str = "") -> str | None:
    script = (
        "import sys, tkinter, tkinter.filedialog as d\n"
        "root = tkinter.Tk(); root.withdraw()\n"
        f"path = d.{kind}(title={title!r}, initialfile={initial!r})\n"
        "print(path or '')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=3600)
    path = result.stdout.strip()
    return path or None


def ask_yes_no(title: str, text: str) -> bool:
    script = (
        "import sys, tkinter, tkinter.messagebox as m\n"
        "root = tkinter.Tk(); root.withdraw()\n"
        f"print('yes' if m.askyesno(title={title!r}, message={text!r}) else 'no')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=3600)
    return result.stdout.strip() == "yes"


def ask_open_image() -> str | None:
    return _ask("askopenfilename", "Analyze image file")


def ask_save_report(default_name: str) -> str | None:
    return _ask("asksaveasfilename", "Save report", default_name)

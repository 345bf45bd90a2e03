"""File and yes/no dialogs in their own Tk process, like the overlay, so Tk never meets the tray's loop.

What a dialog shows (a reading such as "happiness 87%", a consent text) reaches it on stdin,
never as arguments: a process's arguments are readable by every local user.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

from .. import platform
from ..formats import IMAGE_SUFFIXES
from ..helpers import ask_helper
from ..result import LABELS

MODULE = "unifer_tray.tray.dialogs"


class DialogError(RuntimeError):
    """The dialog could not be shown (no Tk in this Python, no display); the message says which."""


def _ask(kind: str, title: str, extra: str = "") -> str:
    result = ask_helper(MODULE, json.dumps([kind, title, extra]), timeout=3600)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        hint = " (this Python has no Tk: install python3-tk, or Python from python.org)" if "tkinter" in last else ""
        raise DialogError(f"the dialog could not open: {last}{hint}")
    return result.stdout.strip()


def ask_yes_no(title: str, text: str) -> bool:
    return _ask("yes-no", title, text) == "yes"


def ask_label(reading: str) -> str | None:
    """The expression the user says their face showed (None: cancelled); `reading` is what
    UniFER said, shown as the question's context."""
    return _ask("label", "Not right?", reading) or None


def ask_open_image() -> str | None:
    return _ask("open", "Analyze image file") or None


def ask_save_report(default_name: str) -> str | None:
    return _ask("save", "Save report", default_name) or None


def _main(kind: str, title: str, extra: str = "") -> None:
    import tkinter
    from tkinter import filedialog, messagebox

    platform.declare_dpi_awareness()
    root = tkinter.Tk()
    root.withdraw()
    if kind == "yes-no":
        print("yes" if messagebox.askyesno(title=title, message=extra) else "no")
    elif kind == "label":
        print(_choose_label(root, title, extra))
    elif kind == "open":
        images = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        chosen = filedialog.askopenfilename(
            title=title, initialdir=_start_folder(), filetypes=[("Images", images), ("All files", "*")]
        )
        print(chosen or "")
    else:
        print(
            filedialog.asksaveasfilename(
                title=title,
                initialfile=extra,
                initialdir=_start_folder(),
                defaultextension=".html",
                filetypes=[("Web page", "*.html")],
            )
            or ""
        )


def _choose_label(root, title: str, reading: str) -> str:
    """Seven buttons, also reachable by the keys 1-7; Esc or closing the window cancels."""
    import tkinter

    chosen = tkinter.StringVar(root, "")
    window = tkinter.Toplevel(root)
    window.title(title)
    tkinter.Label(
        window, text=f"UniFER read {reading}.\nWhich expression did your face show?", justify="left", padx=12, pady=8
    ).pack(anchor="w")
    for number, label in enumerate(LABELS, start=1):
        choose = functools.partial(chosen.set, label)
        tkinter.Button(window, text=f"{number}  {label}", anchor="w", command=choose).pack(fill="x", padx=12)
        window.bind(str(number), lambda _event, pick=label: chosen.set(pick))  # type: ignore[misc]
    tkinter.Button(window, text="Cancel (Esc)", command=lambda: chosen.set("-")).pack(pady=8)
    window.bind("<Escape>", lambda _event: chosen.set("-"))
    window.protocol("WM_DELETE_WINDOW", lambda: chosen.set("-"))
    window.after(50, window.focus_force)
    window.wait_variable(chosen)
    return "" if chosen.get() == "-" else chosen.get()


def _start_folder() -> str:
    """The user's Pictures folder where there is one, else their home: never the working directory."""
    import platformdirs

    pictures = Path(platformdirs.user_pictures_dir())
    return str(pictures if pictures.is_dir() else Path.home())


if __name__ == "__main__":
    _main(*json.loads(sys.stdin.read()))

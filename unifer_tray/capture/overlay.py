"""The region overlay: a frozen full-desktop screenshot, drag to select, Esc to cancel.

It works by keyboard alone as well (and says so on screen): an arrow key shows a selection in
the middle of the screen, arrows move it, Shift+arrows resize it (Ctrl: in larger steps), Enter
analyses it.

It runs in its own process (Tk must never share a main loop with the tray's GTK/AppKit/Win32
loop). The tray sends the screenshot through a pipe, never through a file: faces are not
written to disk. A click without a drag picks the monitor under the pointer. Coordinates are
returned in desktop pixels even when Tk works in scaled (HiDPI) units.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import platform
from ..helpers import ask_helper
from . import CaptureError, Region

TITLE = "UniFER — select a region"
MIN_DRAG = 5  # px: smaller movements count as a click
HINT = (
    "Drag over the faces to analyse · click: this screen · "
    "keyboard: arrows move, Shift+arrows resize, Enter analyses · Esc: cancel"
)
KEY_STEP, KEY_BIG_STEP = 20, 100  # px per arrow press, and with Ctrl


def select_region(pixels: np.ndarray, origin: Region, monitors: list[Region]) -> Region | None:
    """Show the overlay over `pixels` (grabbed at `origin`); the chosen region, or None if cancelled."""
    header = {
        "left": origin.left,
        "top": origin.top,
        "width": origin.width,
        "height": origin.height,
        "monitors": [[m.left, m.top, m.width, m.height] for m in monitors],
    }
    payload = json.dumps(header).encode() + b"\n" + np.ascontiguousarray(pixels).tobytes()
    try:
        result = ask_helper("unifer_tray.capture.overlay", payload, timeout=600)
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise CaptureError(f"the region overlay could not open: {detail[0]}")
    chosen = json.loads(result.stdout or b"null")
    return Region(**chosen) if chosen else None


def _run_overlay() -> None:
    import tkinter as tk

    header = json.loads(sys.stdin.buffer.readline())
    width, height = header["width"], header["height"]
    rgb = sys.stdin.buffer.read(width * height * 3)
    platform.declare_dpi_awareness()  # before Tk: the same pixels as the screenshot (HiDPI Windows)
    root = tk.Tk()
    root.title(TITLE)
    root.overrideredirect(True)
    root.geometry(f"{width}x{height}+{header['left']}+{header['top']}")
    root.attributes("-topmost", True)
    image = tk.PhotoImage(data=b"P6 %d %d 255\n" % (width, height) + rgb, format="ppm")
    canvas = tk.Canvas(root, width=width, height=height, highlightthickness=0, cursor="crosshair")
    canvas.pack(fill="both", expand=True)
    canvas.create_image(0, 0, image=image, anchor="nw")
    canvas.create_text(
        width // 2,
        30,
        text=HINT,
        fill="white",
        font=("TkDefaultFont", 14),
    )
    state: dict = {"start": None, "rect": None, "result": None}

    def scale() -> tuple[float, float]:  # HiDPI: Tk units may differ from the screenshot's pixels
        return width / max(1, canvas.winfo_width()), height / max(1, canvas.winfo_height())

    def press(event) -> None:
        state["start"] = (event.x, event.y)
        state["rect"] = canvas.create_rectangle(event.x, event.y, event.x, event.y, outline="#ffc400", width=2)

    def drag(event) -> None:
        if state["rect"] is not None:
            x0, y0 = state["start"]
            canvas.coords(state["rect"], x0, y0, event.x, event.y)

    def choose(x0: float, y0: float, x1: float, y1: float) -> None:
        """Finish with the rectangle between two canvas points."""
        sx, sy = scale()
        left, right = sorted((x0, x1))
        top, bottom = sorted((y0, y1))
        state["result"] = {
            "left": header["left"] + round(left * sx),
            "top": header["top"] + round(top * sy),
            "width": max(1, round((right - left) * sx)),
            "height": max(1, round((bottom - top) * sy)),
        }
        root.destroy()

    def release(event) -> None:
        if state["start"] is None:
            return
        sx, sy = scale()
        x0, y0 = state["start"]
        if abs(event.x - x0) < MIN_DRAG and abs(event.y - y0) < MIN_DRAG:
            px, py = header["left"] + event.x * sx, header["top"] + event.y * sy
            for left, top, w, h in header["monitors"]:
                if left <= px < left + w and top <= py < top + h:
                    state["result"] = {"left": left, "top": top, "width": w, "height": h}
                    break
            root.destroy()
        else:
            choose(x0, y0, event.x, event.y)

    def key(event, dx: int, dy: int) -> None:
        """Arrows move the keyboard selection; with Shift they resize it (Ctrl: bigger steps)."""
        shown_w, shown_h = canvas.winfo_width(), canvas.winfo_height()
        if state["rect"] is None:
            side = min(shown_w, shown_h) * 3 // 8
            left, top = (shown_w - side) // 2, (shown_h - side) // 2
            state["rect"] = canvas.create_rectangle(left, top, left + side, top + side, outline="#ffc400", width=3)
            return
        step = KEY_BIG_STEP if event.state & 0x4 else KEY_STEP
        x0, y0, x1, y1 = (float(c) for c in canvas.coords(state["rect"]))
        if event.state & 0x1:  # Shift: the right/bottom edge moves
            x1, y1 = max(x0 + MIN_DRAG, x1 + dx * step), max(y0 + MIN_DRAG, y1 + dy * step)
        else:
            move_x = max(-x0, min(dx * step, shown_w - x1))
            move_y = max(-y0, min(dy * step, shown_h - y1))
            x0, y0, x1, y1 = x0 + move_x, y0 + move_y, x1 + move_x, y1 + move_y
        canvas.coords(state["rect"], x0, y0, min(x1, shown_w), min(y1, shown_h))

    def confirm(_event) -> None:
        if state["rect"] is not None:
            choose(*canvas.coords(state["rect"]))

    canvas.bind("<ButtonPress-1>", press)
    canvas.bind("<B1-Motion>", drag)
    canvas.bind("<ButtonRelease-1>", release)

    def arrow(dx: int, dy: int) -> Callable[[Any], None]:
        return lambda event: key(event, dx, dy)

    for name, dx, dy in (("Left", -1, 0), ("Right", 1, 0), ("Up", 0, -1), ("Down", 0, 1)):
        root.bind(f"<{name}>", arrow(dx, dy))
    root.bind("<Return>", confirm)
    root.bind("<KP_Enter>", confirm)
    root.bind("<Escape>", lambda _event: root.destroy())
    root.after(50, root.focus_force)
    root.mainloop()
    print(json.dumps(state["result"]))


if __name__ == "__main__":
    _run_overlay()

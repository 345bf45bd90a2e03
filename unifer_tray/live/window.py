"""The live view's window (run as its own process by `live.open_window`)."""

from __future__ import annotations

import sys
import threading
import time
import tkinter as tk
from dataclasses import replace
from itertools import count
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING

import numpy as np
from PIL import ImageTk

from .. import platform
from ..capture import CaptureError
from ..config import Config, load_config
from ..outcome import annotated
from ..pipeline import FrameStream, Options, Pipeline
from ..report.colours import COLOURS
from ..result import LABELS, Analysis
from . import (
    CHART_SECONDS,
    TITLE,
    LiveState,
    analyse_frames,
    main_face_series,
    save_timeline,
    start_camera,
)

if TYPE_CHECKING:
    from ..profile.calibration import Calibration

CHART_HEIGHT = 140
DRAW_EVERY_MS = 33


def main() -> int:
    config = load_config()
    state = LiveState()
    try:
        camera = start_camera(state, config.camera)
    except CaptureError as exc:
        print(f"live view: {exc}", flush=True)
        return 1
    pipeline = Pipeline.from_config(None, speed="screen")
    profile, profile_note = profile_for_live(config)
    stream = FrameStream(pipeline, "live view", Options(profile=profile))
    indices = count()
    meshed = 0  # frames read with the mesh on: the close line says so

    def analyse(rgb: np.ndarray, time_s: float) -> Analysis:
        nonlocal meshed
        analysis = stream.analyze(rgb, time_s, next(indices))
        meshed += analysis.has_geometry
        return analysis

    worker = threading.Thread(
        target=analyse_frames,
        args=(state, analyse),
        name="live-analysis",
        daemon=True,
    )

    platform.declare_dpi_awareness()
    root = tk.Tk()
    root.title(TITLE)
    picture = tk.Label(root, text="opening the camera…", width=80, height=24)
    picture.pack()
    chart = tk.Canvas(root, width=640, height=CHART_HEIGHT, background="white", highlightthickness=0)
    chart.pack(fill="x")
    bar = tk.Frame(root)
    bar.pack(fill="x")
    status = tk.Label(bar, text="", anchor="w")
    status.pack(side="left", fill="x", expand=True)
    saved_note = tk.StringVar(value="")

    def close(_event: object = None) -> None:
        state.stop.set()  # the camera thread releases the camera after at most one more frame
        root.destroy()

    def save(_event: object = None) -> None:
        with state.lock:
            history = list(state.history)
        target = filedialog.asksaveasfilename(
            parent=root,
            title="Save timeline",
            initialfile="unifer-live-timeline.csv",
            defaultextension=".csv",
            filetypes=[("CSV", "*.csv")],
        )
        if target:
            png = save_timeline(history, Path(target))
            saved_note.set(f"saved {Path(target).name} and {png.name}")
            print(f"live view: timeline saved to {target}", flush=True)

    show_mesh = tk.BooleanVar(value=False)

    def toggle_mesh(_event: object = None) -> None:
        if _event is not None:  # the key, not the check box (which sets the value itself)
            show_mesh.set(not show_mesh.get())
        stream.options = replace(stream.options, geometry="mesh" if show_mesh.get() else None)

    tk.Checkbutton(bar, text="Face mesh and pose (M)", variable=show_mesh, command=toggle_mesh).pack(side="right")
    tk.Button(bar, text="Save timeline (Ctrl+S)", command=save).pack(side="right")
    tk.Button(bar, text="Close (Esc)", command=close).pack(side="right")
    tk.Label(root, textvariable=saved_note, anchor="w").pack(fill="x")
    root.bind("<Escape>", close)
    root.bind("<Control-s>", save)
    root.bind("<m>", toggle_mesh)
    root.protocol("WM_DELETE_WINDOW", close)
    shown: dict[str, ImageTk.PhotoImage] = {}

    def draw() -> None:
        if state.stop.is_set():
            return
        with state.lock:
            result = state.result
            history = list(state.history)
            latency = sorted(state.latency_ms)
        if state.error:
            status.configure(text=f"camera: {state.error}")
        if result is not None:
            rgb, analysis = result
            image = annotated(rgb, analysis)
            image.thumbnail((640, 480))
            shown["photo"] = ImageTk.PhotoImage(image)  # kept: Tk shows it only while referenced
            picture.configure(image=shown["photo"], width=image.width, height=image.height)
            median = latency[len(latency) // 2] if latency else 0.0
            faces = ", ".join(f"{f.expression} {f.confidence:.0%}" for f in analysis.faces[:3]) or "no face"
            pose = analysis.faces[0].head_pose if analysis.faces else None
            if pose:
                faces += " · head " + ", ".join(f"{axis} {round(angle):+d}°" for axis, angle in pose.items())
            status.configure(
                text=f"{state.frames_per_second():.0f} frames/s · {median:.0f} ms behind · {faces}{profile_note}"
            )
            draw_chart(chart, main_face_series(history), analysis.time_s or 0.0)
        root.after(DRAW_EVERY_MS, draw)

    worker.start()
    root.after(DRAW_EVERY_MS, draw)
    root.after(50, root.focus_force)
    root.mainloop()
    state.stop.set()
    camera.join(timeout=5)
    # No thread may still be inside onnxruntime while the interpreter shuts down: its C++
    # threads then abort the process ("terminate called without an active exception").
    worker.join(timeout=5)
    elapsed = time.monotonic() - state.started
    print(
        f"live view closed: {state.analysed} frames analysed in {elapsed:.1f} s "
        f"({state.frames_per_second():.1f} frames/s), {meshed} with the face mesh; "
        f"camera {'still open' if camera.is_alive() else 'released'}",
        flush=True,
    )
    return 0


def profile_for_live(config: Config) -> tuple[Calibration | None, str]:
    """The user's expression profile if the webcam is read with it ([profile] apply_to), and
    what the status line says about it."""
    from ..profile.store import ProfileError, ProfileStore

    store, name = ProfileStore(), config.profile.name
    if not config.profile.applies_to("webcam") or not store.exists(name):
        return None, ""
    try:
        return store.calibration(name), f" · profile '{name}'"
    except ProfileError as exc:
        print(f"live view: expression profile not used: {exc}", flush=True)
        return None, " · profile not usable (see the log)"


def draw_chart(chart: tk.Canvas, series: list[tuple[float, dict[str, float]]], now: float) -> None:
    """The main face's seven probabilities over the last CHART_SECONDS, newest on the right."""
    chart.delete("all")
    width = int(chart.winfo_width()) or 640
    for index, label in enumerate(LABELS):
        chart.create_text(width - 4, 10 + index * 18, text=label, anchor="e", fill=COLOURS[label])
    plot = width - 90
    points: dict[str, list[float]] = {label: [] for label in LABELS}
    for time_s, probabilities in series:
        x = plot * (1 - (now - time_s) / CHART_SECONDS)
        for label in LABELS:
            points[label] += [x, 4 + (CHART_HEIGHT - 8) * (1 - probabilities[label])]
    for label, coordinates in points.items():
        if len(coordinates) >= 4:
            chart.create_line(*coordinates, fill=COLOURS[label], width=2)


if __name__ == "__main__":
    sys.exit(main())

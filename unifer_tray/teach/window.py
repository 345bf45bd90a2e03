"""The teach session's window (run as its own process by `teach.open_window`).

Keys: Space takes (after the countdown), Enter keeps, R retakes, S skips, Esc cancels; at the
end Enter saves and Esc discards. The last line printed says how it ended (the tray shows it).
"""

from __future__ import annotations

import sys
import threading
import tkinter as tk
from typing import Any

from PIL import Image, ImageTk

from .. import platform
from ..capture import CaptureError
from ..config import load_config
from ..live import LiveState, start_camera
from ..outcome import annotated
from ..pipeline import ModelError, Pipeline
from ..profile.store import ProfileError, ProfileStore
from ..result import LABELS
from . import CANCELLED, COUNTDOWN_SECONDS, FAILED, NOTHING_KEPT, PROMPTS, SAVED, TITLE, TeachSession

PREVIEW_EVERY_MS = 40


def main(profile: str) -> int:
    config = load_config()
    state = LiveState()
    try:
        camera = start_camera(state, config.camera)
    except CaptureError as exc:
        print(f"teach: the camera could not be opened: {exc}", flush=True)
        return FAILED
    loaded: dict[str, Any] = {}

    def load() -> None:
        try:
            loaded["pipeline"] = Pipeline.from_config(None, speed="screen")
        except ModelError as exc:
            loaded["error"] = str(exc)

    loading = threading.Thread(target=load)
    loading.start()  # the models load while the user reads the first prompt
    session = TeachSession()
    outcome: dict[str, Any] = {"code": CANCELLED, "message": "teach: cancelled, nothing was stored"}

    platform.declare_dpi_awareness()
    root = tk.Tk()
    root.title(TITLE)
    heading = tk.Label(root, font=("TkDefaultFont", 14, "bold"), wraplength=640, justify="left", anchor="w")
    heading.pack(fill="x", padx=10, pady=(10, 0))
    hint = tk.Label(root, wraplength=640, justify="left", anchor="w")
    hint.pack(fill="x", padx=10)
    picture = tk.Label(root, text="opening the camera…", width=80, height=24)
    picture.pack(padx=10, pady=6)
    buttons = tk.Frame(root)
    buttons.pack(fill="x", padx=10, pady=(0, 10))
    shown: dict[str, ImageTk.PhotoImage] = {}
    mode: dict[str, Any] = {"now": "preview", "count": 0}

    def button(text: str, command) -> None:
        tk.Button(buttons, text=text, command=command).pack(side="left", padx=(0, 6))

    def show(image: Image.Image) -> None:
        image.thumbnail((640, 480))
        shown["photo"] = ImageTk.PhotoImage(image)  # kept: Tk shows it only while referenced
        picture.configure(image=shown["photo"], width=image.width, height=image.height)

    def layout() -> None:
        for child in buttons.winfo_children():
            child.destroy()
        label = session.current
        if label is None:
            learned = session.summary()
            heading.configure(text=f"Done: {len(session.kept)} of {len(session.labels)} expressions taken")
            hint.configure(text="\n".join(learned) + f"\n\nSave them to your profile '{profile}'?")
            button("Save (Enter)", save)
            button("Discard (Esc)", cancel)
            return
        step = f"{session.index + 1}/{len(session.labels)}"
        if mode["now"] == "review" and session.pending is not None:
            face = session.pending.analysis.faces[0]
            heading.configure(text=f"{step} · Keep this as {label}?")
            hint.configure(text=f"The general model reads {face.expression} {face.confidence:.0%}.")
            button("Keep (Enter)", keep)
            button("Retake (R)", retake)
        else:
            heading.configure(text=f"{step} · Show {label}: {PROMPTS[label]}")
            hint.configure(text=f"Press Space or Take; the picture is taken after {COUNTDOWN_SECONDS} s.")
            button("Take (Space)", take)
        button("Skip (S)", skip)
        button("Cancel (Esc)", cancel)

    def take(_event: object = None) -> None:
        if mode["now"] != "preview" or session.done:
            return
        mode.update(now="countdown", count=COUNTDOWN_SECONDS)
        tick()

    def tick() -> None:
        if mode["now"] != "countdown":
            return
        if mode["count"] > 0:
            heading.configure(text=f"{session.current}: {mode['count']}…")
            mode["count"] -= 1
            root.after(1000, tick)
            return
        with state.lock:
            frame = state.frame
        if frame is None:
            mode["now"] = "preview"
            hint.configure(text="No picture from the camera yet; try again in a moment.")
            return
        loading.join()
        if "error" in loaded:
            outcome.update(code=FAILED, message=f"teach: {loaded['error']}")
            close()
            return
        rgb = frame[0]
        analysis, _ = loaded["pipeline"].run(rgb, source="webcam")
        problem = session.offer(rgb, analysis)
        if problem:
            mode["now"] = "preview"
            layout()
            hint.configure(text=problem[0].upper() + problem[1:])
            return
        mode["now"] = "review"
        show(annotated(rgb, analysis))
        layout()

    def keep(_event: object = None) -> None:
        if mode["now"] == "review":
            session.keep()
            mode["now"] = "preview"
            layout()
        elif session.done:
            save()

    def retake(_event: object = None) -> None:
        if mode["now"] == "review":
            session.retake()
            mode["now"] = "preview"
            layout()

    def skip(_event: object = None) -> None:
        if not session.done:
            session.skip()
            mode["now"] = "preview"
            layout()

    def save(_event: object = None) -> None:
        if not session.kept:
            outcome.update(code=NOTHING_KEPT, message="teach: no expression was kept, so nothing was stored")
        else:
            try:
                stored = session.save(ProfileStore(), profile)
            except ProfileError as exc:
                outcome.update(code=FAILED, message=f"teach: nothing was stored: {exc}")
            else:
                again = len(stored.examples) < 2 * len(LABELS)
                outcome.update(
                    code=SAVED,
                    message=f"teach: learned {len(session.kept)} expressions; profile '{profile}' has "
                    f"{len(stored.examples)} examples"
                    + ("; teaching again another day, in other light, makes it better still" if again else ""),
                )
        close()

    def cancel(_event: object = None) -> None:
        close()

    def close() -> None:
        state.stop.set()  # the camera thread releases the camera after at most one more frame
        root.destroy()

    def preview() -> None:
        if state.stop.is_set():
            return
        if mode["now"] in ("preview", "countdown"):
            with state.lock:
                frame = state.frame
            if state.error:
                hint.configure(text=f"camera: {state.error}")
            elif frame is not None:
                show(Image.fromarray(frame[0]))
        root.after(PREVIEW_EVERY_MS, preview)

    for key, action in (("<space>", take), ("<Return>", keep), ("r", retake), ("s", skip), ("<Escape>", cancel)):
        root.bind(key, action)
    root.protocol("WM_DELETE_WINDOW", cancel)
    layout()
    root.after(PREVIEW_EVERY_MS, preview)
    root.after(50, root.focus_force)
    root.mainloop()
    state.stop.set()
    camera.join(timeout=5)
    print(outcome["message"], flush=True)
    return int(outcome["code"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "me"))

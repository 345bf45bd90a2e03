"""The photo window itself (see `photo/__init__.py`): `python -m unifer_tray.photo.window [--from-tray] [FILE...]`.

Keys: Ctrl+O choose, Ctrl+V paste, Ctrl+R screen region, Ctrl+S save the report, Ctrl+C copy
the result, Up/Down between several inputs, Esc closes. Every control has a text label and Tab
reaches it. Lines printed say only what went wrong and how the window ended, never a reading.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any
from urllib.parse import unquote, urlparse

import numpy as np
from PIL import Image, ImageGrab, ImageTk

from .. import platform
from ..capture.sources import Captured
from ..config import ConfigError, load_config
from ..formats import IMAGE_SUFFIXES, VIDEO_SUFFIXES, is_video
from ..notify import Notification
from ..outcome import text_lines, timeline_picture, video_text
from ..pipeline import Options, Setup, analyze_paths
from ..private_files import write_private
from ..tray.actions import Action
from ..tray.analyst import Analyst
from ..tray.jobs import Finished, Job, Said, Shown
from . import CLOSED, FAILED, TITLE

PICTURE_SIDE = 560  # the picture is shown at most this large (the report keeps it whole)
THUMBNAIL_SIDE = 48
POLL_MS = 50
WELCOME = "Drop photos or videos here, paste one (Ctrl+V), or choose one."
NO_URLS = "Only files on this computer and pasted pictures are read; nothing is fetched from the internet."


@dataclass
class Item:
    """One input and what is known of it so far."""

    name: str
    status: str = "reading…"
    text: str = ""  # the CLI's text for it: per face expression, confidence, intensity, ...
    picture: Image.Image | None = None
    report_html: str | None = None
    report_name: str = "unifer-report.html"
    thumbnail: ImageTk.PhotoImage | None = field(default=None, repr=False)  # Tk shows them only while referenced
    icon: ImageTk.PhotoImage | None = field(default=None, repr=False)


def local_paths(text: str) -> tuple[list[Path], bool]:
    """The local files named in dropped or pasted text (file:// URIs or plain paths, one per
    line or as Tk's drop list), and whether anything else (a web address) was left out."""
    refused = False
    paths = []
    for token in _tokens(text):
        parsed = urlparse(token)
        if parsed.scheme == "file":
            paths.append(Path(unquote(parsed.path)))
        elif parsed.scheme and len(parsed.scheme) > 1:  # http:, https:, ftp:, data:... (not C:\)
            refused = True
        elif token.strip():
            paths.append(Path(token.strip()))
    return paths, refused


def _tokens(text: str) -> list[str]:
    """Tk's drop lists brace names with spaces: {/a b.jpg} /c.jpg; URI lists are one per line."""
    if "\n" in text.strip() or text.startswith("file:"):
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    tokens, current, braced = [], "", False
    for char in text:
        if char == "{" and not current:
            braced = True
        elif char == "}" and braced:
            braced = False
            tokens.append(current)
            current = ""
        elif char == " " and not braced:
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


class PhotoWindow:
    def __init__(self, root: tk.Tk, drops: bool) -> None:
        self.root = root
        self.config = load_config()
        self.analyst = Analyst()
        self.items: list[Item] = []
        self.shown: Item | None = None
        self.work: queue.Queue[tuple[Item, Any]] = queue.Queue()
        self.updates: queue.Queue[Any] = queue.Queue()
        self.cancel = threading.Event()
        threading.Thread(target=self.analyst.warm_up, args=(self.config,), daemon=True).start()
        threading.Thread(target=self._work, name="unifer-photo", daemon=True).start()
        self._build(drops)
        root.after(POLL_MS, self._poll)

    # -- layout -------------------------------------------------------------------------------------
    def _build(self, drops: bool) -> None:
        root = self.root
        root.title(TITLE)
        bar = tk.Frame(root)
        bar.pack(fill="x", padx=8, pady=(8, 4))
        buttons = [
            ("Choose image… (Ctrl+O)", self.choose, "<Control-o>"),
            ("Paste (Ctrl+V)", self.paste, "<Control-v>"),
            ("Analyse screen region (Ctrl+R)", self.region, "<Control-r>"),
            ("Save report… (Ctrl+S)", self.save_report, "<Control-s>"),
            ("Copy result (Ctrl+C)", self.copy_result, "<Control-c>"),
            ("Close (Esc)", self.close, "<Escape>"),
        ]
        for text, command, key in buttons:
            tk.Button(bar, text=text, command=command).pack(side="left", padx=(0, 4))
            root.bind(key, _on_key(command))
        body = tk.Frame(root)
        body.pack(fill="both", expand=True, padx=8)
        ttk.Style(root).configure("Inputs.Treeview", rowheight=THUMBNAIL_SIDE + 4)
        self.listing = ttk.Treeview(body, show="tree", selectmode="browse", style="Inputs.Treeview")
        self.listing.column("#0", width=300)
        self.listing.bind("<<TreeviewSelect>>", lambda _event: self._show_selected())
        for key, step in (("<Up>", -1), ("<Down>", 1)):
            root.bind(key, _on_key(partial(self._step, step)))
        self.picture = tk.Label(body, text=WELCOME, width=70, height=22, relief="groove", wraplength=480)
        self.picture.pack(side="left", fill="both", expand=True)
        self.details = tk.Text(body, width=60, height=22, wrap="word")
        self.details.pack(side="left", fill="both", expand=True, padx=(8, 0))
        self.details.configure(state="disabled")
        self.status = tk.Label(root, text=WELCOME, anchor="w")
        self.status.pack(fill="x", padx=8, pady=(4, 8))
        if drops:
            root.drop_target_register("DND_Files", "DND_Text")  # type: ignore[attr-defined]
            root.dnd_bind("<<Drop>>", self._dropped)  # type: ignore[attr-defined]
        else:
            self.status.configure(text="Drag and drop is unavailable here; choose or paste instead.")

    def _say(self, text: str) -> None:
        self.status.configure(text=text)

    # -- inputs -------------------------------------------------------------------------------------
    def open_paths(self, paths: list[Path]) -> None:
        usable = [path for path in paths if path.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES]
        for path in paths:
            if path not in usable:
                self._say(f"{path.name}: not a photo or video UniFER reads")
        for path in usable:
            self._add(Item(path.name), path)

    def _add(self, item: Item, source: Any) -> None:
        self.items.append(item)
        self.listing.insert("", "end", iid=str(len(self.items) - 1), text=f" {item.name}: {item.status}")
        if len(self.items) == 2:
            self.listing.pack(side="left", fill="y", padx=(0, 8), before=self.picture)
        self.work.put((item, source))
        self._select(len(self.items) - 1)

    def _dropped(self, event: Any) -> None:
        paths, refused = local_paths(event.data)
        if refused:
            self._say(NO_URLS)
        self.open_paths(paths)

    def choose(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES | VIDEO_SUFFIXES))
        types = [("Photos and videos", patterns), ("All files", "*")]
        names = filedialog.askopenfilenames(parent=self.root, title="Choose photos or videos", filetypes=types)
        self.open_paths([Path(name) for name in names])

    def paste(self) -> None:
        """Image data first (Pillow reads the clipboard: xclip or wl-paste on Linux), then copied
        files, then a pasted path; never an address on the web."""
        try:
            grabbed = ImageGrab.grabclipboard()
        except (NotImplementedError, OSError) as exc:
            grabbed = None
            problem = f"Pasting pictures needs a clipboard tool: {exc}"
        else:
            problem = "Nothing to paste: copy a picture or a photo file first."
        if isinstance(grabbed, Image.Image):
            self._add(Item("pasted picture"), grabbed.convert("RGB"))
            return
        if isinstance(grabbed, list):
            self.open_paths([Path(name) for name in grabbed])
            return
        for target in ("text/uri-list", "UTF8_STRING"):
            try:
                text = self.root.clipboard_get(type=target)
            except tk.TclError:
                continue
            paths, refused = local_paths(text)
            if refused:
                self._say(NO_URLS)
                return
            if paths:
                self.open_paths(paths)
                return
        self._say(problem)

    def region(self) -> None:
        """The tray's region capture, with this window out of the way."""
        self.root.withdraw()
        self.root.after(300, lambda: self._add(Item("screen region"), Action.REGION))

    # -- work (on a thread: the models, the description) ----------------------------------------
    def _work(self) -> None:
        while True:
            item, source = self.work.get()
            self.cancel = threading.Event()
            try:
                if isinstance(source, Path) and is_video(source):
                    self._video(item, source)
                else:
                    self._photo(item, source)
            except Exception as exc:  # one input fails, the window goes on
                self.updates.put((item, Said(Notification("Analysis failed", f"{type(exc).__name__}: {exc}"))))
                self.updates.put((item, Finished(False)))

    def _photo(self, item: Item, source: Any) -> None:
        """The analyst's messages for this item, ending with `Finished`."""

        def send(message: Any) -> None:
            self.updates.put((item, message))

        if source is Action.REGION:
            self.analyst.handle(Job(Action.REGION, self.config), send, self.cancel, pictures=True)
            return
        image = str(source) if isinstance(source, Path) else np.asarray(source)
        send(Finished(self.analyst.analyze(Captured(image, "file"), self.config, send, self.cancel, pictures=True)))

    def _video(self, item: Item, path: Path) -> None:
        from ..video.timeline import VideoSummary

        summary = VideoSummary(path.name)
        error = None
        for read in analyze_paths([path], Options(), Setup(speed="photo")):
            if read.analysis.error:
                error = read.analysis.error
            else:
                summary.add(read.analysis)
        self.updates.put((item, (video_text(summary) + (f"\n{error}" if error else ""), timeline_picture(summary))))
        self.updates.put((item, Finished(error is None)))

    # -- showing (on Tk's thread) ---------------------------------------------------------------
    def _poll(self) -> None:
        while not self.updates.empty():
            item, message = self.updates.get_nowait()
            self._update(item, message)
        self.root.after(POLL_MS, self._poll)

    def _update(self, item: Item, message: Any) -> None:
        if isinstance(message, Shown):
            outcome = message.outcome
            item.text = text_lines(outcome.analysis) or outcome.body
            item.picture = message.picture or item.picture
            item.report_html, item.report_name = outcome.report_html, outcome.report_name
            item.status = f"{outcome.title}" + (" · describing…" if message.describing else "")
            if message.profile_problem:
                item.text += f"\nYour expression profile was not used: {message.profile_problem}."
        elif isinstance(message, Said):
            item.status = message.notification.title
            item.text = message.notification.body
        elif isinstance(message, tuple):  # a video: its summary and timeline
            item.text, item.picture = message
            item.status = "video read"
        elif isinstance(message, Finished):
            self.root.deiconify()  # back after a screen region
            if item.status == "reading…":  # nothing came: the region was cancelled
                item.status = "cancelled"
        row = str(self.items.index(item))
        if item.picture is not None and item.icon is None:
            icon = item.picture.copy()
            icon.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            item.icon = ImageTk.PhotoImage(icon)
        self.listing.item(row, text=f" {item.name}: {item.status}", image=item.icon or "")
        if item is self.shown:
            self._show(item)

    def _select(self, index: int) -> None:
        self.listing.selection_set(str(index))  # shows it (<<TreeviewSelect>>)
        self.listing.see(str(index))
        self._show(self.items[index])

    def _show_selected(self) -> None:
        selected = self.listing.selection()
        if selected and self.items[int(selected[0])] is not self.shown:
            self._show(self.items[int(selected[0])])

    def _step(self, step: int) -> None:
        """Up and Down go through several inputs."""
        if self.shown is not None and self.items:
            self._select(max(0, min(len(self.items) - 1, self.items.index(self.shown) + step)))

    def _show(self, item: Item) -> None:
        self.shown = item
        if item.picture is not None:
            picture = item.picture.copy()
            picture.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
            item.thumbnail = ImageTk.PhotoImage(picture)  # kept: Tk shows it only while referenced
            self.picture.configure(image=item.thumbnail, text="", width=picture.width, height=picture.height)
        else:
            self.picture.configure(image="", text=f"{item.name}\n{item.status}")
        self.details.configure(state="normal")
        self.details.delete("1.0", "end")
        self.details.insert("1.0", f"{item.name}: {item.status}\n\n{item.text}")
        self.details.configure(state="disabled")
        self._say(f"{item.name}: {item.status}")

    # -- results ------------------------------------------------------------------------------------
    def save_report(self) -> None:
        item = self.shown
        if item is None or item.report_html is None:
            self._say("No report yet: open a photo first.")
            return
        name = filedialog.asksaveasfilename(
            parent=self.root, title="Save report", initialfile=item.report_name, defaultextension=".html"
        )
        if not name:
            return
        try:
            write_private(Path(name), item.report_html)  # 0600: the report shows faces
        except OSError as exc:
            self._say(f"Report not saved: {exc}")
            return
        self._say(f"Report saved as {name} (readable by you alone).")

    def copy_result(self) -> None:
        item = self.shown
        if item is None or not item.text:
            self._say("Nothing to copy yet.")
            return
        self.root.clipboard_clear()
        self.root.clipboard_append(f"{item.name}: {item.status}\n{item.text}")
        self._say("Result copied.")

    def close(self) -> None:
        self.cancel.set()
        self.root.destroy()

    def listen(self, requests: Any) -> None:
        """The tray's requests, one JSON line each, handed to Tk's thread."""
        for line in requests:
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if "open" in request:
                paths = [Path(name) for name in request["open"]]
                self.root.after(0, self.open_paths, paths)
            if request.get("front"):
                self.root.after(0, self._to_front)

    def _to_front(self) -> None:
        self.root.deiconify()
        self.root.lift()
        self.root.focus_force()


def _on_key(command: Callable[[], None]) -> Callable[[tk.Event], None]:
    return lambda _event: command()


def make_root() -> tuple[tk.Tk, bool]:
    """A Tk root that takes drops (tkdnd), or a plain one if tkdnd cannot load here."""
    try:
        from tkinterdnd2 import TkinterDnD

        return TkinterDnD.Tk(), True
    except (ImportError, RuntimeError, tk.TclError) as exc:
        print(f"photo window: drag and drop unavailable: {exc}", flush=True)
        return tk.Tk(), False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unifer-photo")
    parser.add_argument("--from-tray", action="store_true")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    platform.declare_dpi_awareness()
    try:
        root, drops = make_root()
        window = PhotoWindow(root, drops)
    except (tk.TclError, ConfigError) as exc:
        print(f"photo window: cannot open: {exc}", flush=True)
        return FAILED
    if args.from_tray:
        threading.Thread(target=window.listen, args=(sys.stdin,), daemon=True).start()
    window.open_paths(args.paths)
    root.after(50, window._to_front)
    root.mainloop()
    print("photo window: closed", flush=True)
    return CLOSED


if __name__ == "__main__":
    sys.exit(main())

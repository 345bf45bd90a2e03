"""The tray's analysis process: everything that touches pixels (docs/adr/0011-analysis-process.md).

The tray stays light (no numpy, onnxruntime or OpenCV); at the first capture it starts this
module as a process of its own, which captures, runs the pipeline and the outcome step, writes
history when it is on, and ends once [tray] keep_models has passed without a capture. It
reads `Job`s and `Cancel` on stdin and answers with the messages of `jobs.py` on stdout, all
pickled; stderr carries only what went wrong (the tray keeps its last lines for `unifer
doctor`), never a face or a reading.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO

from ..capture import CaptureError
from ..capture.sources import Captured, Captures
from ..config import CameraConfig, Config, OllamaConfig
from ..history import History, HistoryError
from ..notify import Notification
from ..outcome import annotated, finish
from ..pipeline import Options, Pipeline
from ..profile.store import CalibrationCache, ProfileError, ProfileStore
from . import dialogs
from .actions import Action
from .dialogs import DialogError
from .jobs import Cancel, Finished, Job, Message, OverlayState, Said, Shown

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from ..profile.calibration import Calibration
    from ..result import Analysis, CaptureKind

log = logging.getLogger("unifer_tray.analysis")
Send = Callable[[Message], None]


def default_pipeline(config: Config) -> Pipeline:
    return Pipeline.from_config(describing(config), speed="screen")


def describing(config: Config) -> OllamaConfig | None:
    """The Ollama settings when the tray describes faces, else None."""
    return config.ollama if config.tray.describe else None


class Analyst:
    """One capture at a time: capture, pipeline, outcome, history; what the user is told goes
    back as messages. Every part can be passed in (tests/tray/ run it in-process with stand-ins)."""

    def __init__(
        self,
        *,
        pipeline: Callable[[Config], Pipeline] = default_pipeline,
        captures: Captures | None = None,
        history: History | None = None,
        profiles: ProfileStore | None = None,
    ) -> None:
        self._make_pipeline = pipeline
        self._pipeline: Pipeline | None = None
        self._loading = threading.Lock()
        self.captures = captures or Captures(CameraConfig())
        self.history = history or History()
        self.profiles = profiles or ProfileStore()
        self._calibrations = CalibrationCache()

    def pipeline(self, config: Config) -> Pipeline:
        """Loaded once (about 0.3 s), with the description settings of `config`."""
        with self._loading:
            if self._pipeline is None:
                self._pipeline = self._make_pipeline(config)
            elif getattr(self._pipeline.describer, "config", None) != describing(config):
                self._pipeline.describe_with(describing(config))
            return self._pipeline

    def warm_up(self, config: Config) -> None:
        """Load the models while the user drags a region or the camera starts; a failure is
        reported by the analysis that needs them."""
        try:
            self.pipeline(config)
        except Exception:  # said again, with its reason, when the analysis asks for them
            log.debug("loading the models failed; the analysis will say why", exc_info=True)

    def handle(self, job: Job, send: Send, cancel: threading.Event, pictures: bool = False) -> None:
        """One capture, its analysis and what the user is told; ends with `Finished`
        (`pictures`: as for `analyze`)."""
        config = job.config
        self.captures.camera = config.camera
        self.history.retention_days = config.history.retention_days
        if self._pipeline is None:  # the first capture: load while the user drags or the camera starts
            threading.Thread(target=self.warm_up, args=(config,), name="unifer-load", daemon=True).start()
        ok = False
        try:
            captured = self._capture(job.action, send)
            ok = captured is None or self.analyze(captured, config, send, cancel, pictures)
        except CaptureError as exc:
            send(Said(Notification("Capture failed", str(exc))))
        except Exception as exc:  # one capture fails, the process goes on
            log.exception("analysis failed")
            send(Said(Notification("Analysis failed", f"{type(exc).__name__}: {exc}")))
        send(Finished(ok))

    def _capture(self, action: Action, send: Send) -> Captured | None:
        """None if the user cancelled."""
        if action is Action.SCREEN:
            return self.captures.screen()
        if action is Action.WEBCAM:
            return self.captures.webcam()
        if action is Action.FILE:
            try:
                path = dialogs.ask_open_image()
            except DialogError as exc:
                raise CaptureError(str(exc)) from None
            return Captured(path, "file") if path else None
        return self.captures.region(lambda is_open: send(OverlayState(is_open)))

    def _profile(self, kind: CaptureKind, config: Config) -> tuple[Calibration | None, str | None]:
        """The user's profile if this kind of capture is read with it ([profile] apply_to), or
        why it cannot be used (the tray says so once per reason)."""
        if not config.profile.applies_to(kind):
            return None, None
        try:
            return self._calibrations.get(self.profiles, config.profile.name), None  # None: not taught
        except ProfileError as exc:
            return None, str(exc)

    def analyze(
        self, captured: Captured, config: Config, send: Send, cancel: threading.Event, pictures: bool = False
    ) -> bool:
        """Pipeline and outcome: the reading at once, then again with its description; False
        if something failed. `pictures`: each `Shown` carries the annotated picture (the photo
        window shows it)."""
        shown = captured.image if isinstance(captured.image, str) else captured.kind  # the report may name a file
        profile, problem = self._profile(captured.kind, config)
        pipeline = self.pipeline(config)
        created = datetime.now()

        def correctable(analysis: Analysis) -> bool:
            return captured.kind == "webcam" and bool(analysis.faces)  # the webcam sees the user

        def picture(analysis: Analysis, rgb: np.ndarray | None) -> Image.Image | None:
            return annotated(rgb, analysis) if pictures and rgb is not None else None

        def show_reading(analysis: Analysis, rgb: np.ndarray) -> None:
            outcome = finish(analysis, rgb, pipeline.model_versions, correctable=correctable(analysis), created=created)
            send(Shown(outcome, True, correctable(analysis), problem, picture(analysis, rgb)))

        analysis, rgb = pipeline.run(
            captured.image, Options(profile=profile), source=shown, cancel=cancel, on_reading=show_reading
        )
        keep = rgb is not None and self.history.enabled
        outcome = finish(
            analysis,
            rgb,
            pipeline.model_versions,
            thumbnails=keep and self.history.thumbnails_allowed,
            correctable=correctable(analysis),
            created=created,
        )
        history_problem = None
        if keep:  # before the last notification: what it announces is already on disk
            try:
                self.history.add(analysis, captured.kind, outcome.thumbnails)
            except HistoryError as exc:
                history_problem = str(exc)
        final = replace(outcome, thumbnails=None)  # the faces stay in this process
        send(Shown(final, False, correctable(analysis), problem, picture(analysis, rgb)))
        if history_problem:
            send(Said(Notification("History not saved", history_problem)))
            return False
        return analysis.ok


def serve(analyst: Analyst, requests: BinaryIO, answers: BinaryIO) -> None:
    """Jobs from `requests`, one at a time, until it ends; a `Cancel` reaches the running one."""
    jobs: queue.Queue[tuple[Job, threading.Event] | None] = queue.Queue()
    running = [threading.Event()]
    lock = threading.Lock()

    def send(message: Message) -> None:
        with lock:
            pickle.dump(message, answers)
            answers.flush()

    def listen() -> None:
        while True:
            try:
                request = pickle.load(requests)
            except (EOFError, OSError, pickle.UnpicklingError):  # the tray ended us, or ended
                running[0].set()
                jobs.put(None)
                return
            if isinstance(request, Cancel):
                running[0].set()
            else:
                running[0] = threading.Event()
                jobs.put((request, running[0]))

    threading.Thread(target=listen, name="unifer-requests", daemon=True).start()
    while (item := jobs.get()) is not None:
        analyst.handle(item[0], send, item[1])


def main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot garble the answers
    sys.stdout = sys.stderr
    logging.basicConfig(
        level=logging.INFO if "--verbose" in sys.argv else logging.WARNING,
        stream=sys.stderr,
        format="%(name)s: %(message)s",
    )
    serve(Analyst(), sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()

"""The real analysis process (docs/adr/0011): the tray's jobs over its pipes, the reading before
the description, a crash as a message, and the process ending once keep_models has passed.

Real models on a real clip (the webcam fed from a video file), the real ollama client against
the Ollama stand-in; no display is needed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from ollama_stub import Behaviour, OllamaStub
from tray_fakes import wait_for

from unifer_tray.config import Config
from unifer_tray.tray.actions import Action
from unifer_tray.tray.analysis_process import AnalysisCrashed, AnalysisProcess
from unifer_tray.tray.jobs import Job, Said, Shown

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(autouse=True)
def user(tmp_path, monkeypatch):
    """A fresh user without a display: the process inherits this environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("UNIFER_CAMERA_SOURCE", raising=False)


def webcam_job(ollama_url: str | None) -> Job:
    config = Config()
    config.camera.source = str(DATA / "single_face.mp4")
    config.camera.warmup_frames = 1
    config.tray.describe = ollama_url is not None
    config.ollama.host = ollama_url
    return Job(Action.WEBCAM, config)


class Run:
    """A job on a thread of its own, as the tray's worker runs it, with what came back."""

    def __init__(self, process: AnalysisProcess, job: Job) -> None:
        self.messages: list = []
        self.cancel = threading.Event()
        self.result: bool | Exception | None = None
        self.thread = threading.Thread(target=self._run, args=(process, job))
        self.thread.start()

    def _run(self, process: AnalysisProcess, job: Job) -> None:
        try:
            self.result = process.run(job, self.messages.append, self.cancel)
        except AnalysisCrashed as exc:
            self.result = exc

    def shown(self) -> list[Shown]:
        return [message for message in self.messages if isinstance(message, Shown)]


def test_without_a_display_the_capture_failure_is_said_and_the_process_ends_after_keep_models():
    process = AnalysisProcess(lambda: 0.5)
    messages: list = []
    assert process.run(Job(Action.SCREEN, Config()), messages.append, threading.Event()) is False
    [said] = messages
    assert isinstance(said, Said) and said.notification.title == "Capture failed"
    assert "cannot access the screen" in said.notification.body
    assert process.running
    wait_for(lambda: not process.running, "the process to end after keep_models", timeout=5)


def test_the_reading_arrives_before_the_description_and_a_crash_is_a_message():
    with OllamaStub(Behaviour(delay=3.0)) as stub:
        process = AnalysisProcess(lambda: None)  # kept for ever
        first = Run(process, webcam_job(stub.url))
        wait_for(lambda: len(first.shown()) == 2, "the reading and its description", timeout=60)
        first.thread.join(10)
        reading, described = first.shown()
        assert first.result is True
        assert reading.describing and reading.outcome.analysis.description is None
        assert reading.outcome.title.endswith("· 1 face") and reading.outcome.report_html
        assert not described.describing and "smiling face" in described.outcome.analysis.description.summary
        assert described.outcome.thumbnails is None  # face crops never leave the analysis process

        pid = process.pid
        second = Run(process, webcam_job(stub.url))
        wait_for(lambda: len(second.shown()) == 1, "the second reading", timeout=30)
        os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would, while describing
        second.thread.join(10)
        assert isinstance(second.result, AnalysisCrashed) and "SIGKILL" in str(second.result)
        assert not process.running

        third = Run(process, webcam_job(None))  # the next capture starts a new process
        third.thread.join(60)
        assert third.result is True and process.pid not in (None, pid)
        [alone] = third.shown()
        assert not alone.describing and alone.outcome.analysis.faces
        process.end()
        assert not process.running


def test_a_newer_capture_cuts_the_running_description_short():
    with OllamaStub(Behaviour(delay=20.0)) as stub:
        process = AnalysisProcess(lambda: 0)  # ended after each job
        run = Run(process, webcam_job(stub.url))
        wait_for(lambda: len(run.shown()) == 1, "the reading", timeout=60)
        started = time.monotonic()
        run.cancel.set()
        run.thread.join(10)
        assert time.monotonic() - started < 5 and run.result is True
        assert "superseded" in run.shown()[-1].outcome.analysis.description.reason
        assert not process.running  # keep_models = 0

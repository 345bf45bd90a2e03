"""The tray's side of its analysis process (docs/adr/0011-analysis-process.md): started at the
first capture, given one job at a time, ended once [tray] keep_models has passed without one.

Whatever ends the process early (a crash in a native library, the out-of-memory killer) ends
that job with `AnalysisCrashed`, which the tray turns into a notification; the next capture
starts a new process. Its last lines of stderr are kept for `unifer doctor`, as for our windows.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol

from ..helpers import start_service
from .jobs import Cancel, Finished, Job, Message
from .windows import TAIL_LINES, ended_by, record_failure

log = logging.getLogger("unifer_tray.tray")
MODULE = "unifer_tray.tray.analyst"
TITLE = "The analysis"
END_WAIT_S = 5.0  # for the process to end by itself once told to, before it is killed


class Runner(Protocol):
    """Runs a capture job and passes on what comes back (tests run the analyst in-process)."""

    def run(self, job: Job, on_message: Callable[[Message], None], cancel: threading.Event) -> bool: ...

    def end(self) -> None: ...


class AnalysisCrashed(RuntimeError):
    """The analysis process ended in the middle of a job; the message says how."""


def start_analyst() -> subprocess.Popen[bytes]:
    verbose = logging.getLogger("unifer_tray").getEffectiveLevel() <= logging.INFO
    return start_service(MODULE, *(["--verbose"] if verbose else []))


class AnalysisProcess:
    def __init__(
        self,
        keep_seconds: Callable[[], float | None],
        start: Callable[[], subprocess.Popen[bytes]] = start_analyst,
    ) -> None:
        """`keep_seconds`: how long to keep the process after a job (None: for ever)."""
        self._keep_seconds, self._start = keep_seconds, start
        self._process: subprocess.Popen[bytes] | None = None
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._lock = threading.Lock()  # one job at a time; ending waits for the job in hand
        self._timer: threading.Timer | None = None
        self._jobs_done = 0  # a timer set after an earlier job must not end the process
        self._log_reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running else None  # type: ignore[union-attr]

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def run(self, job: Job, on_message: Callable[[Message], None], cancel: threading.Event) -> bool:
        """Hand `job` over and pass on what comes back until it is finished; returns whether it
        went well. Setting `cancel` cuts its description short."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if not self.running:
                try:
                    self._launch()
                except OSError as exc:  # the interpreter or the frozen app could not be started
                    raise AnalysisCrashed(f"the analysis could not start: {exc}") from None
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            finished = threading.Event()
            try:
                pickle.dump(job, process.stdin)
                process.stdin.flush()
                threading.Thread(target=self._pass_cancel, args=(process, cancel, finished), daemon=True).start()
                while not isinstance(message := pickle.load(process.stdout), Finished):
                    on_message(message)
                return message.ok
            except (OSError, EOFError, pickle.UnpicklingError):
                raise AnalysisCrashed(self._how_it_ended(process)) from None
            finally:
                finished.set()
                self._jobs_done += 1
                self._keep_or_end()

    def end(self) -> None:
        """Let the job in hand finish, then end the process (Quit, or keep_models has passed)."""
        with self._lock:
            self._end()

    def _expire(self, jobs_done: int) -> None:
        with self._lock:
            if jobs_done == self._jobs_done:  # no capture since this timer was set
                self._end()

    def _launch(self) -> None:
        self._tail.clear()
        self._process = self._start()
        self._log_reader = threading.Thread(
            target=self._read_errors, args=(self._process,), name="unifer-analysis-log", daemon=True
        )
        self._log_reader.start()
        log.info("analysis process started (pid %d)", self._process.pid)

    def _read_errors(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace").rstrip()
            if line:
                log.info("%s", line)
                self._tail.append(line)

    def _pass_cancel(
        self, process: subprocess.Popen[bytes], cancel: threading.Event, finished: threading.Event
    ) -> None:
        while not finished.is_set():
            if cancel.wait(0.05):
                with contextlib.suppress(OSError):  # it ended meanwhile
                    assert process.stdin is not None
                    pickle.dump(Cancel(), process.stdin)
                    process.stdin.flush()
                return

    def _keep_or_end(self) -> None:
        seconds = self._keep_seconds()
        if not self.running or seconds is None:
            return
        if seconds <= 0:
            self._end()
            return
        self._timer = threading.Timer(seconds, self._expire, args=(self._jobs_done,))
        self._timer.daemon = True
        self._timer.start()

    def _end(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()  # it finishes and leaves
        try:
            process.wait(END_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("analysis process ended (models unloaded)")

    def _how_it_ended(self, process: subprocess.Popen[bytes]) -> str:
        try:
            code = process.wait(END_WAIT_S)
        except subprocess.TimeoutExpired:  # alive but garbled: start afresh next time
            process.kill()
            code = process.wait()
        self._process = None
        if self._log_reader is not None:
            self._log_reader.join(1.0)  # its last words
        tail = list(self._tail)
        record_failure(TITLE, code, tail)
        last = tail[-1] if tail else ""
        return f"{last} ({ended_by(code)})" if last else ended_by(code)

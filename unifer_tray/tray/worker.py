"""The tray's one capture worker (docs/adr/0004-tray.md): while the region overlay is open,
further region requests are ignored (coalesced); any new capture request replaces a pending one
and cancels the description of the one running (a newer capture supersedes it), so the tray
never stacks overlays or queues stale work."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable

from ..supersede import Supersede
from .actions import Action

log = logging.getLogger("unifer_tray.tray")


class CaptureWorker:
    def __init__(self, handle: Callable[[Action], None]) -> None:
        """`handle` captures and analyses one request on the worker thread."""
        self._handle = handle
        self.supersede = Supersede()
        self.jobs: queue.Queue[Action | None] = queue.Queue(maxsize=1)
        self.overlay_open = threading.Event()  # set by the region capture while the overlay is up
        self.thread: threading.Thread | None = None

    def request(self, action: Action) -> str:
        """What the tray answers the requester: queued, or ignored while the overlay is open."""
        if action is Action.REGION and self.overlay_open.is_set():
            log.info("region overlay already open: request ignored")
            return "overlay already open"
        self.replace_pending(action)
        return "queued"

    def replace_pending(self, job: Action | None) -> None:
        """Queue `job` in place of any pending one, cancelling the running description; None
        ends the worker once the running capture is done."""
        self.supersede.new_token()
        with contextlib.suppress(queue.Empty):
            self.jobs.get_nowait()
        self.jobs.put_nowait(job)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._loop, name="unifer-worker", daemon=True)
        self.thread.start()

    def stop(self, drain_seconds: float) -> None:
        """Drop a request not yet started, let the running one finish (at most `drain_seconds`)."""
        self.replace_pending(None)
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(drain_seconds)

    def _loop(self) -> None:
        while (action := self.jobs.get()) is not None:
            self._handle(action)

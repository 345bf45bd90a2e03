"""The tray's History menu: consent and turning it on, stopping (and deleting) it, the
dashboard (bound to the history it was decrypted from), and the daily purge."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..history import History, HistoryError
from ..notify import Notification
from ..report.server import ReportServer
from . import dialogs

log = logging.getLogger("unifer_tray.tray")
PURGE_EVERY_SECONDS = 86400


class HistoryActions:
    def __init__(
        self,
        history: History,
        reports: ReportServer,
        open_report: Callable[[str], None],
        notify: Callable[[Notification], None],
        changed: Callable[[], None],
    ) -> None:
        """`changed`: the icon and menu have something new to show (history on or off)."""
        self.history, self._reports, self._open_report = history, reports, open_report
        self._notify, self._changed = notify, changed

    def open_dashboard(self) -> None:
        from ..outcome import dashboard

        try:
            page = dashboard(self.history.records())
        except HistoryError as exc:
            self._notify(Notification("History unavailable", str(exc)))
            return
        # served only while this history is on: stopping or deleting it withdraws the page at once
        consent = self.history.consent_stamp
        self._open_report(self._reports.publish(page, valid=lambda: self.history.consent_stamp == consent))

    def keep(self) -> None:
        if not dialogs.ask_yes_no("Keep history?", self.history.consent_text() + "\nKeep this history?"):
            return
        try:
            self.history.enable()
        except HistoryError as exc:
            self._notify(Notification("History not turned on", str(exc)))
            return
        self._changed()

    def stop(self) -> None:
        delete = dialogs.ask_yes_no("Stop keeping history", "Delete everything recorded so far?")
        try:
            self.history.disable(delete=delete)
        except HistoryError as exc:
            self._notify(Notification("History", str(exc)))
        self._reports.prune()  # the decrypted dashboard leaves memory now, not at the next request
        self._changed()

    def purge_daily(self) -> None:
        try:
            self.history.purge_expired()
        except (HistoryError, OSError) as exc:
            log.warning("history purge failed: %s", exc)
        timer = threading.Timer(PURGE_EVERY_SECONDS, self.purge_daily)
        timer.daemon = True
        timer.start()

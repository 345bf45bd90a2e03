"""The tray's reports: the last one (served from memory), opened in the browser through a
private launcher page, or saved where the user says (0600)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..helpers import open_in_browser
from ..notify import Notification
from ..private_files import write_private
from ..report.server import ReportServer
from . import dialogs


class ReportActions:
    def __init__(self, server: ReportServer, notify: Callable[[Notification], None]) -> None:
        self.server, self._notify = server, notify
        self.last: tuple[str, str] | None = None  # (report id on the server, suggested file name)

    def keep_last(self, report_id: str, name: str) -> None:
        self.last = (report_id, name)

    def open_last(self) -> None:
        if self.last:
            self.open(self.last[0])

    def open(self, report_id: str) -> None:
        """A fresh single-use link each time (the one given to the browser before is spent),
        reached through a private launcher page; without a browser, say where that page is."""
        try:
            launcher = self.server.launcher(report_id)
        except OSError as exc:
            self._notify(Notification("Report not opened", str(exc)))
            return
        if launcher is None:
            self._notify(Notification("Report expired", "Reports are kept for a few hours; capture again."))
            return
        if not open_in_browser(launcher):
            self._notify(Notification("No web browser found", f"Open the report yourself: {launcher} (works once)"))

    def save_last(self) -> None:
        if not self.last:
            return
        report_id, name = self.last
        html = self.server.html(report_id)
        target = dialogs.ask_save_report(name) if html else None
        if target and html:
            write_private(Path(target), html)

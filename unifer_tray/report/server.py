"""Reports served from memory on loopback, so "Open report" needs no file on disk.

Faces and results are never written to disk without consent (not even "temporarily"), yet a
browser needs a URL. A browser's command line is visible to every local user (/proc/*/cmdline),
so the link is never put there: `launcher()` writes a small page that redirects to it, 0600 in
the user's private runtime folder, and the browser is given that file's path; the page is
deleted once its link is spent. A link is good once: `/open/<token>` hands the browser a cookie
for that one report and redirects to `/report/<id>`, which answers only with that cookie. A
second visit of the link, another browser profile or another user gets a 404. Reports expire
after REPORT_TTL_SECONDS or when more than KEEP are held; one published with `valid=` (the
history dashboard) disappears the moment that says no. Every answer is `no-store` and carries
a CSP that allows nothing but inline images, styles and forms posting back to this server.

A report published with `on_correct` (a webcam result) takes one kind of POST: its "Not right?"
form, a label, sent to the report's own URL with the report's cookie (SameSite=Strict, so no
other site can send it); the answer page says what was done with it. One correction per report:
a reload or a second post adds nothing.

The server is small on purpose: a connection that says nothing for IDLE_SECONDS is closed, at
most MAX_CONNECTIONS are served at once (more are closed at once), and a malformed request gets
a 400, never a traceback. It starts listening when the first link is asked for, so an idle tray
holds no socket and no HTTP code (docs/adr/0011).
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from ..private_files import private_runtime_folder, write_private
from ..result import LABELS

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

KEEP = 20  # the most recent reports; older ones are dropped from memory
REPORT_TTL_SECONDS = 4 * 3600
LINK_TTL_SECONDS = 120  # a link not opened by then is void: the browser opens it at once
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'"
MAX_FORM_BYTES = 256
SWEEP_SECONDS = 10.0  # withdrawn pages (history deleted by another process) leave memory by then
IDLE_SECONDS = 5.0  # a browser sends its request at once; a silent connection is dropped
MAX_CONNECTIONS = 16
LAUNCHER = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><meta name='referrer' content='no-referrer'>"
    "<meta http-equiv='refresh' content='0;url={url}'><title>UniFER report</title>"
    "<p><a href='{url}'>Open the UniFER report</a></p></html>"
)
ANSWER = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><title>UniFER</title>"
    "<body style='font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:40em'>"
    "<p>{message}</p><p><a href=''>Back to the report</a></p></body></html>"
)
GONE = "<!doctype html><title>UniFER</title><p>This report is not available (links work once, and reports expire).</p>"
ALREADY_CORRECTED = "This reading was already corrected; nothing more was stored."


@dataclass
class _Report:
    html: str
    cookie: str  # the value a browser must send to see it
    created: float
    valid: Callable[[], bool] | None = None
    on_correct: Callable[[str], str] | None = None  # label -> what was done, for the answer page
    corrected: bool = False
    links: dict[str, float] = field(default_factory=dict)  # one-time token -> issued


class ReportServer:
    def __init__(self, clock: Callable[[], float] = time.monotonic, launchers: Path | None = None) -> None:
        self._reports: dict[str, _Report] = {}
        self._launchers: dict[str, Path] = {}  # one-time token -> the page that redirects to it
        self._launcher_folder = launchers
        self._lock = threading.Lock()
        self._clock = clock
        self._http: ThreadingHTTPServer | None = None  # listening from the first link on
        self._closed = threading.Event()
        threading.Thread(target=self._sweep, name="unifer-reports-sweep", daemon=True).start()

    # -- what the shells call -------------------------------------------------------------------
    def publish(
        self,
        html: str,
        valid: Callable[[], bool] | None = None,
        on_correct: Callable[[str], str] | None = None,
    ) -> str:
        """Hold `html` and return its id; `valid`: asked at every visit, False withdraws it;
        `on_correct`: called with the label the page's "Not right?" form sends."""
        report_id = secrets.token_urlsafe(12)
        with self._lock:
            self._expire()
            self._reports[report_id] = _Report(html, secrets.token_urlsafe(24), self._clock(), valid, on_correct)
            while len(self._reports) > KEEP:
                self._reports.pop(next(iter(self._reports)))
        return report_id

    def update(self, report_id: str, html: str) -> None:
        """Put `html` in place of the report's page (its description arrived); its links, its
        "Not right?" and its age stay. Nothing happens if it is gone."""
        with self._lock:
            report = self._reports.get(report_id)
            if report is not None:
                report.html = html

    def link(self, report_id: str) -> str | None:
        """A URL that opens the report once (None if it is gone)."""
        issued = self._issue(report_id)
        return issued[1] if issued else None

    def launcher(self, report_id: str) -> Path | None:
        """A page (0600, in the private runtime folder) that sends the browser to a fresh link:
        give the browser this file, never the link itself. None if the report is gone."""
        issued = self._issue(report_id)
        if issued is None:
            return None
        token, url = issued
        folder = self._launcher_folder or private_runtime_folder()
        page = folder / f"report-{secrets.token_hex(8)}.html"
        write_private(page, LAUNCHER.format(url=escape(url)))
        with self._lock:
            self._launchers[token] = page
        return page

    def _issue(self, report_id: str) -> tuple[str, str] | None:
        """A fresh one-time token for the report and its URL; None if the report is gone."""
        with self._lock:
            self._expire()
            report = self._reports.get(report_id)
            if report is None:
                return None
            token = secrets.token_urlsafe(24)
            report.links[token] = self._clock()
            if self._http is None:
                self._http = _listen(self)
            port = self._http.server_address[1]
        return token, f"http://127.0.0.1:{port}/open/{token}"

    def html(self, report_id: str) -> str | None:
        with self._lock:
            self._expire()
            report = self._reports.get(report_id)
            return report.html if report else None

    def withdraw(self, report_id: str) -> None:
        with self._lock:
            self._reports.pop(report_id, None)

    def prune(self) -> None:
        """Drop at once every report that its `valid` now refuses (history just deleted)."""
        with self._lock:
            self._expire()

    def _sweep(self) -> None:
        while not self._closed.wait(SWEEP_SECONDS):
            self.prune()

    def close(self) -> None:
        self._closed.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        with self._lock:
            self._reports.clear()
            for token in list(self._launchers):
                self._forget_launcher(token)

    # -- the browser's side ---------------------------------------------------------------------
    def _expire(self) -> None:
        """Drop expired and withdrawn reports; the caller holds the lock."""
        now = self._clock()
        for report_id, report in list(self._reports.items()):
            if now - report.created > REPORT_TTL_SECONDS or (report.valid is not None and not report.valid()):
                del self._reports[report_id]
        issued = {token: at for report in self._reports.values() for token, at in report.links.items()}
        for token in list(self._launchers):
            if token not in issued or now - issued[token] > LINK_TTL_SECONDS:
                self._forget_launcher(token)

    def _forget_launcher(self, token: str) -> None:
        """The caller holds the lock."""
        page = self._launchers.pop(token, None)
        if page is not None:
            page.unlink(missing_ok=True)

    def _redeem(self, token: str) -> tuple[str, str] | None:
        """(report id, its cookie) for a link not used before and not too old, which is spent."""
        with self._lock:
            self._expire()
            self._forget_launcher(token)
            for report_id, report in self._reports.items():
                issued = report.links.pop(token, None)
                if issued is not None and self._clock() - issued <= LINK_TTL_SECONDS:
                    return report_id, report.cookie
        return None

    def _opened(self, report_id: str, cookies: str) -> _Report | None:
        """The report, if these cookies hold the one its link handed out."""
        with self._lock:
            self._expire()
            report = self._reports.get(report_id)
        if report is None:
            return None
        sent = {name.strip(): value for name, _, value in (part.partition("=") for part in cookies.split(";")) if name}
        presented = sent.get(f"unifer-{report_id}", "").encode()
        return report if secrets.compare_digest(presented, report.cookie.encode()) else None

    def _page(self, report_id: str, cookies: str) -> str | None:
        report = self._opened(report_id, cookies)
        return report.html if report else None

    def _correct(self, report_id: str, cookies: str, label: str) -> str | None:
        """What the report's owner says about the correction; None: no such form here."""
        report = self._opened(report_id, cookies)
        if report is None or report.on_correct is None or label not in LABELS:
            return None
        with self._lock:
            already, report.corrected = report.corrected, True
        return ALREADY_CORRECTED if already else report.on_correct(label)


def _listen(server: ReportServer) -> ThreadingHTTPServer:
    """The HTTP side, on loopback at a free port, serving `server`'s reports."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class BoundedServer(ThreadingHTTPServer):
        """A thread per connection, at most MAX_CONNECTIONS of them."""

        daemon_threads = True
        request_queue_size = 128  # connections over the cap are accepted and closed, not left to retry

        def __init__(self, address: tuple[str, int], handler: Any) -> None:
            super().__init__(address, handler)
            self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

        def process_request(self, request: Any, client_address: Any) -> None:
            if not self._slots.acquire(blocking=False):
                self.shutdown_request(request)
                return
            try:
                super().process_request(request, client_address)
            except Exception:
                self._slots.release()
                raise

        def process_request_thread(self, request: Any, client_address: Any) -> None:
            try:
                super().process_request_thread(request, client_address)
            finally:
                self._slots.release()

    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS  # applied to the connection's socket before it is read

        def log_message(self, *args: object) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(socket.timeout, ConnectionError):
                super().handle()

        def do_GET(self) -> None:
            kind, _, key = self.path.lstrip("/").partition("/")
            if kind == "open":
                redeemed = server._redeem(key)
                if redeemed is not None:
                    report_id, cookie = redeemed
                    self._answer(
                        303,
                        "",
                        Location=f"/report/{report_id}",
                        **{
                            "Set-Cookie": f"unifer-{report_id}={cookie}; Path=/report/{report_id}; "
                            "HttpOnly; SameSite=Strict"
                        },
                    )
                    return
            elif kind == "report":
                html = server._page(key, self.headers.get("Cookie", ""))
                if html is not None:
                    self._answer(200, html)
                    return
            self._answer(404, GONE)

        def do_POST(self) -> None:
            kind, _, key = self.path.lstrip("/").partition("/")
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not declared.isdigit():
                self._answer(400, GONE)
                return
            length = int(declared)
            if kind != "report" or not 0 < length <= MAX_FORM_BYTES:
                self._answer(404, GONE)
                return
            form = parse_qs(self.rfile.read(length).decode("ascii", "replace"))
            said = server._correct(key, self.headers.get("Cookie", ""), form.get("label", [""])[0])
            if said is None:
                self._answer(404, GONE)
                return
            self._answer(200, ANSWER.format(message=escape(said)))

        def _answer(self, status: int, html: str, **headers: str) -> None:
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Referrer-Policy", "no-referrer")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http = BoundedServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=http.serve_forever, name="unifer-reports", daemon=True).start()
    return http

"""Reports served from memory on loopback, so "Open report" needs no file on disk.

Faces and results are never written to disk without consent (not even "temporarily"), yet a
browser needs a URL: each report gets an unguessable path on 127.0.0.1, is sent with
`Cache-Control: no-store`, and lives until the tray quits. "Save report…" writes a copy where
the user chooses.
"""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEEP = 20  # the most recent reports; older ones are dropped from memory


class ReportServer:
    def __init__(self) -> None:
        self._reports: dict[str, str] = {}
        self._order: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with server._lock:
                    html = server._reports.get(self.path.lstrip("/"))
                body = (html or "<p>This report has expired.</p>").encode()
                self.send_response(200 if html else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header(
                    "Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="unifer-reports", daemon=True).start()

    def publish(self, html: str) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._reports[token] = html
            self._order.append(token)
            while len(self._order) > KEEP:
                self._reports.pop(self._order.pop(0), None)
        port = self._http.server_address[1]
        return f"http://127.0.0.1:{port}/{token}"

    def html(self, url: str) -> str | None:
        with self._lock:
            return self._reports.get(url.rsplit("/", 1)[-1])

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        with self._lock:
            self._reports.clear()

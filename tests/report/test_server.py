"""Reports served from memory: one-time links kept off command lines, cookies, one correction per
report, and a server that cannot be worn down."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from unifer_tray.report.html import render
from unifer_tray.report.server import ANSWER, LINK_TTL_SECONDS, REPORT_TTL_SECONDS, ReportServer


def browser() -> urllib.request.OpenerDirector:
    """A browser profile of its own: follows redirects, keeps cookies."""
    from http.cookiejar import CookieJar

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def status(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        with opener.open(url) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server():
    running = ReportServer()
    yield running
    running.close()


def test_report_server_serves_from_memory_only(group, server):
    analysis, rgb = group
    report_id = server.publish(render(analysis, rgb, [], "now"))
    url = server.link(report_id)
    assert url.startswith("http://127.0.0.1:") and report_id not in url
    user = browser()
    with user.open(url) as response:  # the link, exchanged for a cookie, then the page
        assert response.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "UniFER report" in response.read().decode()
        page_url = response.url
    assert status(user, page_url) == 200  # reloading in the same browser works
    assert status(browser(), url) == 404  # the link works once: another profile (or user) gets nothing
    assert status(browser(), page_url) == 404  # and the page itself needs the cookie
    assert status(browser(), url.rsplit("/", 1)[0] + "/guessed-token") == 404


def test_each_link_works_once_and_reports_expire(group):
    now = [1000.0]
    server = ReportServer(clock=lambda: now[0])
    try:
        report_id = server.publish("<p>report</p>")
        first, second = server.link(report_id), server.link(report_id)
        assert status(browser(), first) == 200 and status(browser(), first) == 404
        now[0] += LINK_TTL_SECONDS + 1
        assert status(browser(), second) == 404  # a link not opened in time is void
        now[0] += REPORT_TTL_SECONDS
        assert server.link(report_id) is None and server.html(report_id) is None
    finally:
        server.close()


def test_a_withdrawn_page_is_gone_at_once(server):
    allowed = [True]
    dashboard = server.publish("<p>history</p>", valid=lambda: allowed[0])
    user = browser()
    with user.open(server.link(dashboard)) as response:
        page_url = response.url
    allowed[0] = False  # history deleted
    assert status(user, page_url) == 404 and server.html(dashboard) is None


def post(opener: urllib.request.OpenerDirector, url: str, body: bytes) -> tuple[int, str]:
    try:
        with opener.open(urllib.request.Request(url, data=body, method="POST")) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_not_right_on_a_webcam_report_reaches_its_owner_only_with_the_report_cookie(group, server):
    analysis, rgb = group
    said: list[str] = []
    page = render(analysis, rgb, [], "now", correctable=True)
    assert page.count("<form method='post' class='correct'>") == 1  # the largest face only
    report_id = server.publish(page, on_correct=lambda label: said.append(label) or f"Learned: {label} <b>")
    plain_id = server.publish(render(analysis, rgb, [], "now"))
    assert "Not right?" not in server.html(plain_id)
    user = browser()
    with user.open(server.link(report_id)) as response:
        page_url = response.url
        assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    code, answer = post(user, page_url, b"label=neutral")
    assert code == 200 and said == ["neutral"] and "Learned: neutral &lt;b&gt;" in answer
    assert "Back to the report" in answer
    assert post(browser(), page_url, b"label=anger")[0] == 404  # no cookie: another site or user
    assert post(user, page_url, b"label=contempt")[0] == 404  # not a label
    assert post(user, page_url, b"label=" + b"x" * 400)[0] == 404  # oversized form
    with user.open(server.link(plain_id)) as response:
        plain_url = response.url
    assert post(user, plain_url, b"label=neutral")[0] == 404  # a report without the form takes none
    assert said == ["neutral"]


def test_a_report_takes_one_correction(server):
    """A reload of the answer page (or anyone holding the cookie) adds no second example."""
    said: list[str] = []
    report_id = server.publish("<p>report</p>", on_correct=lambda label: said.append(label) or "Learned")
    user = browser()
    with user.open(server.link(report_id)) as response:
        page_url = response.url
    assert post(user, page_url, b"label=neutral") == (200, ANSWER.format(message="Learned"))
    code, again = post(user, page_url, b"label=anger")
    assert code == 200 and "already corrected; nothing more was stored" in again
    assert said == ["neutral"]


def test_the_browser_is_given_a_private_page_never_the_link(tmp_path, monkeypatch):
    """A browser's command line is readable by every local user; the one-time link is not on it."""
    import stat
    import webbrowser

    from unifer_tray.helpers import open_in_browser

    argv_file = tmp_path / "browser-argv"
    recorder = tmp_path / "browser.sh"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$0" "$@" > {argv_file}\n')
    recorder.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(recorder))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser reads BROWSER again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    server = ReportServer(launchers=folder)
    try:
        report_id = server.publish("<p>the report</p>")
        launcher = server.launcher(report_id)
        assert launcher is not None and launcher.parent == folder
        assert stat.S_IMODE(launcher.stat().st_mode) == 0o600
        assert open_in_browser(launcher)
        deadline = time.monotonic() + 10
        while not argv_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        command_line = argv_file.read_text()
        link = re.search(r"url=([^'\"]+)", launcher.read_text()).group(1)
        token = link.rsplit("/", 1)[1]
        assert launcher.as_uri() in command_line and token not in command_line and "/open/" not in command_line
        with browser().open(link) as response:  # what the browser does with the page
            assert response.read() == b"<p>the report</p>"
        assert not launcher.exists()  # spent: the page with the link is gone
        stale = server.launcher(report_id)
        assert stale is not None and stale.exists()
    finally:
        server.close()
    assert not stale.exists()  # nothing left behind at quit


def test_silent_and_malformed_connections_cannot_wear_the_server_down(server):
    """200 half-sent POSTs hold at most MAX_CONNECTIONS threads, and only for IDLE_SECONDS; a
    non-numeric Content-Length is a 400, not a traceback."""
    import socket
    import threading

    from unifer_tray.report.server import IDLE_SECONDS, MAX_CONNECTIONS

    report_id = server.publish("<p>report</p>")
    port = int(server.link(report_id).split(":")[2].split("/")[0])
    before = threading.active_count()
    held = []
    for _ in range(200):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"POST /report/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nlab")
        held.append(connection)
    time.sleep(0.5)
    assert threading.active_count() - before <= MAX_CONNECTIONS
    time.sleep(IDLE_SECONDS + 1)
    assert threading.active_count() - before <= 1
    for connection in held:
        connection.close()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"POST /report/x HTTP/1.0\r\nContent-Length: lots\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.0 400")
    assert status(browser(), server.link(report_id)) == 200  # still serving

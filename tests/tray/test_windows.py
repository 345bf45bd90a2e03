"""Child windows (live view, teach session): one at a time, and no end goes unsaid."""

from __future__ import annotations

import stat
import subprocess
import sys
import time

import pytest

from unifer_tray.tray.windows import ChildWindow, Start

ABORTING = "print('live view: starting', flush=True); print('terminate called without an active exception', flush=True); import os; os.abort()"  # noqa: E501


def child(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def test_an_unexpected_end_is_a_notification_with_its_reason_and_doctor_shows_its_last_lines(state_home):
    from unifer_tray.doctor import check_windows
    from unifer_tray.helpers import window_failure_record

    assert check_windows().status == "ok"
    said = []
    window = ChildWindow("The live view", {0: None, 1: ("Live view unavailable", "{last}")}, said.append)
    window.watch(child(ABORTING))
    (notification,) = said
    assert notification.title == "The live view closed unexpectedly"
    assert "terminate called without an active exception" in notification.body and "SIGABRT" in notification.body
    record = window_failure_record()
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    check = check_windows()
    assert check.status == "warn" and "The live view: stopped by signal SIGABRT" in check.detail
    assert "live view: starting" in check.detail and "terminate called" in check.detail


def test_a_known_ending_says_its_own_words(state_home):
    said = []
    window = ChildWindow("The live view", {0: None, 1: ("Live view unavailable", "{last}")}, said.append)
    window.watch(child("print('live view: no camera found at index 0'); raise SystemExit(1)"))
    window.watch(child("print('live view closed: 90 frames')"))
    assert [(n.title, n.body) for n in said] == [("Live view unavailable", "no camera found at index 0")]


def test_one_window_at_a_time_and_a_window_we_close_says_nothing(state_home):
    said, ended = [], []
    window = ChildWindow("The live view", {0: None}, said.append)
    assert window.open(lambda: child("import time; time.sleep(30)"), on_end=ended.append) is Start.OPENED
    assert window.open(lambda: child("print('second')")) is Start.ALREADY_OPEN
    window.close()
    deadline = time.monotonic() + 10
    while window.is_open() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # the watcher has seen the end
    assert not window.is_open() and said == [] and ended == []


def test_a_window_that_cannot_start_says_so_and_the_next_try_starts_it(state_home):
    said = []
    window = ChildWindow("The live view", {0: None}, said.append)

    def missing_program() -> subprocess.Popen[str]:
        return subprocess.Popen([str(state_home / "no-such-program")], stdout=subprocess.PIPE, text=True)

    assert window.open(missing_program) is Start.FAILED and not window.is_open()
    (notification,) = said
    assert notification.title == "The live view could not open"
    assert "No such file or directory" in notification.body and "unifer doctor" in notification.body
    assert window.open(lambda: child("print('live view closed: 1 frames')")) is Start.OPENED

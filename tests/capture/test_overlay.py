"""The region overlay's side of the pipe, with a stand-in for its Tk process: the screenshot goes
in on stdin (never a file), the chosen region comes back, a cancel is None, a failure says why."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from unifer_tray.capture import CaptureError, Region
from unifer_tray.capture.overlay import select_region

# Reads what the real overlay reads, checks it, and answers as it would.
STAND_IN = """
import json, sys
header = json.loads(sys.stdin.buffer.readline())
pixels = sys.stdin.buffer.read()
assert len(pixels) == header["width"] * header["height"] * 3, len(pixels)
answer = sys.argv[1]
if answer == "fail":
    sys.exit("_tkinter.TclError: no display name and no $DISPLAY environment variable")
print(answer if answer == "null" else json.dumps({"left": header["left"] + 10, "top": header["top"] + 5,
      "width": 40, "height": 30}))
"""


@pytest.fixture
def overlay_answers(monkeypatch):
    def answer(reply: str) -> None:
        command = [sys.executable, "-c", STAND_IN, reply]
        monkeypatch.setattr("unifer_tray.helpers.helper_command", lambda module: command)

    return answer


def grab() -> tuple[np.ndarray, Region, list[Region]]:
    origin = Region(100, 50, 64, 48)
    return np.zeros((48, 64, 3), np.uint8), origin, [origin]


def test_the_chosen_region_comes_back_in_desktop_pixels(overlay_answers):
    overlay_answers("region")
    assert select_region(*grab()) == Region(110, 55, 40, 30)


def test_a_cancel_is_none(overlay_answers):
    overlay_answers("null")
    assert select_region(*grab()) is None


def test_an_overlay_that_cannot_open_says_why(overlay_answers):
    overlay_answers("fail")
    with pytest.raises(CaptureError, match=r"the region overlay could not open: .*no display name"):
        select_region(*grab())

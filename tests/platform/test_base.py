"""Each OS module answers every question of the protocol (mypy checks the types; this checks
that the answers exist and are sensible on this machine, whichever OS it pretends to be)."""

from __future__ import annotations

import pytest

from unifer_tray.platform import PERMISSION_PANES, OperatingSystem, linux, macos, windows


def protocol_members() -> set[str]:
    return {name for name in {*OperatingSystem.__annotations__, *vars(OperatingSystem)} if not name.startswith("_")}


@pytest.mark.parametrize("answers", [linux, macos, windows], ids=["linux", "macos", "windows"])
def test_every_os_answers_every_question(answers):
    assert protocol_members() - set(dir(answers)) == set()
    assert answers.__name__.rsplit(".", 1)[1] == answers.NAME
    assert answers.REGION_HOTKEY.endswith("+e") and answers.WEBCAM_HOTKEY.endswith("+w")
    assert answers.SCREEN_CAPTURE_FIX and answers.NO_NOTIFICATION_BACKEND


def test_only_macos_asks_for_permissions():
    assert {linux.allows(p) for p in PERMISSION_PANES} == {None}
    assert {windows.allows(p) for p in PERMISSION_PANES} == {None}

"""Hotkey settings: pynput's grammar checked where pynput cannot load, "off", and why hotkeys
cannot work in a session."""

from __future__ import annotations

from unifer_tray.hotkeys import WAYLAND_HINT, Hotkeys, hotkey_problem, is_off


def test_the_grammar_is_checked_and_a_fix_suggested():
    assert hotkey_problem("<ctrl>+<alt>+e") is None
    problem = hotkey_problem("ctrl+alt+e")
    assert problem is not None and "'<ctrl>+<alt>+e'" in problem


def test_off_means_no_hotkey():
    assert is_off("off") and is_off(" None ") and is_off("") and not is_off("<ctrl>+<alt>+w")
    assert hotkey_problem("off") is None


def test_a_session_without_global_hotkeys_is_said(monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert Hotkeys().is_available() == (False, WAYLAND_HINT)

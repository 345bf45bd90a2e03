"""Notification texts rendered from an analysis of a real photo."""

from __future__ import annotations

from unifer_tray.report.text import notification_body, notification_title


def test_notification_texts(group):
    analysis, _ = group
    assert notification_title(analysis) == "Happiness 100% · 5 faces"
    assert notification_body(analysis) == "5 faces: clear happiness"  # grouped, not five times over


def test_a_missing_description_is_said_in_the_notification(group):
    from dataclasses import replace

    from unifer_tray.result import Description

    analysis, _ = group
    reason = "Ollama is not reachable at http://127.0.0.1:11434: start it (`ollama serve`) or install it"
    description = Description("5 faces: clear happiness", None, None, "fallback", reason, 3.0)
    fell_back = replace(analysis, description=description)
    assert notification_body(fell_back) == "5 faces: clear happiness\n(no description: Ollama is not reachable)"


def test_mixed_readings_are_grouped():
    from unifer_tray.result import Analysis, fallback_summary

    def face(expression, confidence):
        return type("F", (), {"expression": expression, "confidence": confidence})()

    mixed = Analysis("x", 10, 10, faces=[face("happiness", 0.9), face("surprise", 0.41), face("happiness", 0.95)])
    assert fallback_summary(mixed) == "3 faces: clear happiness ×2; mild surprise (41%)"  # noqa: RUF001

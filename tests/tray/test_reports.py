"""The tray's reports: opened through a private page, or where it is said when no browser opens."""

from __future__ import annotations

from tray_fakes import (
    FakePipeline,
    make_app,
    wait_for,
)

from unifer_tray.tray.actions import Action


def test_without_a_browser_the_report_address_is_given(apps, monkeypatch):
    import webbrowser

    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser looks for browsers again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    app = make_app(FakePipeline())
    apps.append(app)
    app.trigger(Action.SCREEN)
    wait_for(lambda: app.reporting.last is not None, "the report")
    app.reporting.open_last()
    told = app.notifications.sent[-1]
    assert told.title == "No web browser found" and "/unifer-tray/report-1.html" in told.body

"""The History menu: the dashboard is bound to the history it was decrypted from."""

from __future__ import annotations

from tray_fakes import (
    FakeHistory,
    FakePipeline,
    make_app,
)


def test_the_history_dashboard_leaves_memory_when_history_stops(apps, monkeypatch):
    """Stopping (and deleting) history drops the decrypted page at once; a history turned on
    again before the browser asks never brings the old page back."""
    from unifer_tray.report.server import ReportServer
    from unifer_tray.tray import dialogs

    monkeypatch.setattr(dialogs, "ask_yes_no", lambda title, text: True)  # "Delete everything?" yes
    monkeypatch.setattr("unifer_tray.tray.reports.open_in_browser", lambda page: True)
    history = FakeHistory(enabled=True)
    history.records = lambda: []

    def disable(delete: bool) -> None:
        history.enabled, history.consent_stamp = False, None

    history.disable = disable
    app = make_app(FakePipeline(), history=history, reports=ReportServer())
    apps.append(app)
    app.history_actions.open_dashboard()
    (dashboard,) = app.reports._reports  # the page, decrypted, held in memory
    app.history_actions.stop()
    assert dashboard not in app.reports._reports  # dropped at once, not at the next request
    history.enabled, history.consent_stamp = True, "2000.0"  # turned on again, a new history
    assert app.reports.html(dashboard) is None and app.reports.launcher(dashboard) is None
    app.reports.close()


def test_a_dashboard_is_not_served_into_a_new_history(apps, monkeypatch):
    from unifer_tray.report.server import ReportServer

    monkeypatch.setattr("unifer_tray.tray.reports.open_in_browser", lambda page: True)
    history = FakeHistory(enabled=True)
    history.records = lambda: []
    app = make_app(FakePipeline(), history=history, reports=ReportServer())
    apps.append(app)
    app.history_actions.open_dashboard()
    (dashboard,) = app.reports._reports
    history.consent_stamp = "2000.0"  # deleted and turned on again by `unifer history` meanwhile
    assert app.reports.html(dashboard) is None
    app.reports.close()

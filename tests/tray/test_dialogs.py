"""The dialog helper process: what it shows never goes on its command line."""

from __future__ import annotations

import json
import sys

from unifer_tray.tray import dialogs

# Stands in for the Tk process: answers with what it was given, as arguments and on stdin.
ECHO = "import json, sys; print(json.dumps({'argv': sys.argv[1:], 'stdin': sys.stdin.read()}))"


def test_the_reading_and_consent_texts_reach_the_dialog_on_stdin_only(monkeypatch):
    monkeypatch.setattr("unifer_tray.helpers.helper_command", lambda module: [sys.executable, "-c", ECHO])
    seen = json.loads(dialogs._ask("label", "Not right?", "happiness 87%"))
    assert seen["argv"] == []
    assert json.loads(seen["stdin"]) == ["label", "Not right?", "happiness 87%"]
    consent = "UniFER will keep a history of your analyses on this computer."
    seen = json.loads(dialogs._ask("yes-no", "Keep history?", consent))
    assert seen["argv"] == [] and consent in seen["stdin"]

"""dunst's context menu program in the test desktop (its `dmenu` setting): it answers with the
first action whose line holds the label in the file named by argv[1], as a user picking a
notification's button would. Desktop.press_notification_button writes that file."""

import sys
from pathlib import Path

wanted = Path(sys.argv[1]).read_text(encoding="utf-8").strip()
for line in sys.stdin.read().splitlines():
    if line.startswith("#") and wanted in line:
        print(line)
        break

#!/usr/bin/env bash
# macOS: builds UniFER.app (menu bar only: LSUIElement) and a DMG. Run on a Mac with Python 3.10+.
# Not built in CI (no macOS machine there); keep it in step with unifer.spec.
#
# Permissions the app needs, which macOS asks the user for on first use:
# - Screen Recording (System Settings > Privacy & Security) for screen and region capture;
# - Accessibility, for the global hotkeys (without it the menu-bar icon still works, and the app
#   says so once);
# - Camera, only when a webcam snapshot is taken (NSCameraUsageDescription explains why).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .buildenv
.buildenv/bin/pip install -q ".[tray]" "pyinstaller>=6.10"
(cd packaging && ../.buildenv/bin/pyinstaller --noconfirm --clean --distpath ../dist --workpath ../build/pyinstaller unifer.spec)
dist/UniFER.app/Contents/MacOS/unifer analyze --sample
hdiutil create -volname UniFER -srcfolder dist/UniFER.app -ov -format UDZO dist/UniFER.dmg
echo "dist/UniFER.dmg: drag UniFER to Applications"

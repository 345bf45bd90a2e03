#!/usr/bin/env bash
# macOS: builds UniFER.app (menu bar only: LSUIElement) and a DMG. Run on a Mac with Python 3.10+.
# Not built in CI (no macOS machine there); keep it in step with unifer.spec.
#
# Permissions the app needs, which macOS asks the user for on first use:
# - Screen Recording (System Settings > Privacy & Security) for screen and region capture;
# - Accessibility, for the global hotkeys (without it the menu-bar icon still works, and the app
#   says so once);
# - Camera, only when a webcam snapshot is taken (NSCameraUsageDescription explains why).
#
# One app per architecture (CI builds arm64 on macos-14 and x86_64 on macos-15-intel); both need
# macOS 11 or newer (LSMinimumSystemVersion), the oldest onnxruntime and OpenCV wheels support.
#
# Signing: macOS ties privacy permissions (Screen Recording, Input Monitoring, Camera) to the
# app's signature, so an ad-hoc-signed rebuild makes users grant them again, and Gatekeeper
# blocks unsigned downloads. Set UNIFER_SIGN_IDENTITY ("Developer ID Application: ...") to sign
# with the hardened runtime and the camera entitlement, and UNIFER_NOTARY_PROFILE (a
# `xcrun notarytool store-credentials` profile) to notarise and staple the DMG.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
  echo "build-dmg.sh: $PYTHON is $("$PYTHON" --version 2>&1); UniFER needs Python 3.10 or newer (set PYTHON=...)" >&2
  exit 1
}
"$PYTHON" -m venv .buildenv
.buildenv/bin/pip install -q ".[tray]" "pyinstaller>=6.10"
(cd packaging && ../.buildenv/bin/pyinstaller --noconfirm --clean --distpath ../dist --workpath ../build/pyinstaller unifer.spec)
dist/UniFER.app/Contents/MacOS/unifer analyze --sample
if [ -n "${UNIFER_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$UNIFER_SIGN_IDENTITY" dist/UniFER.app
fi
staging=$(mktemp -d)
cp -R dist/UniFER.app "$staging/"
ln -s /Applications "$staging/Applications"  # drag-to-install
hdiutil create -volname UniFER -srcfolder "$staging" -ov -format UDZO dist/UniFER.dmg
rm -rf "$staging"
if [ -n "${UNIFER_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit dist/UniFER.dmg --keychain-profile "$UNIFER_NOTARY_PROFILE" --wait
  xcrun stapler staple dist/UniFER.dmg
fi
echo "dist/UniFER.dmg: drag UniFER to Applications"

#!/usr/bin/env bash
# Builds the Linux one-folder bundle (dist/unifer/) and a tarball, from a clean, non-editable
# install in its own venv, then runs the frozen binary on the sample image and `doctor`, so a
# missing model or hidden import fails the build. Needs the system packages of
# scripts/install-desktop-test-deps.sh (PyGObject builds against them).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .buildenv
.buildenv/bin/pip install -q ".[tray]" "pyinstaller>=6.10"
(cd packaging && ../.buildenv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath ../dist --workpath ../build/pyinstaller unifer.spec)
cp packaging/linux/unifer-tray.desktop dist/unifer/
size=$(du -sm dist/unifer | cut -f1)
echo "bundle: dist/unifer, ${size} MB unpacked"
dist/unifer/unifer analyze --sample
dist/unifer/unifer doctor || true   # warnings (no display here) are expected; models must be ok
dist/unifer/unifer doctor --json | python3 -c "import json,sys; c={x['name']:x for x in json.load(sys.stdin)}; sys.exit(c['models']['status']!='ok' or c['config']['status']!='ok')"
tar -C dist -czf dist/unifer-linux-x86_64.tar.gz unifer
echo "tarball: dist/unifer-linux-x86_64.tar.gz ($(du -sm dist/unifer-linux-x86_64.tar.gz | cut -f1) MB)"
# The target is 250 MB unpacked; today's bundle is over it (see packaging/README.md), so the
# size is reported, not enforced.
[ "$size" -le 250 ] || echo "warning: bundle is ${size} MB, over the 250 MB target" >&2

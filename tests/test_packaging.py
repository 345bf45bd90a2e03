"""What the installers promise, read from their build files (they cannot be built here)."""

from __future__ import annotations

import ast
import plistlib
from pathlib import Path

PACKAGING = Path(__file__).parents[1] / "packaging"


def spec_calls(name: str) -> list[ast.Call]:
    tree = ast.parse((PACKAGING / "unifer.spec").read_text())
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


def keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def test_windows_gets_a_console_cli_and_a_windowed_tray():
    exes = {ast.literal_eval(keywords(c)["name"]): keywords(c)["console"] for c in spec_calls("EXE")}
    assert set(exes) == {"unifer", "UniFER"}
    assert ast.unparse(exes["unifer"]) == "sys.platform != 'darwin'"  # a console on Windows and Linux
    assert ast.literal_eval(exes["UniFER"]) is False


def test_the_macos_app_is_windowed_hidpi_and_states_its_floor():
    [bundle] = spec_calls("BUNDLE")
    plist = ast.literal_eval(keywords(bundle)["info_plist"])
    assert plist["LSBackgroundOnly"] is False and plist["NSHighResolutionCapable"] is True
    assert plist["LSMinimumSystemVersion"] == "11.0" and plist["LSUIElement"] is True
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.camera"] is True


def test_the_windows_installer_waits_for_the_tray_and_asks_only_when_someone_is_there():
    from unifer_tray.tray.instance import MUTEX_NAME

    script = (PACKAGING / "windows" / "unifer.iss").read_text()
    assert f"AppMutex={MUTEX_NAME}" in script
    assert "not UninstallSilent" in script
    assert 'Filename: "{app}\\UniFER.exe"' in script  # shortcuts start the windowed tray


def test_the_file_manager_offers_unifer_for_the_photos_and_videos_it_reads():
    import configparser
    import mimetypes

    from unifer_tray.formats import IMAGE_SUFFIXES, VIDEO_SUFFIXES

    entry = configparser.ConfigParser(interpolation=None)
    entry.read(PACKAGING / "linux" / "unifer-tray.desktop")
    declared = set(entry["Desktop Entry"]["MimeType"].strip(";").split(";"))
    assert entry["Desktop Entry"]["Exec"] == "unifer --open %F"
    readable = {mimetypes.guess_type(f"x{suffix}")[0] for suffix in IMAGE_SUFFIXES | VIDEO_SUFFIXES}
    common = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff", "video/mp4", "video/webm"}
    assert common <= declared and declared <= readable | {"video/x-matroska"}  # nothing it cannot read
    installer = (PACKAGING / "windows" / "unifer.iss").read_text()
    assert '--open ""%1""' in installer
    for suffix in (".jpg", ".png", ".webp", ".mp4"):
        assert f"Classes\\{suffix}\\OpenWithList\\UniFER.exe" in installer

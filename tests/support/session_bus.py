"""A private D-Bus session config, and an unlocked GNOME Keyring (a real Secret Service) on it."""

from __future__ import annotations

import subprocess
import time

DBUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def name_owned(name: str, env: dict) -> bool:
    result = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{name}",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    return "boolean true" in result.stdout


def start_gnome_keyring(env: dict, timeout: float = 15.0) -> subprocess.Popen:
    """Started by us and unlocked (an auto-activated one would be locked: 'Prompt dismissed')."""
    keyring = subprocess.Popen(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    keyring.stdin.write(b"test-password")
    keyring.stdin.close()
    deadline = time.monotonic() + timeout
    while not name_owned("org.freedesktop.secrets", env):
        if time.monotonic() > deadline:
            keyring.kill()
            raise RuntimeError("gnome-keyring did not start")
        time.sleep(0.05)
    return keyring

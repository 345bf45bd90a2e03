"""Re-create the README's screenshots on a headless desktop (Xvfb, dunst, trayer).

usage: python docs/screenshots/make_screenshots.py [teach|geometry|photo]   (needs scripts/install-desktop-test-deps.sh;
the report shot also needs Debian's `chromium`; `teach` makes only the teach session's shot,
`geometry` only the face-geometry pictures, which need no desktop)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mss
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from desktop import Desktop  # noqa: E402

BIN = Path(sys.executable).parent
PHOTO = ROOT / "tests" / "data" / "multi_face.jpg"


def shot(env: dict, name: str, box: tuple[int, int, int, int]) -> None:
    import os

    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = env["DISPLAY"]
    with mss.mss() as grabber:
        raw = grabber.grab({"left": box[0], "top": box[1], "width": box[2], "height": box[3]})
    if previous:
        os.environ["DISPLAY"] = previous
    Image.frombytes("RGB", raw.size, raw.rgb).save(OUT / f"{name}.png", optimize=True)
    print("wrote", OUT / f"{name}.png")


def wait_for(desktop: Desktop, name: str) -> None:
    while desktop.xdotool("search", "--name", name).returncode != 0:
        time.sleep(0.05)


def main() -> None:
    with Desktop(1280, 800) as desktop, tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.png"
        Image.open(PHOTO).resize((800, 534)).save(photo)
        config = Path(tmp) / "config.toml"
        config.write_text("[tray]\ndescribe = false\n")
        env = {**desktop.env, "UNIFER_CONFIG": str(config)}
        window = subprocess.Popen(
            [
                sys.executable,
                "-c",
                (
                    "import tkinter; root = tkinter.Tk(); root.title('photo'); root.overrideredirect(True);"
                    f"root.geometry('+240+140'); image = tkinter.PhotoImage(file={str(photo)!r});"
                    "tkinter.Label(root, image=image, borderwidth=0).pack(); root.mainloop()"
                ),
            ],
            env=env,
        )
        wait_for(desktop, "^photo$")
        tray = subprocess.Popen([str(BIN / "unifer-tray")], env=env)
        while (
            subprocess.run(
                [str(BIN / "unifer-tray"), "--trigger", "ping"], env=env, capture_output=True, text=True
            ).stdout.strip()
            != "pong"
        ):
            time.sleep(0.05)
        time.sleep(1.5)
        desktop.xdotool("mousemove", "1263", "16", "click", "3")
        time.sleep(1)
        shot(env, "tray-menu", (880, 0, 400, 330))
        desktop.xdotool("key", "Escape")
        desktop.clear_notifications()
        time.sleep(0.5)
        desktop.xdotool("key", "ctrl+alt+e")
        wait_for(desktop, "select a region$")
        time.sleep(0.5)
        desktop.xdotool(
            "mousemove", "300", "250", "mousedown", "1", "mousemove", "700", "500", "mousemove", "980", "560"
        )
        time.sleep(0.5)
        shot(env, "overlay", (0, 0, 1280, 800))
        desktop.xdotool("mouseup", "1")
        time.sleep(2.5)
        shot(env, "notification", (820, 0, 460, 300))
        subprocess.run([str(BIN / "unifer-tray"), "--trigger", "quit"], env=env, capture_output=True)
        tray.wait(15)
        window.terminate()

        from unifer_tray.pipeline import Pipeline
        from unifer_tray.report.html import render

        pipeline = Pipeline()
        analysis, rgb = pipeline.run(PHOTO, source="multi_face.jpg")
        page = Path(tmp) / "report.html"
        page.write_text(render(analysis, rgb, [i.version for i in pipeline.analyzer.models], "2026-11-25 20:00"))
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={tmp}/chrome",
                "--window-size=1000,1400",
                f"--screenshot={OUT / 'report.png'}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
        )
        print("wrote", OUT / "report.png")


def window_box(desktop: Desktop, name: str) -> tuple[int, int, int, int]:
    found = desktop.xdotool("search", "--name", name).stdout.split()[0]
    geometry = desktop.xdotool("getwindowgeometry", "--shell", found).stdout
    values = dict(line.split("=") for line in geometry.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def teach() -> None:
    """The teach session, a video file as the camera, after one picture was taken."""
    with Desktop(1280, 800) as desktop, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(f'[camera]\nsource = "{ROOT / "tests" / "data" / "single_face.mp4"}"\n')
        env = {**desktop.env, "UNIFER_CONFIG": str(config)}
        session = subprocess.Popen([sys.executable, "-m", "unifer_tray.teach.window", "me"], env=env)
        wait_for(desktop, "teach my expressions$")
        time.sleep(2)
        desktop.xdotool("search", "--name", "teach my expressions$", "windowfocus", "--sync", "key", "space")
        time.sleep(4.5)  # the countdown, then the general reading of the frame taken
        shot(env, "teach", window_box(desktop, "teach my expressions$"))
        desktop.xdotool("key", "Escape")
        session.wait(15)


def geometry() -> None:
    """The mesh drawn by `--landmarks --annotate`, and a timeline with `--geometry`."""
    with tempfile.TemporaryDirectory() as tmp:
        unifer = [str(BIN / "unifer"), "analyze"]
        subprocess.run([*unifer, str(PHOTO), "--landmarks", "--annotate", tmp], check=True, capture_output=True)
        Image.open(Path(tmp) / f"{PHOTO.stem}.png").convert("RGB").crop((180, 40, 820, 480)).save(
            OUT / "mesh.jpg", quality=85
        )
        clip = ROOT / "tests" / "data" / "single_face.mp4"
        timeline = Path(tmp) / "timeline.png"
        subprocess.run([*unifer, str(clip), "--fps", "0", "--geometry", "--timeline", str(timeline)], check=True)
        Image.open(timeline).convert("RGB").save(OUT / "timeline-geometry.png", optimize=True)
    print("wrote", OUT / "mesh.jpg", OUT / "timeline-geometry.png")


def photo() -> None:
    """The photo window with the group photo and one more opened (`unifer-tray --open`, no tray)."""
    with Desktop(1400, 860) as desktop, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text("[tray]\ndescribe = false\n")
        env = {**desktop.env, "UNIFER_CONFIG": str(config)}
        second = ROOT / "tests" / "data" / "0-f1-su-ph.jpg"
        window = subprocess.Popen([str(BIN / "unifer-tray"), "--open", str(PHOTO), str(second)], env=env)
        wait_for(desktop, "^UniFER .* photo$")
        time.sleep(6)  # both read; the first one shown
        found = desktop.xdotool("search", "--name", "^UniFER .* photo$").stdout.split()[0]
        desktop.xdotool("windowfocus", "--sync", found, "key", "Up")
        time.sleep(1)
        shot(env, "photo-window", window_box(desktop, "^UniFER .* photo$"))
        desktop.xdotool("windowfocus", "--sync", found, "key", "Escape")
        window.wait(15)


if __name__ == "__main__":
    {"teach": teach, "geometry": geometry, "photo": photo}.get(sys.argv[1] if sys.argv[1:] else "", main)()

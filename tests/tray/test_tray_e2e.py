"""The tray for real: Xvfb, a private D-Bus session, dunst and trayer, xdotool as the user.

Skipped on a machine without these tools, except in CI (CI=true or UNIFER_REQUIRE_DESKTOP=1),
where their absence is a failure: .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import Desktop, missing_tools
from notify_watch import NotifyWatch
from ollama_stub import Behaviour, OllamaStub
from required import unavailable

pytestmark = pytest.mark.desktop

BIN = Path(sys.executable).parent
DATA = Path(__file__).parents[1] / "data"
FACE_AT = (100, 120)  # where the face photo's window is placed
FACE_BOX = (184, 193, 199, 199)  # the face inside single_face.jpg (x, y, w, h)
PHOTO_WINDOW = "^UniFER .* photo$"  # xdotool matches WM_NAME, where the em dash is not UTF-8


@pytest.fixture(scope="module")
def desktop():
    missing = missing_tools()
    if missing:
        unavailable(f"desktop e2e tools missing: {', '.join(missing)} (run .ci/run or install them)")
    with Desktop() as running:
        yield running


@pytest.fixture(scope="module")
def face_window(desktop):
    """single_face.jpg shown in a window at FACE_AT, as a user would have it on screen."""
    script = (
        "import sys, tkinter\n"
        "root = tkinter.Tk(); root.title('face photo'); root.overrideredirect(True)\n"
        f"root.geometry('+{FACE_AT[0]}+{FACE_AT[1]}')\n"
        f"image = tkinter.PhotoImage(file={str(DATA / 'single_face.png')!r})\n"
        "tkinter.Label(root, image=image, borderwidth=0).pack(); root.mainloop()\n"
    )
    from PIL import Image

    Image.open(DATA / "single_face.jpg").save(DATA / "single_face.png")
    window = subprocess.Popen([sys.executable, "-c", script], env=desktop.env)
    deadline = time.monotonic() + 10
    while desktop.xdotool("search", "--name", "^face photo$").returncode != 0:
        assert time.monotonic() < deadline, "the face window did not appear"
        time.sleep(0.1)
    yield window
    window.terminate()
    window.wait(5)
    (DATA / "single_face.png").unlink(missing_ok=True)


class Tray:
    def __init__(
        self,
        desktop: Desktop,
        config: str,
        extra_env: dict | None = None,
        command: list[str] | None = None,
        cwd: Path | None = None,
    ):
        self.command = command or [str(BIN / "unifer-tray")]
        self.config = Path(desktop.root) / "config" / "unifer-test.toml"
        self.config.write_text(config)
        self.env = {**desktop.env, "UNIFER_CONFIG": str(self.config), **(extra_env or {})}
        self.desktop = desktop
        self.process = subprocess.Popen(
            [*self.command, "--verbose"],
            env=self.env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        while self.trigger("ping").stdout.strip() != "pong":
            assert self.process.poll() is None, self.process.stdout.read()
            assert time.monotonic() < deadline, "the tray did not become ready"
            time.sleep(0.1)

    def trigger(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.command, "--trigger", action], env=self.env, capture_output=True, text=True, timeout=30
        )

    def wait_notification(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for item in self.desktop.notifications():
                if predicate(item):
                    return item
            time.sleep(0.2)
        raise AssertionError(f"no matching notification; saw {self.desktop.notifications()}")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.trigger("quit")
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
            raise AssertionError("the tray did not quit") from None
        return output


@pytest.fixture
def tray(desktop, face_window):
    desktop.clear_notifications()
    started: list[Tray] = []

    def start(
        config: str = "[tray]\ndescribe = false\n", command: list[str] | None = None, cwd: Path | None = None, **env
    ) -> Tray:
        started.append(Tray(desktop, config, env, command, cwd))
        return started[-1]

    yield start
    for running in started:
        output = running.stop()
        # GTK's and GLib's complaints (Gdk-CRITICAL at start-up) would reach the user's journal
        assert "-CRITICAL" not in output and "Traceback" not in output, output


def wait_for_window(desktop: Desktop, name: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        found = desktop.xdotool("search", "--name", name).stdout.split()
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no window named {name!r}"
        time.sleep(0.1)


def save_in_dialog(desktop: Desktop, title: str, *expected: Path, attempts: int = 3) -> None:
    """Type `expected[0]` into Tk's save dialog until every expected file exists. Keys typed before
    Tk has given the dialog's entry its focus are lost (the save then never happens: one CI run
    in three on 2026-12-05), so a dialog still open after 10 s has its entry cleared (Ctrl+A, Ctrl+K:
    Tk's entry bindings) and the path typed again."""
    for _ in range(attempts):
        dialog = wait_for_window(desktop, title)
        desktop.xdotool("windowfocus", "--sync", dialog, "key", "ctrl+a", "ctrl+k")
        desktop.xdotool("type", "--delay", "5", str(expected[0]))
        desktop.xdotool("key", "Return")
        deadline = time.monotonic() + 10  # Tk's file dialog and the save take a while on a loaded machine
        while time.monotonic() < deadline:
            if all(path.exists() for path in expected):
                return
            time.sleep(0.1)
    raise AssertionError(f"{expected[0].name} was not saved through the dialog {title!r}")


def close_live_view(desktop: Desktop, window: str) -> None:
    desktop.xdotool("windowfocus", "--sync", window, "key", "Escape")
    deadline = time.monotonic() + 10
    while desktop.xdotool("search", "--name", "^UniFER .* live$").returncode == 0:
        assert time.monotonic() < deadline, "Esc did not close the live view"
        time.sleep(0.1)


def is_result(item: dict) -> bool:
    return item["appname"] == "UniFER" and "·" in item["summary"]


def test_hotkey_region_overlay_notification(desktop, tray):
    app = tray()
    desktop.xdotool("key", "ctrl+alt+e")
    wait_for_window(desktop, "select a region$", 15)
    x0, y0 = FACE_AT[0] + FACE_BOX[0] - 60, FACE_AT[1] + FACE_BOX[1] - 60
    x1, y1 = x0 + FACE_BOX[2] + 120, y0 + FACE_BOX[3] + 120
    desktop.xdotool(
        "mousemove",
        str(x0),
        str(y0),
        "mousedown",
        "1",
        "mousemove",
        str(x0 + 40),
        str(y0 + 40),
        "mousemove",
        str(x1),
        str(y1),
        "mouseup",
        "1",
    )
    item = app.wait_notification(is_result)
    assert item["summary"].startswith("Happiness") and "1 face" in item["summary"]
    assert "clear happiness" in item["body"]


def test_the_overlay_works_by_keyboard_alone(desktop, tray):
    """Arrows show and move a selection, Shift+arrows resize it, Enter analyses: no mouse."""
    app = tray()
    desktop.xdotool("key", "ctrl+alt+e")
    wait_for_window(desktop, "select a region$", 15)
    time.sleep(0.3)  # the overlay takes the focus
    # a 300 px square in the middle of the 1280x800 screen, then 12 steps of 20 px to the left:
    # it lands around the face photo's face; Shift+Right widens it by one step
    desktop.xdotool("key", "Right", *["Left"] * 12, "shift+Right", "Return")
    item = app.wait_notification(is_result)
    assert item["summary"].startswith("Happiness") and "1 face" in item["summary"]


def test_overlay_escape_cancels(desktop, tray):
    app = tray()
    desktop.xdotool("key", "ctrl+alt+e")
    wait_for_window(desktop, "select a region$", 15)
    assert app.trigger("region").stdout.strip() == "overlay already open"  # no stacked overlays
    desktop.xdotool("key", "Escape")
    time.sleep(1.5)
    assert desktop.xdotool("search", "--name", "select a region$").returncode != 0
    assert not [n for n in desktop.notifications() if is_result(n)]


def test_full_screen_from_a_second_process(tray):
    app = tray()
    assert app.trigger("screen").stdout.strip() == "queued"
    item = app.wait_notification(is_result)
    assert item["summary"].startswith("Happiness")


def test_webcam_from_a_video_file(tray):
    """The real capture code (OpenCV's backend, the default) reading a clip instead of a camera device."""
    app = tray(UNIFER_CAMERA_SOURCE=str(DATA / "single_face.mp4"))
    app.trigger("webcam")
    assert app.wait_notification(is_result)["summary"].endswith("· 1 face")


def test_webcam_through_gstreamer(tray, mjpeg_clip):
    """The Linux bundle's camera backend (it ships GStreamer instead of OpenCV) in the running tray."""
    app = tray('[tray]\ndescribe = false\n[camera]\nbackend = "gstreamer"\n', UNIFER_CAMERA_SOURCE=str(mjpeg_clip))
    app.trigger("webcam")
    assert app.wait_notification(is_result)["summary"].endswith("· 1 face")


def test_live_view_opens_from_a_folder_holding_a_source_tree(desktop, tray, mjpeg_clip, tmp_path):
    """Where the README's tray command runs: the repository root, with unifer_tray/ in it. The
    window must use the installed package, and the tray must say so if a window ever dies."""
    decoy = tmp_path / "checkout" / "unifer_tray"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise SystemExit('the source tree in the current folder was imported')\n")
    app = tray(cwd=decoy.parent, UNIFER_CAMERA_SOURCE=str(mjpeg_clip), XDG_STATE_HOME=str(tmp_path / "state"))
    assert app.trigger("live").stdout.strip() == "live view opened"
    window = wait_for_window(desktop, "^UniFER .* live$")
    time.sleep(1)  # frames without the mesh first
    desktop.xdotool("windowfocus", "--sync", window, "key", "m")  # the mesh and pose toggle
    time.sleep(2)
    close_live_view(desktop, window)
    output = app.stop()
    assert "live view closed:" in output and "source tree" not in output, output
    closed = next(line for line in output.splitlines() if "live view closed:" in line)
    analysed = int(closed.split("live view closed: ")[1].split()[0])
    meshed = int(closed.split("), ")[1].split()[0])
    assert 10 < meshed < analysed, closed  # M turned the mesh on part way through
    assert not [n for n in desktop.notifications() if "closed unexpectedly" in n["summary"]], desktop.notifications()


def test_live_view_shows_frames_saves_a_timeline_and_releases_the_camera(desktop, tray, mjpeg_clip, tmp_path):
    """The camera is a video file; the window opens, analyses frames, saves a timeline through
    its own file dialog, and on Esc closes and lets the camera go."""
    app = tray(UNIFER_CAMERA_SOURCE=str(mjpeg_clip))
    assert app.trigger("live").stdout.strip() == "live view opened"
    window = wait_for_window(desktop, "^UniFER .* live$")
    assert app.trigger("live").stdout.strip() == "live view already open"  # one at a time
    time.sleep(3)  # about 90 frames of the clip at a camera's pace
    desktop.xdotool("windowfocus", "--sync", window, "key", "ctrl+s")
    target = tmp_path / "timeline.csv"
    save_in_dialog(desktop, "^Save timeline$", target, target.with_suffix(".png"))
    rows = target.read_text().splitlines()
    assert rows[0].startswith("time_s,track,expression,neutral") and len(rows) > 20
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    close_live_view(desktop, window)
    output = app.stop()
    closed = [line for line in output.splitlines() if "live view closed:" in line]
    assert closed and "camera released" in closed[0]
    analysed = int(closed[0].split("live view closed: ")[1].split()[0])
    assert analysed > 40  # frames really went through the pipeline


def test_webcam_without_a_face(tray):
    app = tray(UNIFER_CAMERA_SOURCE=str(DATA / "no_face.mp4"))
    app.trigger("webcam")
    item = app.wait_notification(lambda n: n["summary"] == "No face found")
    assert "larger region" in item["body"]


def test_missing_camera_is_explained(tray):
    app = tray(UNIFER_CAMERA_SOURCE="7")
    app.trigger("webcam")
    item = app.wait_notification(lambda n: n["summary"] == "Capture failed")
    assert "no camera found at index 7" in item["body"]


def test_the_reading_at_once_then_the_description_in_the_same_notification(desktop, tray):
    watch = NotifyWatch(desktop.env)
    try:
        with OllamaStub(Behaviour(delay=3.0)) as stub:  # a slow local model
            app = tray(f'[ollama]\nhost = "{stub.url}"\n[tray]\ndescribe = true\n')
            asked = time.monotonic()
            app.trigger("screen")
            reading, described = watch.wait(asked, count=2, timeout=60)
    finally:
        watch.stop()
    assert reading.summary == described.summary == "Happiness 100% · 1 face"
    assert reading.body.startswith("1 face: clear happiness") and "smiling face" not in reading.body
    assert described.at - reading.at > 2.5  # the reading did not wait for the model
    assert described.replaces_id == reading.id and described.id == reading.id  # updated in place
    assert "smiling face" in described.body


def analysis_processes(app: Tray) -> list:
    import psutil

    return [
        child
        for child in psutil.Process(app.process.pid).children()
        if "unifer_tray.tray.analyst" in " ".join(child.cmdline())
    ]


def test_the_tray_stays_light_and_the_models_leave_after_keep_models(desktop, tray):
    app = tray('[tray]\ndescribe = false\nkeep_models = "2s"\n')
    assert analysis_processes(app) == []  # nothing is started before the first capture
    app.trigger("screen")
    app.wait_notification(is_result)
    [analyst] = analysis_processes(app)
    libraries = Path(f"/proc/{analyst.pid}/maps").read_text()
    assert "onnxruntime" in libraries and "_multiarray_umath" in libraries  # the models live there...
    tray_libraries = Path(f"/proc/{app.process.pid}/maps").read_text()
    assert "onnxruntime" not in tray_libraries and "_multiarray_umath" not in tray_libraries  # ...not in the tray
    analyst.wait(10)  # keep_models has passed
    assert analysis_processes(app) == []
    desktop.clear_notifications()
    app.trigger("screen")  # and the next capture starts it again
    app.wait_notification(is_result)


def test_an_analysis_that_dies_is_said_and_the_next_capture_works(desktop, tray):
    with OllamaStub(Behaviour(delay=30.0)) as stub:
        app = tray(f'[ollama]\nhost = "{stub.url}"\n[tray]\ndescribe = true\n')
        app.trigger("screen")
        app.wait_notification(is_result)  # the reading; the description is still being made
        [analyst] = analysis_processes(app)
        analyst.kill()  # as the out-of-memory killer would
        item = app.wait_notification(lambda n: n["summary"] == "The analysis stopped unexpectedly")
        assert "SIGKILL" in item["body"] and "next capture starts it again" in item["body"]
    desktop.clear_notifications()
    app.trigger("screen")  # Ollama is gone now: the classifier's reading still comes
    item = app.wait_notification(is_result)
    assert item["body"].startswith("1 face: clear happiness")
    assert app.trigger("ping").stdout.strip() == "pong"


def test_ollama_down_gives_classifier_only(tray):
    app = tray('[ollama]\nhost = "127.0.0.1:9"\ntimeout = 3\n[tray]\ndescribe = true\n')
    app.trigger("screen")
    item = app.wait_notification(is_result)
    assert item["body"].startswith("1 face: clear happiness")


def click_tray_icon(desktop: Desktop, button: str = "3") -> None:
    """Click the icon that trayer embedded (the unifer-tray window inside the panel)."""
    for window in desktop.xdotool("search", "--classname", "^unifer-tray$").stdout.split():
        geometry = desktop.xdotool("getwindowgeometry", "--shell", window).stdout
        values = dict(line.split("=") for line in geometry.split())
        if int(values["WIDTH"]) > 16:  # the embedded icon, not GTK's 10x10 helper window
            x, y = int(values["X"]) + int(values["WIDTH"]) // 2, int(values["Y"]) + int(values["HEIGHT"]) // 2
            desktop.xdotool("mousemove", str(x), str(y), "click", button)
            time.sleep(0.8)
            return
    raise AssertionError("the tray icon is not embedded in trayer")


def open_tray_menu(desktop: Desktop) -> None:
    click_tray_icon(desktop, "3")


def test_a_left_click_on_the_icon_analyses_a_region(desktop, tray):
    """The default action, where the tray has one (an XEmbed tray: the GTK backend)."""
    app = tray()
    click_tray_icon(desktop, "1")
    wait_for_window(desktop, "select a region$", 15)  # what a left click opens
    desktop.xdotool("key", "Escape")
    assert app.trigger("ping").stdout.strip() == "pong"


def test_menu_full_screen(desktop, tray):
    app = tray()
    open_tray_menu(desktop)
    desktop.xdotool("key", "Down", "Down", "Down", "Return")  # the third item: Analyze full screen
    assert app.wait_notification(is_result)["summary"].startswith("Happiness")


def test_menu_quit_exits_cleanly(desktop, tray):
    app = tray()
    open_tray_menu(desktop)
    desktop.xdotool("key", "Up", "Return")  # the last item: Quit
    assert app.process.wait(15) == 0
    assert app.trigger("ping").returncode == 1


def test_a_second_launch_opens_the_window_and_quit_ends_both(desktop, tray):
    app = tray()
    second = subprocess.run([str(BIN / "unifer-tray")], env=app.env, capture_output=True, text=True, timeout=30)
    assert second.returncode == 0 and "already running: its window opens" in second.stdout
    wait_for_window(desktop, PHOTO_WINDOW)  # what the desktop's launcher gives when UniFER already runs
    output = app.stop()
    deadline = time.monotonic() + 5
    while desktop.xdotool("search", "--name", PHOTO_WINDOW).returncode == 0:  # closed with the tray
        assert time.monotonic() < deadline, "the photo window outlived the tray"
        time.sleep(0.1)
    assert app.process.returncode == 0
    assert "ready" in output
    assert app.trigger("screen").returncode == 1  # nothing answers any more


def test_without_a_tray_host_the_user_is_told(face_window):
    with Desktop(tray_host=False) as bare:
        app = Tray(bare, "[tray]\ndescribe = false\n")
        try:
            item = app.wait_notification(lambda n: n["summary"] == "No system tray")
            assert "hotkey still works" in item["body"]
            app.trigger("screen")  # and the tray still works through the hotkey or --trigger
            assert app.wait_notification(lambda n: n["summary"] == "No face found")  # a bare desktop
        finally:
            app.stop()


def test_no_notification_server_uses_the_fallback(desktop, tray):
    desktop.stop_notification_server()
    try:
        app = tray()
        app.trigger("screen")
        time.sleep(3)  # the analysis takes a fraction of that
        output = app.stop()
        assert "freedesktop: no notification server is running" in output
        assert "notifications via tray" in output
        assert "notification shown on the tray icon (fallback)" in output
        assert "Happiness" not in output  # results never reach the log (the journal under autostart)
    finally:
        desktop.start_notification_server()


@pytest.fixture
def history_on(desktop):
    """History consented to through the CLI for this test, deleted again after it."""
    unifer = [str(BIN / "unifer")]
    cli_env = {**desktop.env, "UNIFER_CONFIG": str(Path(desktop.root) / "config" / "unifer-test.toml")}
    assert subprocess.run([*unifer, "history", "enable", "--yes"], env=cli_env, capture_output=True).returncode == 0
    yield unifer
    subprocess.run([*unifer, "history", "disable", "--delete"], env=cli_env, capture_output=True)


def test_history_records_when_consented(desktop, tray, history_on):
    unifer = history_on
    app = tray()
    app.trigger("screen")
    app.wait_notification(is_result)
    listing = subprocess.run([*unifer, "history", "list"], env=app.env, capture_output=True, text=True)
    assert "screen" in listing.stdout and "happiness" in listing.stdout
    # the key disappears behind the tray's back: a clear message, and the tray carries on
    subprocess.run(["secret-tool", "clear", "service", "unifer-tray", "username", "history-key"], env=app.env)
    desktop.clear_notifications()
    app.trigger("screen")
    item = app.wait_notification(lambda n: n["summary"] == "History not saved")
    assert "key is missing" in item["body"]
    assert app.trigger("ping").stdout.strip() == "pong"


def test_sigterm_right_after_a_notification_keeps_its_record(desktop, tray, history_on):
    """Logout sends SIGTERM: the tray quits as from the menu, and what it announced is on disk."""
    import signal

    unifer = history_on
    app = tray()
    app.trigger("screen")
    app.wait_notification(is_result, timeout=20)
    app.process.send_signal(signal.SIGTERM)
    output, _ = app.process.communicate(timeout=15)
    assert app.process.returncode == 0, output
    assert "signal 15: quitting" in output
    listing = subprocess.run([*unifer, "history", "list"], env=app.env, capture_output=True, text=True)
    assert "screen" in listing.stdout and "happiness" in listing.stdout
    assert app.trigger("ping").returncode == 1  # gone, and its socket with it


@pytest.fixture
def profile_cli(desktop):
    """`unifer profile` as the tray's user; the profile is deleted again after the test."""
    env = {**desktop.env, "UNIFER_CONFIG": str(Path(desktop.root) / "config" / "unifer-test.toml")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "unifer"), "profile", *args], env=env, capture_output=True, text=True)

    yield run
    run("delete", "--yes")


def press(desktop: Desktop, window: str, *keys: str) -> None:
    desktop.xdotool("windowfocus", "--sync", window, "key", *keys)


def test_teach_my_expressions_then_not_right_from_the_menu(desktop, tray, profile_cli):
    """The guided session with a video file as the camera: consent, take and keep neutral, take,
    retake and keep happiness, skip the rest, save; then a webcam result corrected from the menu."""
    app = tray(UNIFER_CAMERA_SOURCE=str(DATA / "single_face.mp4"))
    assert app.trigger("teach").stdout.strip() == "teach session opening"
    consent = wait_for_window(desktop, "^Create your expression profile\\?$")
    press(desktop, consent, "Return")  # Yes
    window = wait_for_window(desktop, "^UniFER .* teach my expressions$")
    for keys in (["space"], ["Return"], ["space"], ["r"], ["space"], ["Return"]):
        press(desktop, window, *keys)
        time.sleep(4.5 if keys == ["space"] else 0.5)  # the 3 s countdown, then the analysis
    press(desktop, window, *["s"] * 5)
    time.sleep(0.5)
    press(desktop, window, "Return")  # save
    learned = app.wait_notification(lambda n: n["summary"] == "UniFER learned your expressions")
    assert "learned 2 expressions; profile 'me' has 2 examples; teaching again another day" in learned["body"]
    status = json.loads(profile_cli("status", "--format", "json").stdout)
    assert status["per_label"] == {
        "neutral": 1,
        "happiness": 1,
        "sadness": 0,
        "surprise": 0,
        "fear": 0,
        "disgust": 0,
        "anger": 0,
    }

    app.trigger("webcam")
    app.wait_notification(is_result)
    open_tray_menu(desktop)
    desktop.xdotool("key", *["Down"] * 7, "Right", "Down", "Return")  # My expressions > Not right?…
    chooser = wait_for_window(desktop, "^Not right\\?$")
    press(desktop, chooser, "3")  # sadness
    corrected = app.wait_notification(lambda n: n["summary"] == "UniFER learned your expression")
    assert "this face showed sadness" in corrected["body"] and "3 examples" in corrected["body"]
    assert json.loads(profile_cli("status", "--format", "json").stdout)["per_label"]["sadness"] == 1

    desktop.clear_notifications()  # closes what is shown: the next result is the only one on screen
    app.trigger("webcam")
    desktop.press_notification_button("Not right?")  # the result's own button
    chooser = wait_for_window(desktop, "^Not right\\?$")
    press(desktop, chooser, "4")  # surprise
    from_button = app.wait_notification(lambda n: n["summary"] == "UniFER learned your expression")
    assert "this face showed surprise" in from_button["body"] and "4 examples" in from_button["body"]
    output = app.stop()
    assert "sadness" not in output and "happiness" not in output  # what was learned stays out of the log


def test_doctor_on_a_working_desktop(desktop):
    env = {
        **desktop.env,
        "UNIFER_CAMERA_SOURCE": str(DATA / "single_face.mp4"),
        "UNIFER_CONFIG": str(Path(desktop.root) / "config" / "doctor.toml"),
    }
    result = subprocess.run(
        [str(BIN / "unifer"), "doctor", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    for name in (
        "models",
        "config",
        "display",
        "tray",
        "hotkeys",
        "screen capture",
        "camera",
        "notifications",
        "keyring/history",
    ):
        assert checks[name]["status"] == "ok", checks[name]
    assert checks["tray"]["detail"].startswith("pystray backend _gtk")
    assert checks["camera"]["detail"].startswith("opencv: source")
    assert "1280x800" in checks["screen capture"]["detail"]
    assert "via freedesktop" in checks["notifications"]["detail"]
    assert checks["ollama"]["status"] == "warn"  # optional, and not running here


@pytest.fixture
def bundle() -> Path:
    """The frozen Linux app; .ci/run builds it before the tests and names it in UNIFER_BUNDLE."""
    path = os.environ.get("UNIFER_BUNDLE")
    if not path:
        message = "UNIFER_BUNDLE is not set (packaging/build-linux.sh, then UNIFER_BUNDLE=dist/unifer)"
        if os.environ.get("CI"):  # a developer's UNIFER_REQUIRE_DESKTOP=1 run need not build the bundle
            pytest.fail(message)
        pytest.skip(message)
    return Path(path).resolve()


def test_frozen_bundle_on_a_desktop(desktop, tray, bundle, mjpeg_clip):
    """The bundle's own tray: its GTK (without an SVG loader), notifications, screen capture,
    the models, and GStreamer in place of OpenCV for the webcam."""
    app = tray(command=[str(bundle / "unifer")], UNIFER_CAMERA_SOURCE=str(mjpeg_clip))
    app.trigger("screen")
    assert app.wait_notification(is_result)["summary"].startswith("Happiness")
    assert len(analysis_processes(app)) == 1  # the frozen app starts itself as the analysis process
    assert "onnxruntime" not in Path(f"/proc/{app.process.pid}/maps").read_text()
    subprocess.run([*app.command, "--open", str(DATA / "single_face.jpg")], env=app.env, check=True, timeout=30)
    window = wait_for_window(desktop, PHOTO_WINDOW)  # its own Tk, tkdnd and ImageTk
    wait_for_text(desktop, "happiness 100%")
    close_photo_window(desktop, window)
    desktop.clear_notifications()
    app.trigger("webcam")
    assert app.wait_notification(is_result)["summary"].endswith("· 1 face")
    output = app.stop()
    assert "pixbuf" not in output.lower() and "Traceback" not in output, output
    assert "drag and drop unavailable" not in output  # tkdnd loads from the bundle


def test_bundle_starts_the_browser_with_the_outside_environment(desktop, bundle, tmp_path):
    """PyInstaller points LD_LIBRARY_PATH, GTK's and GStreamer's paths into the bundle; the
    browser opened for the history dashboard must get the user's environment instead."""
    dump, browser = tmp_path / "browser-environment.txt", tmp_path / "browser.sh"
    browser.write_text(f"#!/bin/sh\nenv > {dump}\n")
    browser.chmod(0o755)
    env = {
        **desktop.env,
        "UNIFER_CONFIG": str(tmp_path / "config.toml"),
        "BROWSER": str(browser),
        "LD_LIBRARY_PATH": "/opt/users-own/lib",
    }
    unifer = [str(bundle / "unifer"), "history"]
    assert subprocess.run([*unifer, "enable", "--yes"], env=env, capture_output=True).returncode == 0
    report = subprocess.Popen([*unifer, "report"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not dump.exists() or not dump.read_text():
            assert report.poll() is None and time.monotonic() < deadline, report.stdout.read()
            time.sleep(0.1)
        seen = dump.read_text()
        assert f"BROWSER={browser}" in seen  # the user's environment, not an empty one
        assert "LD_LIBRARY_PATH=/opt/users-own/lib\n" in seen  # theirs, without the bundle's in front
        assert str(bundle / "_internal") not in seen and "_PYI_" not in seen and "GST_" not in seen, seen
    finally:
        report.terminate()
        report.wait(10)
        subprocess.run([*unifer, "disable", "--delete"], env=env, capture_output=True)


# -- the photo window (#24): read as a user would, by OCR of the screen ----------------------------


def screen_text(desktop: Desktop) -> str:
    """What tesseract reads on the whole screen, lower case."""
    import mss
    from PIL import Image

    with mss.MSS(display=desktop.env["DISPLAY"]) as grabber:
        shot = grabber.grab(grabber.monitors[1])
    picture = Path(desktop.root) / "screen.png"
    Image.frombytes("RGB", shot.size, shot.rgb).save(picture)
    return subprocess.run(["tesseract", str(picture), "stdout"], capture_output=True, text=True).stdout.lower()


def wait_for_text(desktop: Desktop, *words: str, timeout: float = 40.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = screen_text(desktop)
        if all(word in text for word in words):
            return text
        assert time.monotonic() < deadline, f"{words} not on screen; it reads:\n{text}"
        time.sleep(0.5)


def close_photo_window(desktop: Desktop, window: str) -> None:
    press(desktop, window, "Escape")
    deadline = time.monotonic() + 10
    while desktop.xdotool("search", "--name", PHOTO_WINDOW).returncode == 0:
        assert time.monotonic() < deadline, "Esc did not close the photo window"
        time.sleep(0.1)


def photo_copy(tmp_path: Path, name: str) -> Path:
    import shutil

    copy = tmp_path / name
    shutil.copy(DATA / "single_face.jpg", copy)
    return copy


def test_the_photo_window_reads_a_pasted_photo_and_esc_closes_it(desktop, tray):
    app = tray()
    assert app.trigger("window").stdout.strip() == "photo window opened"
    window = wait_for_window(desktop, PHOTO_WINDOW)
    wait_for_text(desktop, "drop photos or videos here")
    clipboard = subprocess.Popen(  # a picture on the real X clipboard, as an image viewer's Copy leaves it
        ["xclip", "-quiet", "-selection", "clipboard", "-t", "image/png", "-i", str(DATA / "single_face.png")],
        env=desktop.env,
    )
    try:
        time.sleep(0.5)
        press(desktop, window, "ctrl+v")
        wait_for_text(desktop, "pasted picture", "happiness 100%")
    finally:
        clipboard.terminate()
    close_photo_window(desktop, window)
    assert app.trigger("ping").stdout.strip() == "pong"  # the tray lives on


def test_a_photo_dragged_from_another_application_is_read(desktop, tray, tmp_path):
    photo = photo_copy(tmp_path, "dragged face.jpg")
    app = tray()
    app.trigger("window")
    window = wait_for_window(desktop, PHOTO_WINDOW)
    source = subprocess.Popen(
        [sys.executable, str(Path(__file__).parents[1] / "support" / "drag_source.py"), photo.as_uri(), "1100", "700"],
        env=desktop.env,
    )
    try:
        wait_for_window(desktop, "^drag source$")
        time.sleep(0.5)
        geometry = desktop.xdotool("getwindowgeometry", "--shell", window).stdout
        where = dict(line.split("=") for line in geometry.split())
        target_x = int(where["X"]) + int(where["WIDTH"]) // 2
        target_y = int(where["Y"]) + int(where["HEIGHT"]) // 2
        desktop.xdotool("mousemove", "1180", "740", "mousedown", "1")
        for step in range(1, 21):  # a real drag: the pointer moves in steps over the target
            x = 1180 + (target_x - 1180) * step // 20
            y = 740 + (target_y - 740) * step // 20
            desktop.xdotool("mousemove", str(x), str(y))
            time.sleep(0.05)
        time.sleep(0.3)
        desktop.xdotool("mouseup", "1")
        wait_for_text(desktop, "dragged face", "happiness 100%")
    finally:
        source.terminate()
    close_photo_window(desktop, window)


def test_open_shows_files_in_the_running_trays_window(desktop, tray, tmp_path):
    photo = photo_copy(tmp_path, "opened face.jpg")
    app = tray()
    opened = subprocess.run([*app.command, "--open", str(photo)], env=app.env, capture_output=True, text=True)
    assert opened.stdout.strip() == "photo window opened"
    window = wait_for_window(desktop, PHOTO_WINDOW)
    wait_for_text(desktop, "opened face", "happiness 100%")
    close_photo_window(desktop, window)
    assert app.trigger("ping").stdout.strip() == "pong"


def test_open_without_a_tray_opens_the_window_on_its_own(desktop, face_window, tmp_path):
    photo = photo_copy(tmp_path, "alone face.jpg")
    config = Path(desktop.root) / "config" / "unifer-test.toml"
    config.write_text("[tray]\ndescribe = false\n")
    env = {**desktop.env, "UNIFER_CONFIG": str(config)}
    clip = DATA / "single_face.mp4"
    window_process = subprocess.Popen([str(BIN / "unifer-tray"), "--open", str(photo), str(clip)], env=env)
    window = wait_for_window(desktop, PHOTO_WINDOW)
    wait_for_text(desktop, "video read", "1 track(s)", "peaks: happiness")  # a video: its summary and timeline
    press(desktop, window, "Up")
    wait_for_text(desktop, "alone face", "happiness 100%")
    close_photo_window(desktop, window)
    assert window_process.wait(10) == 0

"""What system programs started from the bundle (browser, notify-send) inherit."""

from __future__ import annotations

from unifer_tray.helpers import outside_environment

BUNDLE = "/opt/unifer/_internal"
FROZEN_ENVIRONMENT = {
    "HOME": "/home/ada",
    "PATH": "/usr/bin:/bin",
    "BROWSER": "firefox",
    "LD_LIBRARY_PATH": f"{BUNDLE}:/opt/cuda/lib",
    "LD_LIBRARY_PATH_ORIG": "/opt/cuda/lib",
    "XDG_DATA_DIRS": f"{BUNDLE}/share:/usr/local/share/:/usr/share/",
    "GI_TYPELIB_PATH": f"{BUNDLE}/gi_typelibs",
    "GST_PLUGIN_PATH": f"{BUNDLE}:{BUNDLE}/gst_plugins",
    "GST_PLUGIN_SYSTEM_PATH": "",
    "GST_REGISTRY_FORK": "no",
    "GDK_PIXBUF_MODULE_FILE": "/tmp/tmp_y6qahg_",
    "TCL_LIBRARY": f"{BUNDLE}/_tcl_data",
    "_PYI_ARCHIVE_FILE": "/opt/unifer/unifer",
    "_PYI_PARENT_PROCESS_LEVEL": "1",
}


def test_bundle_paths_and_settings_are_removed():
    assert outside_environment(FROZEN_ENVIRONMENT, BUNDLE) == {
        "HOME": "/home/ada",
        "PATH": "/usr/bin:/bin",
        "BROWSER": "firefox",
        "LD_LIBRARY_PATH": "/opt/cuda/lib",  # the user's own, as the bootloader saved it
        "XDG_DATA_DIRS": "/usr/local/share/:/usr/share/",
    }


def test_no_original_library_path_means_none():
    environment = {"LD_LIBRARY_PATH": BUNDLE, "HOME": "/home/ada"}
    assert outside_environment(environment, BUNDLE) == {"HOME": "/home/ada"}


def test_not_frozen_changes_nothing():
    assert outside_environment(FROZEN_ENVIRONMENT, None) == FROZEN_ENVIRONMENT


def test_helpers_never_import_a_source_tree_from_the_current_folder(tmp_path):
    """The README's tray command runs in the repository root; a helper started there used to
    import that tree (no models in it) instead of the installed package, and die."""
    import subprocess

    from unifer_tray.helpers import helper_command

    decoy = tmp_path / "unifer_tray"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise SystemExit('the source tree in the current folder was imported')\n")
    result = subprocess.run(helper_command("unifer_tray.formats"), cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "source tree" not in result.stderr, result.stderr
    # a module's arguments reach it as they would with `python -m`
    (tmp_path / "data.json").write_text('{"a": 1}')
    shown = subprocess.run(
        [*helper_command("json.tool"), "--compact", "data.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.stdout.strip() == '{"a":1}', shown.stderr

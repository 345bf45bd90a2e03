"""Config validation and `unifer config`, and the CLI's --describe against the Ollama stand-in."""

from __future__ import annotations

import json
import re

import pytest
from ollama_stub import OllamaStub
from unifer_cli import run, write_config

from unifer_tray.config import ConfigError, duration_seconds, load_config


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "absent.toml")
    assert config.ollama.host is None and config.ollama.allow_remote is False
    assert config.ollama.model == "auto" and config.ollama.timeout == 30
    assert config.ollama.preference[0] == "gemma3:4b"


def test_values_and_unknown_keys(tmp_path):
    path = write_config(tmp_path, '[ollama]\nhost = "127.0.0.1:9999"\ntimeout = 5\ntimout = 3\n[gui]\nx = 1\n')
    config = load_config(path)
    assert config.ollama.host == "127.0.0.1:9999" and config.ollama.timeout == 5.0
    assert config.warnings == ["unknown setting [ollama] timout (ignored)", "unknown section [gui] (ignored)"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[ollama]\nallow_remote = "yes"\n', "[ollama] allow_remote must be true or false"),
        ("[ollama]\ntimeout = -1\n", "[ollama] timeout must be a positive number"),
        ('[ollama]\npreference = "gemma3"\n', "[ollama] preference must be a list of names"),
        ("[ollama\n", "is not valid TOML"),
        ("[ollama]\ntimeout = nan\n", "[ollama] timeout must be a positive number"),
        ("[ollama]\ntimeout = inf\n", "[ollama] timeout must be a positive number"),
        ("[history]\nretention_days = 0\n", "[history] retention_days must be a whole number >= 1"),
        ('[tray]\nhotkey_region = "ctrl+alt+x"\n', "e.g. '<ctrl>+<alt>+x'"),
    ],
)
def test_bad_values_name_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write_config(tmp_path, text))


def test_analyze_with_description(tmp_path, data_dir):
    with OllamaStub() as stub:
        config = write_config(tmp_path, f'[ollama]\nhost = "{stub.url}"\n')
        text = run(["analyze", str(data_dir / "single_face.jpg"), "--describe"], config)
        jsonl = run(["analyze", str(data_dir / "single_face.jpg"), "--describe", "--format", "jsonl"], config)
    assert text.returncode == 0, text.stderr
    assert "gemma3:4b: 1 smiling face(s). Context: The scene seems" in text.stdout
    assert "cues: raised cheeks, lip corners pulled up" in text.stdout
    document = json.loads(jsonl.stdout)
    assert document["description"]["status"] == "ok" and document["description"]["model"] == "gemma3:4b"
    assert set(document["description"]) == {"summary", "context", "model", "status", "reason", "elapsed_ms"}
    assert document["faces"][0]["agreement"] == "agree"


def test_analyze_with_description_when_ollama_is_down(tmp_path, data_dir):
    config = write_config(tmp_path, '[ollama]\nhost = "127.0.0.1:9"\ntimeout = 3\n')
    result = run(["analyze", str(data_dir / "single_face.jpg"), "--describe"], config)
    assert result.returncode == 0  # the analysis itself succeeded
    assert "1 face: clear happiness (100%) (no description: Ollama is not reachable" in result.stdout


def test_bad_config_is_a_usage_error(tmp_path, data_dir):
    config = write_config(tmp_path, "[ollama]\ntimeout = 0\n")
    result = run(["analyze", str(data_dir / "single_face.jpg"), "--describe"], config)
    assert result.returncode == 2
    assert "config error: [ollama] timeout must be a positive number" in result.stderr


def test_config_set_validates_and_saves(tmp_path):
    config = tmp_path / "conf" / "config.toml"
    ok = run(["config", "set", "tray.describe", "false"], config)
    assert ok.returncode == 0, ok.stderr
    assert run(["config", "set", "camera.source", "/dev/video2"], config).returncode == 0
    shown = run(["config", "show"], config).stdout
    assert "describe = false" in shown and 'source = "/dev/video2"' in shown  # TOML, as in the file
    assert "# host is not set" in shown
    assert run(["config"], config).stdout == shown  # `unifer config` alone shows them too
    bad = run(["config", "set", "ollama.timeout", "soon"], config)
    assert bad.returncode == 2 and "[ollama] timeout must be a positive number" in bad.stderr
    unknown = run(["config", "set", "tray.colour", "red"], config)
    assert unknown.returncode == 2 and "unknown setting tray.colour" in unknown.stderr
    assert "timeout" not in config.read_text()  # the rejected value was not written
    assert run(["config", "path"], config).stdout.strip() == str(config)


def test_a_config_that_is_not_utf8_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'[ollama]\nmodel = "caf\xe9"\n')  # Latin-1
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_config(path)
    result = run(["config", "set", "ollama.timeout", "10"], path)
    assert result.returncode == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_config_set_on_a_broken_file_says_so_and_leaves_it(tmp_path):
    path = write_config(tmp_path, "[ollama\ntimeout = 3\n")
    result = run(["config", "set", "ollama.timeout", "10"], path)
    assert result.returncode == 2 and "Fix or delete the file" in result.stderr and "Traceback" not in result.stderr
    assert path.read_text() == "[ollama\ntimeout = 3\n"


def test_config_set_keeps_comments_and_a_symlinked_file(tmp_path):
    dotfiles = tmp_path / "dotfiles" / "unifer.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text("# my settings\n[ollama]\ntimeout = 5  # seconds, my choice\n")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(dotfiles)
    assert run(["config", "set", "tray.describe", "false"], link).returncode == 0
    assert link.is_symlink() and link.resolve() == dotfiles
    text = dotfiles.read_text()
    assert "# my settings" in text and "timeout = 5  # seconds, my choice" in text and "describe = false" in text


def test_config_set_validates_hotkeys_with_the_trays_grammar(tmp_path):
    path = tmp_path / "config.toml"
    bad = run(["config", "set", "tray.hotkey_region", "ctrl+alt+x"], path)
    assert bad.returncode == 2 and "'<ctrl>+<alt>+x'" in bad.stderr
    assert run(["config", "set", "tray.hotkey_region", "<ctrl>+<alt>+x"], path).returncode == 0
    assert run(["config", "set", "tray.hotkey_webcam", "off"], path).returncode == 0


def test_profile_settings_are_checked(tmp_path):
    path = tmp_path / "config.toml"
    bad = run(["config", "set", "profile.apply_to", "screen"], path)
    assert bad.returncode == 2 and "must be one of webcam, all, none" in bad.stderr
    name = run(["config", "set", "profile.name", "../me"], path)
    assert name.returncode == 2 and "is not a profile name" in name.stderr
    assert run(["config", "set", "profile.apply_to", "all"], path).returncode == 0
    assert 'apply_to = "all"' in run(["config", "show"], path).stdout


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ('"2m"', 120.0),
        ('"90s"', 90.0),
        ('"1h30m"', 5400.0),
        ("0", 0.0),
        ("45", 45.0),
        ('"forever"', None),
        ("-1", None),
    ],
)
def test_keep_models_takes_ollamas_keep_alive_forms(tmp_path, written, seconds):
    path = tmp_path / "config.toml"
    path.write_text(f"[tray]\nkeep_models = {written}\n")
    assert duration_seconds(load_config(path).tray.keep_models) == seconds


@pytest.mark.parametrize("written", ['"soon"', '"2 m"', '"m"', "true", '"-x"'])
def test_a_keep_models_that_is_no_duration_names_the_key(tmp_path, written):
    path = tmp_path / "config.toml"
    path.write_text(f"[tray]\nkeep_models = {written}\n")
    with pytest.raises(ConfigError, match=r"\[tray\] keep_models must be a duration"):
        load_config(path)

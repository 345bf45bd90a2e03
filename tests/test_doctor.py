"""unifer doctor: each check against real parts and the Ollama stand-in."""

from __future__ import annotations

import json

from ollama_stub import Behaviour, OllamaStub
from unifer_cli import run, write_config


def test_doctor_with_ollama(tmp_path):
    with OllamaStub() as stub:
        config = write_config(tmp_path, f'[ollama]\nhost = "{stub.url}"\n')
        result = run(["doctor", "--json"], config)
    assert result.returncode == 0, result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["models"]["status"] == "ok" and "sha256 verified" in checks["models"]["detail"]
    assert checks["config"]["status"] == "ok"
    assert checks["ollama"]["status"] == "ok"
    assert "Ollama 0.12.6" in checks["ollama"]["detail"] and "would use gemma3:4b" in checks["ollama"]["detail"]
    assert "RAM " in checks["ollama"]["detail"] and "gemma3:4b (3.3 GB)" in checks["ollama"]["detail"]


def test_doctor_without_a_vision_model(tmp_path):
    with OllamaStub(Behaviour(models=[("llama3.2:3b", ["completion"])])) as stub:
        config = write_config(tmp_path, f'[ollama]\nhost = "{stub.url}"\n')
        result = run(["doctor"], config)
    assert result.returncode == 0  # Ollama is optional: a warning, not a failure
    assert "[warn] ollama:" in result.stdout and "fix: ollama pull gemma3:4b" in result.stdout


def test_doctor_without_ollama(tmp_path):
    config = write_config(tmp_path, '[ollama]\nhost = "127.0.0.1:9"\n')
    result = run(["doctor"], config)
    assert result.returncode == 0
    assert "not reachable at http://127.0.0.1:9" in result.stdout and "install Ollama" in result.stdout


def test_doctor_reports_a_broken_config(tmp_path):
    result = run(["doctor"], write_config(tmp_path, "[ollama]\nallow_remote = 1\n"))
    assert result.returncode == 1
    assert "[fail] config: [ollama] allow_remote must be true or false" in result.stdout


def test_doctor_groups_checks_by_what_they_serve(tmp_path):
    result = run(["doctor", "--json"], tmp_path / "absent.toml")
    serves = {c["name"]: c["serves"] for c in json.loads(result.stdout)}
    assert serves["models"] == "CLI and tray" and serves["hotkeys"] == "tray"
    assert serves["keyring/history"] == "history and profiles" and serves["ollama"] == "descriptions"
    text = run(["doctor"], tmp_path / "absent.toml").stdout
    groups = ["CLI and tray:", "tray:\n", "history and profiles:", "descriptions:"]
    assert [text.index(group) for group in groups] == sorted(text.index(group) for group in groups)

"""The shipped models: provenance recorded, integrity checked, present in the built wheel."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from unifer_tray.vision import models

ROOT = Path(__file__).parents[2]
MANIFEST_KEYS = {
    "file",
    "task",
    "source",
    "license",
    "attribution",
    "labels",
    "preprocessing",
    "input",
    "sha256",
    "verification",
}


def test_manifest_records_provenance_and_checksums():
    raw = json.loads((ROOT / "models" / "manifest.json").read_text())["models"]
    assert set(raw) == {"blazeface_back", "faceapi_expression", "mini_xception", "human_emotion", "facemesh"}
    for entry in raw.values():
        assert set(entry) >= MANIFEST_KEYS
        assert {"registry", "package", "version", "path_in_package"} <= set(entry["source"])
        assert entry["verification"]["max_abs_diff"] < 0.01
        digest = hashlib.sha256((ROOT / "models" / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"]


def test_altered_model_is_refused(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "models", tmp_path / "models", ignore=shutil.ignore_patterns("build"))
    with open(tmp_path / "models" / "mini_xception.onnx", "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    monkeypatch.setattr(models, "_models_dir", lambda: tmp_path / "models")
    models.manifest.cache_clear()
    try:
        with pytest.raises(models.ModelError, match="does not match its recorded sha256"):
            models.open_session("mini_xception")
        (tmp_path / "models" / "human_emotion.onnx").unlink()
        with pytest.raises(models.ModelError, match="missing from the installation"):
            models.open_session("human_emotion")
    finally:
        models.manifest.cache_clear()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a clean copy of the tree: setuptools reuses a stale build/ folder in place."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    junk = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "node_modules", "tests")
    shutil.copytree(ROOT, source, ignore=junk)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(folder), str(source)],
        check=True,
        capture_output=True,
    )
    return next(folder.glob("unifer_tray-*.whl"))


def test_wheel_contains_every_subpackage(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (ROOT / "unifer_tray").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names


def test_installed_wheel_runs_the_quick_start(wheel, tmp_path):
    """The wheel alone (not the source tree) analyses the bundled sample."""
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    probe = (  # drop the editable install's finder, which would quietly fill gaps from the source tree
        "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n"
        "import unifer_tray; print(unifer_tray.__file__)\n"
        "from unifer_tray.cli.main import main; sys.exit(main())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "analyze", "--sample"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "site"))
    assert "happiness" in result.stdout


def test_wheel_contains_the_models_and_no_test_media(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for model in ("blazeface_back", "faceapi_expression", "mini_xception", "human_emotion"):
        assert f"unifer_tray/models/{model}.onnx" in names
    assert "unifer_tray/models/manifest.json" in names
    assert "unifer_tray/models/NOTICE" in names
    assert "unifer_tray/models/licenses/mediapipe-blazeface.Apache-2.0.txt" in names
    assert "unifer_tray/samples/astronaut.jpg" in names
    assert not any(name.startswith(("tests/", "unifer_tray/models/build")) for name in names)
    assert not any(name.endswith(("single_face.jpg", "multi_face.jpg")) for name in names)

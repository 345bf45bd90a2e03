"""`unifer profile` and `--profile` as a user runs them, against a real Secret Service."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.desktop  # a private D-Bus session with GNOME Keyring

UNIFER = str(Path(sys.executable).with_name("unifer"))
DATA = Path(__file__).resolve().parents[1] / "data"
SURPRISE, HAPPY, ANGER = DATA / "0-f1-su-ph.jpg", DATA / "0-f15-hao-ph.jpg", DATA / "15-f13-anc-ph.jpg"


def unifer(env, *args, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run([UNIFER, *map(str, args)], capture_output=True, text=True, env=env, timeout=120, stdin=stdin)


def folder(env) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "unifer-tray" / "profiles"


def keyring_entry(env, name="me") -> str:
    return subprocess.run(
        ["secret-tool", "lookup", "service", "unifer-tray", "username", f"profile-key:{name}"],
        capture_output=True,
        text=True,
        env=env,
    ).stdout


def teach(env, label, *images, profile="me"):
    result = unifer(env, "profile", "add", "--label", label, "--profile", profile, "--yes", *images)
    assert result.returncode == 0, result.stderr
    return result


def test_the_first_add_explains_and_needs_consent(env):
    refused = unifer(env, "profile", "add", "--label", "surprise", SURPRISE)  # stdin closed, no --yes
    assert refused.returncode == 1 and "Not confirmed" in refused.stderr
    assert "What is stored" in refused.stdout and "Never the photos" in refused.stdout
    assert "unifer profile delete" in refused.stdout
    assert not folder(env).exists() and keyring_entry(env) == ""
    piped = unifer(env, "profile", "add", "--label", "surprise", SURPRISE, stdin=subprocess.PIPE)
    assert piped.returncode == 1 and not folder(env).exists()


def test_a_profile_is_encrypted_private_and_changes_readings(env, tmp_path):
    teach(env, "fear", SURPRISE)
    teach(env, "happy", HAPPY)  # a synonym
    path = folder(env) / "me.profile"
    assert stat.S_IMODE(folder(env).stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert set(json.loads(raw)) == {"unifer_profile", "nonce", "sealed"}
    for plaintext in (b"fear", b"happiness", b"surprise", b"examples", b"label", b"features", b'"file"'):
        assert plaintext not in raw
    assert len(keyring_entry(env).strip()) == 44  # base64 of 32 bytes
    assert sorted(p.name for p in folder(env).iterdir()) == [".me.lock", "me.profile"]  # no temporary left

    status = json.loads(unifer(env, "profile", "status", "--format", "json").stdout)
    assert status["examples"] == 2 and status["per_label"]["fear"] == 1 and status["per_label"]["happiness"] == 1
    assert "SecretService" in status["keyring"]
    assert "not taught yet: neutral, sadness, surprise, disgust, anger" in unifer(env, "profile", "status").stdout
    assert unifer(env, "profile", "list").stdout.split() == ["me"]
    doctor = {c["name"]: c for c in json.loads(unifer(env, "doctor", "--json").stdout)}
    assert doctor["expression profiles"]["detail"] == "me; the tray reads webcam snapshots with 'me'"

    general = json.loads(unifer(env, "analyze", SURPRISE, "--format", "json").stdout)[0]
    mine = json.loads(unifer(env, "analyze", SURPRISE, "--profile", "me", "--format", "json").stdout)[0]
    assert "profile" not in general and mine["profile"] == "me"
    face = mine["faces"][0]
    assert face["base_probabilities"] == general["faces"][0]["probabilities"]
    assert face["base_expression"] == general["faces"][0]["expression"]
    assert face["probabilities"]["fear"] > face["base_probabilities"]["fear"]
    csv_rows = unifer(env, "analyze", SURPRISE, "--profile", "me", "--format", "csv").stdout.splitlines()
    assert csv_rows[0].endswith("profile,base_expression,base_confidence") and ",me," in csv_rows[1]
    for label, image in (("surprise", SURPRISE), ("happiness", HAPPY)):
        (tmp_path / "labelled" / label).mkdir(parents=True)
        shutil.copy(image, tmp_path / "labelled" / label)
    evaluation = unifer(env, "eval", tmp_path / "labelled", "--profile", "me", "--format", "json")
    assert evaluation.returncode == 0 and json.loads(evaluation.stdout)["scored"] == 2, evaluation.stderr

    script = (
        "from unifer_tray.pipeline import analyze_image\n"
        f"a = analyze_image({str(SURPRISE)!r}, profile='me')\n"
        "print(a.profile, a.faces[0].base_expression)"
    )
    api = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert api.stdout.split() == ["me", face["base_expression"]], api.stderr


def test_bad_images_store_nothing(env):
    teach(env, "anger", ANGER)
    before = (folder(env) / "me.profile").read_bytes()
    no_face = unifer(env, "profile", "add", "--label", "anger", "--yes", DATA / "free-mountain-vector-01.jpg", ANGER)
    assert no_face.returncode == 1 and "no face found" in no_face.stderr and "nothing was stored" in no_face.stderr
    broken = unifer(env, "profile", "add", "--label", "anger", "--yes", DATA / "SOURCE.md")
    assert broken.returncode == 1 and "nothing was stored" in broken.stderr
    assert (folder(env) / "me.profile").read_bytes() == before
    several = teach(env, "happiness", DATA / "multi_face.jpg")
    assert "5 faces, the largest is used" in several.stdout


def test_bad_names_labels_and_profiles_are_clear(env):
    label = unifer(env, "profile", "add", "--label", "contempt", "--yes", ANGER)
    assert label.returncode == 2 and "unknown label 'contempt'" in label.stderr and "neutral" in label.stderr
    name = unifer(env, "profile", "status", "--profile", "../etc")
    assert name.returncode == 2 and "not a profile name" in name.stderr
    missing = unifer(env, "analyze", ANGER, "--profile", "nobody")
    assert missing.returncode == 1 and "no expression profile 'nobody'" in missing.stderr and not missing.stdout
    assert unifer(env, "profile", "delete", "--profile", "nobody", "--yes").returncode == 1


def test_a_lost_key_a_changed_file_and_another_version_are_refused_clearly(env):
    teach(env, "anger", ANGER)
    path = folder(env) / "me.profile"
    document = json.loads(path.read_text())

    path.write_text(json.dumps(document | {"unifer_profile": 2}))
    newer = unifer(env, "analyze", ANGER, "--profile", "me")
    assert newer.returncode == 1 and "newer version of UniFER" in newer.stderr and "Update UniFER" in newer.stderr

    path.write_text(json.dumps(document | {"unifer_profile": 0}))
    older = unifer(env, "profile", "status")
    assert older.returncode == 1 and "another version of UniFER" in older.stderr and "profile delete" in older.stderr

    sealed = bytearray(document["sealed"].encode())
    sealed[10] = ord("A") if sealed[10] != ord("A") else ord("B")
    path.write_text(json.dumps(document | {"sealed": sealed.decode()}))
    changed = unifer(env, "profile", "status")
    assert changed.returncode == 1 and "changed outside UniFER" in changed.stderr

    path.write_text(json.dumps(document))
    subprocess.run(["secret-tool", "clear", "service", "unifer-tray", "username", "profile-key:me"], env=env)
    lost = unifer(env, "analyze", ANGER, "--profile", "me")
    assert lost.returncode == 1 and "missing from the keyring" in lost.stderr
    assert path.read_text() == json.dumps(document)  # nothing lost on the way


def test_no_secure_keyring_no_profile(env):
    insecure = env | {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = unifer(insecure, "profile", "add", "--label", "anger", "--yes", ANGER)
    assert result.returncode == 1 and "no secure keyring" in result.stderr
    assert "What is stored" not in result.stdout  # refused before asking
    assert not (folder(env) / "me.profile").exists()


def test_delete_destroys_the_key_then_the_data(env):
    teach(env, "anger", ANGER, profile="work")
    teach(env, "anger", ANGER)
    assert unifer(env, "profile", "delete", "--profile", "work").returncode == 1  # not confirmed
    deleted = unifer(env, "profile", "delete", "--profile", "work", "--yes")
    assert deleted.returncode == 0 and "key was destroyed" in deleted.stdout
    assert keyring_entry(env, "work") == "" and not (folder(env) / "work.profile").exists()
    assert keyring_entry(env, "me") and unifer(env, "profile", "list").stdout.split() == ["me"]
    unifer(env, "profile", "delete", "--yes")
    assert not folder(env).exists() and keyring_entry(env) == ""
    assert not [p for p in Path(env["XDG_DATA_HOME"]).rglob("*") if p.is_file()]

"""The real `unifer` console script, as a researcher runs it."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from unifer_tray.result import GEOMETRY_FIELDS, RECORD_FIELDS

UNIFER = [str(Path(sys.executable).with_name("unifer"))]


def unifer(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*UNIFER, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_sample_quick_start():
    result = unifer("analyze", "--sample")
    assert result.returncode == 0, result.stderr
    assert "1 face" in result.stdout and "happiness" in result.stdout


def test_json_output_for_a_folder(data_dir):
    result = unifer("analyze", data_dir, "--format", "json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    by_name = {Path(d["source"]).name: d for d in documents}
    assert len(by_name["multi_face.jpg"]["faces"]) == 5
    assert by_name["free-mountain-vector-01.jpg"]["faces"] == []
    assert all(d["error"] is None for d in documents)


def test_failures_are_reported_and_the_batch_goes_on(data_dir, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_text("not an image")
    result = unifer("analyze", data_dir / "single_face.jpg", broken, tmp_path / "missing.png", "--format", "jsonl")
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [bool(d["error"]) for d in lines] == [False, True, True]
    assert lines[0]["faces"][0]["expression"] == "happiness"
    assert "broken.jpg: not an image" in result.stderr
    assert "missing.png: file not found" in result.stderr


@pytest.mark.parametrize("output", [[], ["--output", "out.txt"]])
def test_per_file_errors_always_go_to_stderr_once(tmp_path, data_dir, output):
    result = unifer("analyze", tmp_path / "missing.png", data_dir / "single_face.jpg", *output, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("missing.png: file not found") == 1
    report = (tmp_path / "out.txt").read_text() if output else result.stdout
    assert "missing.png" not in report and "single_face.jpg: 1 face" in report


def test_an_image_from_stdin(data_dir):
    result = subprocess.run(
        [*UNIFER, "analyze", "-", "--format", "jsonl"],
        input=(data_dir / "single_face.jpg").read_bytes(),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["source"] == "-" and document["faces"][0]["expression"] == "happiness"
    empty = subprocess.run([*UNIFER, "analyze", "-"], input=b"", capture_output=True, timeout=120)
    assert empty.returncode == 1 and b"-: empty input" in empty.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--annotate", "a-file.txt"], "--annotate a-file.txt: is a file"),
        (["--output", "no/such/folder/out.csv"], "the folder no/such/folder does not exist"),
        (["--output", "."], "is a folder"),
        (["-", "-"], "can be given once"),
    ],
)
def test_impossible_outputs_are_usage_errors(tmp_path, data_dir, args, message):
    (tmp_path / "a-file.txt").write_text("not a folder")
    result = unifer("analyze", data_dir / "single_face.jpg", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Errno" not in result.stderr


def test_annotated_copies_keep_their_place_and_are_replaced_on_a_rerun(data_dir, tmp_path):
    (tmp_path / "shots" / "day1").mkdir(parents=True)
    shutil.copy(data_dir / "single_face.jpg", tmp_path / "shots" / "day1" / "a.jpg")
    shutil.copy(data_dir / "0-f1-su-ph.jpg", tmp_path / "shots" / "a.jpg")
    for _ in range(2):
        assert unifer("analyze", tmp_path / "shots", "--annotate", tmp_path / "ann").returncode == 0
    written = sorted(p.relative_to(tmp_path / "ann").as_posix() for p in (tmp_path / "ann").rglob("*.png"))
    assert written == ["shots/a.png", "shots/day1/a.png"]  # same names kept apart; no -2 copies


def test_a_typo_in_a_subcommand_flag_shows_that_subcommands_usage():
    result = unifer("analyze", "x.jpg", "--fromat", "json")
    assert result.returncode == 2
    assert "usage: unifer analyze" in result.stderr and "unrecognized arguments: --fromat" in result.stderr


def test_csv_output_to_file(data_dir, tmp_path):
    target = tmp_path / "out.csv"
    result = unifer(
        "analyze",
        data_dir / "multi_face.jpg",
        data_dir / "free-mountain-vector-01.jpg",
        "--format",
        "csv",
        "--output",
        target,
    )
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert list(rows[0]) == list(RECORD_FIELDS)
    assert len(rows) == 6  # five faces, plus one row for the image without a face
    assert rows[-1]["face"] == "" and rows[-1]["error"] == ""


def test_geometry_and_landmarks_on_the_command_line(data_dir):
    rows = list(
        csv.DictReader(
            io.StringIO(unifer("analyze", data_dir / "multi_face.jpg", "--geometry", "--format", "csv").stdout)
        )
    )
    assert list(rows[0]) == [*RECORD_FIELDS, *GEOMETRY_FIELDS] and len(rows) == 5
    assert all(-90 < float(row["yaw"]) < 90 and 0 <= float(row["mouth_open"]) <= 1 for row in rows)
    (document,) = json.loads(unifer("analyze", data_dir / "single_face.jpg", "--landmarks", "--format", "json").stdout)
    (face,) = document["faces"]
    assert len(face["mesh"]) == 468 and len(face["mesh"][0]) == 3 and set(face["eyes_open"]) == {"left", "right"}
    text = unifer("analyze", data_dir / "single_face.jpg", "--geometry").stdout
    assert "head yaw" in text and "mouth open" in text


def test_annotate_writes_copies(data_dir, tmp_path):
    result = unifer("analyze", data_dir / "multi_face.jpg", "--annotate", tmp_path / "ann", "--format", "jsonl")
    assert result.returncode == 0
    x, y, _, h = json.loads(result.stdout)["faces"][0]["box"]
    written = Image.open(tmp_path / "ann" / "multi_face.png")
    assert written.size == (1000, 667)
    assert written.getpixel((x, y + h // 2)) == (255, 196, 0)  # left edge of the largest face's box


def test_whole_mode_on_crops(data_dir, tmp_path):
    crop = Image.open(data_dir / "0-f15-hao-ph.jpg").crop((90, 150, 420, 480)).resize((48, 48)).convert("L")
    crop.save(tmp_path / "crop.png")
    result = unifer("analyze", tmp_path / "crop.png", "--faces", "whole", "--format", "jsonl")
    face = json.loads(result.stdout)["faces"][0]
    assert face["box"] == [0, 0, 48, 48] and face["expression"] == "happiness"


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["analyze", "--format", "yaml", "x.jpg"],
        ["analyze", "--faces", "all", "x.jpg"],
        ["analyze", "--min-face", "0", "x.jpg"],
        ["analyze", "--min-face", "-5", "x.jpg"],
        ["analyze", "--min-face", "nan", "x.jpg"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(args):
    result = unifer(*args)
    assert result.returncode == 2
    assert "error" in result.stderr


def test_folder_without_images_is_a_failure(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    result = unifer("analyze", tmp_path)
    assert result.returncode == 1
    assert "folder contains no images" in result.stderr


EVAL_LAYOUT = {
    "happy": ["single_face.jpg", "0-f15-hao-ph.jpg", "Image_with_alpha.png"],
    "surprised": ["0-f1-su-ph.jpg"],
    "anger": ["15-f13-anc-ph.jpg"],
    "neutral": ["free-mountain-vector-01.jpg"],
    "contempt": ["single_face.jpg"],  # not one of the seven: warned about, not scored
}


@pytest.fixture
def labelled_set(data_dir, tmp_path) -> Path:
    for label, names in EVAL_LAYOUT.items():
        (tmp_path / "set" / label).mkdir(parents=True)
        for name in names:
            shutil.copy(data_dir / name, tmp_path / "set" / label / name)
    return tmp_path / "set"


def test_eval_on_a_labelled_folder(labelled_set, tmp_path):
    result = unifer("eval", labelled_set, "--plot", tmp_path / "cm.png")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "images: 6 (1 without a face, 0 failed to load)" in out
    assert "accuracy: 66.7%" in out  # 4 of 6: the anger face reads as sadness, the drawing has no face
    assert "recall per class: neutral 0.0%, happiness 100.0%, surprise 100.0%, anger 0.0%" in out
    assert "no face: " in out and "macro-F1" in out
    assert "  happiness    sadness   surprise" in out  # full label names in the table
    assert "folder 'contempt' is not a known label" in result.stderr
    assert Image.open(tmp_path / "cm.png").size[0] > 500


def test_eval_errors_and_json(labelled_set):
    listed = unifer("eval", labelled_set, "--errors").stdout
    assert "15-f13-anc-ph.jpg: anger read as sadness" in listed
    assert "free-mountain-vector-01.jpg: neutral read as no face" in listed
    document = json.loads(unifer("eval", labelled_set, "--format", "json").stdout)
    assert document["scored"] == 6 and round(document["accuracy"], 3) == 0.667
    assert document["confusion"]["columns"][-1] == "no face"
    assert {e["predicted"] for e in document["errors"]} == {"sadness", "no face"}


def test_eval_over_processes_gives_the_same_figures(labelled_set):
    documents = [
        json.loads(unifer("eval", labelled_set, "--format", "json", "--jobs", jobs).stdout) for jobs in ("1", "3")
    ]
    assert documents[0]["scored"] == 6
    assert documents[0] == documents[1]


def test_batch_over_processes_keeps_input_order(data_dir):
    names = ["multi_face.jpg", "single_face.jpg", "free-mountain-vector-01.jpg", "0-f1-su-ph.jpg", "missing.jpg"]
    runs = [
        unifer("analyze", *(data_dir / n for n in names), "--format", "jsonl", "--jobs", jobs) for jobs in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 1  # the missing file, reported, the batch goes on
    records = [[json.loads(line) for line in run.stdout.splitlines()] for run in runs]
    assert [r["source"] for r in records[1]] == [str(data_dir / n) for n in names]
    assert [[f["box"] for f in r["faces"]] for r in records[0]] == [[f["box"] for f in r["faces"]] for r in records[1]]
    assert unifer("analyze", data_dir / "single_face.jpg", "--jobs", "0").returncode == 2


def test_eval_rejects_an_unlabelled_folder(tmp_path):
    (tmp_path / "cats").mkdir()
    result = unifer("eval", tmp_path)
    assert result.returncode == 2
    assert "expected sub-folders named neutral, happiness" in result.stderr


def test_every_option_and_subcommand_has_help():
    import argparse

    from unifer_tray.cli.main import build_parser

    missing = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest: choice.help for choice in action._choices_actions}
                for command, subparser in action.choices.items():
                    if not helped.get(command):
                        missing.append(f"{name} {command}")
                    walk(subparser, f"{name} {command}")
            elif not action.help and action.dest != "help":
                missing.append(f"{name} {action.option_strings or action.dest}")

    walk(build_parser(), "unifer")
    assert missing == []


def test_every_file_the_cli_writes_is_readable_by_the_user_alone(data_dir, labelled_set, tmp_path):
    """--output, --annotate, --timeline and eval's --plot hold faces or readings: 0600 under a
    umask that would make them readable by everyone."""
    import os
    import stat

    def run(*args: object) -> None:
        result = subprocess.run(
            [*UNIFER, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=180,
            preexec_fn=lambda: os.umask(0o022),
        )
        assert result.returncode == 0, result.stderr

    existing = tmp_path / "results.json"
    existing.write_text("old")
    existing.chmod(0o644)
    run("analyze", data_dir / "single_face.jpg", "--format", "json", "--output", existing, "--annotate", tmp_path / "a")
    run(
        "analyze",
        data_dir / "single_face.mp4",
        "--fps",
        "2",
        "--timeline",
        tmp_path / "t.png",
        "--output",
        tmp_path / "v",
    )
    run("eval", labelled_set, "--plot", tmp_path / "cm.png")
    written = [existing, tmp_path / "a" / "single_face.png", tmp_path / "t.png", tmp_path / "v", tmp_path / "cm.png"]
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in written} == {
        path.name: "0o600" for path in written
    }
    assert json.loads(existing.read_text())[0]["faces"]  # the old file was replaced, not appended to
    with Image.open(tmp_path / "a" / "single_face.png") as copy:
        assert copy.format == "PNG"


def test_eval_by_a_column_of_labels_csv(labelled_set):
    rows = ["path,subject"] + [
        f"{label}/{name},{'posed' if name[0].isdigit() else 'other'}"
        for label, names in EVAL_LAYOUT.items()
        for name in names
    ]
    (labelled_set / "labels.csv").write_text("\n".join(rows) + "\n")
    out = unifer("eval", labelled_set, "--by", "subject").stdout
    # posed: the surprise and the smile are right, the anger reads sadness; other: 2 smiles of 3
    assert "accuracy per group (2 groups; lowest 66.7%, highest 66.7%): other 66.7% (3), posed 66.7% (3)" in out
    document = json.loads(unifer("eval", labelled_set, "--by", "subject", "--format", "json").stdout)
    assert document["by"] == {"other": {"images": 3, "accuracy": 2 / 3}, "posed": {"images": 3, "accuracy": 2 / 3}}
    missing = unifer("eval", labelled_set, "--by", "film")
    assert missing.returncode == 2 and "no 'path' and 'film' columns (it has: path, subject)" in missing.stderr

"""The Python API as a researcher uses it: options, arrays from OpenCV or NumPy, errors they can
see, many images over processes, tables for pandas, and a cluster recipe on Dask."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import unifer_tray
from unifer_tray import ImageError, analyze_image, analyze_images
from unifer_tray.result import RECORD_FIELDS


def test_a_missing_file_is_visible_or_raised(tmp_path):
    analysis = analyze_image(tmp_path / "missing.jpg")
    assert analysis.failed and analysis.error == "file not found" and analysis.faces == []
    with pytest.raises(ImageError, match=r"missing\.jpg: file not found"):
        analyze_image(tmp_path / "missing.jpg", raise_on_error=True)


def test_arrays_in_every_common_form_read_the_same(data_dir):
    rgb = np.asarray(Image.open(data_dir / "single_face.jpg").convert("RGB"))
    reference = analyze_image(rgb).faces[0]
    forms = {
        "float in [0, 1]": (rgb / 255.0, {}),
        "float32 in [0, 255]": (rgb.astype(np.float32), {}),
        "BGR from OpenCV": (np.ascontiguousarray(rgb[..., ::-1]), {"bgr": True}),
    }
    for name, (pixels, options) in forms.items():
        face = analyze_image(pixels, **options).faces[0]
        assert face.expression == reference.expression, name
        assert abs(face.confidence - reference.confidence) < 0.02, name


@pytest.mark.parametrize(
    ("pixels", "message"),
    [
        (np.full((64, 64, 3), 4000, np.uint16), "scale them to 0-255"),
        (np.full((64, 64, 3), -1.0), "expected 0-255"),
        (np.full((64, 64, 3), np.nan), "expected 0-255"),
        (np.zeros((64, 64, 5), np.uint8), "unsupported pixel array"),
    ],
)
def test_arrays_that_would_silently_find_nothing_are_errors(pixels, message):
    analysis = analyze_image(pixels)
    assert analysis.failed and message in analysis.error


def test_options_reach_the_detector(data_dir):
    from unifer_tray.pipeline import Setup, loaded

    assert len(analyze_image(data_dir / "multi_face.jpg", min_face=60).faces) == 5  # 110 px faces
    assert loaded(Setup(min_face=60.0)).analyzer.detector.settings.min_face == 60.0
    assert loaded(Setup()).analyzer.detector.settings.min_face == 30.0  # the default


def test_many_images_over_processes_keep_their_order(data_dir, tmp_path):
    paths = [data_dir / "single_face.jpg", tmp_path / "missing.jpg", data_dir / "multi_face.jpg"]
    results = list(analyze_images(paths, jobs=2))
    assert [len(a.faces) for a in results] == [1, 0, 5] and results[1].error == "file not found"


def test_records_and_a_dataframe(data_dir):
    analysis = analyze_image(data_dir / "multi_face.jpg")
    records = analysis.to_records()
    assert len(records) == 5 and tuple(records[0]) == RECORD_FIELDS
    assert records[0]["expression"] == "happiness" and records[0]["error"] is None
    assert analyze_image(data_dir / "free-mountain-vector-01.jpg").to_records()[0]["face"] is None
    frame = analysis.to_dataframe()  # pandas is in the test extra, optional for users
    assert list(frame.columns) == list(RECORD_FIELDS) and len(frame) == 5
    both = unifer_tray.records_dataframe([analysis, analyze_image(data_dir / "single_face.jpg")])
    assert len(both) == 6


def _analyze_on_a_worker(path: str) -> tuple[int, str, int]:
    """What a Dask task runs: the shared pipeline of that worker process (loaded once)."""
    from unifer_tray.pipeline import _LOADED

    analysis = analyze_image(path)
    return os.getpid(), analysis.faces[0].expression if analysis.faces else "-", len(_LOADED.pipelines)


def test_the_dask_recipe_runs_on_a_local_cluster(data_dir):
    """README's recipe for datasets larger than one machine, on a LocalCluster of 2 processes."""
    import dask.bag
    from dask.distributed import Client, LocalCluster

    files = [str(path) for path in sorted(Path(data_dir).glob("*.jpg"))] * 2
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        results = dask.bag.from_sequence(files, npartitions=4).map(_analyze_on_a_worker).compute()
    assert len(results) == len(files)
    assert {expression for _, expression, _ in results} >= {"happiness"}
    assert {loaded for _, _, loaded in results} == {1}  # each worker built its pipeline once
    assert 1 <= len({pid for pid, _, _ in results}) <= 2 and os.getpid() not in {pid for pid, _, _ in results}


def test_paths_come_back_in_input_order_images_and_videos_alike(data_dir, tmp_path):
    from unifer_tray.pipeline import Options, analyze_paths

    paths = [data_dir / "single_face.jpg", data_dir / "single_face.mp4", tmp_path / "missing.jpg"]
    reads = list(analyze_paths(paths, Options(fps=2), jobs=2))
    assert [read.path for read in reads if read.last] == paths  # one last result per input, in order
    frames = [read for read in reads if read.video]
    assert [read.analysis.time_s for read in frames] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert all(face.track == 1 for read in frames for face in read.analysis.faces)
    assert reads[-1].analysis.error == "file not found"


def test_a_profile_is_applied_in_one_place_whatever_the_number_of_processes(data_dir):
    from unifer_tray.pipeline import Options, analyze_paths
    from unifer_tray.profile.calibration import Calibration

    profile = Calibration("me", (2.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0))  # neutral up, happiness down
    paths = [data_dir / "single_face.jpg", data_dir / "multi_face.jpg"] * 2
    one, two = (
        [read.analysis.to_dict() for read in analyze_paths(paths, Options(profile=profile), jobs=jobs)]
        for jobs in (1, 2)
    )
    for document in one:
        document.pop("timings_ms")
    for document in two:
        document.pop("timings_ms")
    assert one == two and one[0]["profile"] == "me" and one[0]["faces"][0]["base_expression"] == "happiness"

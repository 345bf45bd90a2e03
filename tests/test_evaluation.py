"""Evaluation on a labelled folder: the confusion matrix, accuracy, recall, and what was skipped."""

from __future__ import annotations

import shutil

import pytest

from unifer_tray.evaluation import NO_FACE, DatasetError, evaluate, find_dataset


@pytest.fixture
def labelled(data_dir, tmp_path):
    layout = {"happiness": ["single_face.jpg"], "neutral": ["free-mountain-vector-01.jpg"], "contempt": []}
    for label, names in layout.items():
        (tmp_path / label).mkdir()
        for name in names:
            shutil.copy(data_dir / name, tmp_path / label / name)
    return tmp_path


def test_a_labelled_folder_is_scored_with_no_face_as_its_own_column(labelled, pipeline):
    items, ignored = find_dataset(labelled)
    assert sorted(label for _, label in items) == ["happiness", "neutral"]
    assert any("contempt" in reason for reason in ignored)
    result = evaluate((label, pipeline.run(path)[0], None) for path, label in items)
    assert result.scored == 2 and result.accuracy == 0.5
    assert [(truth, predicted) for _, truth, predicted in result.errors] == [("neutral", NO_FACE)]
    assert result.recall()["happiness"] == 1.0


def test_a_folder_without_labels_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError):
        find_dataset(tmp_path)

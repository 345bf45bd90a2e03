"""The five-person photo, analysed once for the describe tests: its analysis and pixels."""

import pytest


@pytest.fixture(scope="module")
def group(pipeline, data_dir):
    analysis, rgb = pipeline.run(data_dir / "multi_face.jpg")
    assert len(analysis.faces) == 5
    return analysis, rgb

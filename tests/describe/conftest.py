"""A real group photo, analysed once for the describe tests."""

import pytest


@pytest.fixture(scope="module")
def group(pipeline, data_dir):
    return pipeline.run(data_dir / "multi_face.jpg")

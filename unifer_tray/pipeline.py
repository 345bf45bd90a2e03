"""The one path every front end takes: input -> pixels -> vision -> description -> :class:`Analysis`.

The CLI and the tray are thin shells over :class:`Pipeline` (built by `Pipeline.from_config`)
and the `outcome` step; failures come back inside the Analysis (``error``) rather than as
exceptions, so a batch never stops on one bad file.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image

from .config import OllamaConfig
from .imaging import ImageError, collect_images, from_array, load_rgb, to_rgb
from .result import Analysis
from .vision import DetectorSettings, FaceAnalyzer, ModelError
from .vision.detector import SCREEN_SETTINGS

if TYPE_CHECKING:  # the describe layer (ollama, httpx, pydantic) loads only when it is used
    from .describe import Describer

ImageInput = str | Path | bytes | Image.Image | np.ndarray  # bytes: an encoded file (stdin)
# "screen": interactive captures, detection within about 25 ms on a 1080p screen (faces from
# about 45 px); "photo": files, faces down to `min_face`.
Speed = Literal["photo", "screen"]


__all__ = ["ImageInput", "ModelError", "Pipeline", "Speed", "analyze_image", "find_images"]


def find_images(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The image files under `paths` (folders recursively), and the inputs that are not usable
    with the reason; what the shells hand to `Pipeline.run` one by one."""
    return collect_images(paths)


class Pipeline:
    def __init__(self, settings: DetectorSettings | None = None, threads: int = 1, describer: Describer | None = None):
        self.analyzer = FaceAnalyzer(settings, threads)
        self.describer = describer  # None: classifier only (the CLI's default)

    @classmethod
    def from_config(
        cls,
        ollama: OllamaConfig | None,
        *,
        speed: Speed = "photo",
        min_face: float | None = None,
        threads: int = 1,
    ) -> Pipeline:
        """How both shells build their pipeline. `ollama`: describe with that server, None: do not."""
        settings = SCREEN_SETTINGS if speed == "screen" else DetectorSettings()
        if min_face is not None:
            settings = replace(settings, min_face=min_face)
        pipeline = cls(settings, threads)
        pipeline.describe_with(ollama)
        return pipeline

    def describe_with(self, ollama: OllamaConfig | None) -> None:
        """Turn descriptions on (with that Ollama config) or off (None)."""
        if ollama is None:
            self.describer = None
            return
        from .describe import Describer

        self.describer = Describer(ollama)

    @property
    def model_versions(self) -> list[str]:
        return [info.version for info in self.analyzer.models]

    def load(self, image: ImageInput) -> np.ndarray:
        if isinstance(image, np.ndarray):
            return from_array(image)
        if isinstance(image, Image.Image):
            return to_rgb(image)
        return load_rgb(image if isinstance(image, bytes) else Path(image))

    def run(
        self, image: ImageInput, source: str | None = None, whole: bool = False, cancel: threading.Event | None = None
    ) -> tuple[Analysis, np.ndarray | None]:
        """The analysis and the RGB pixels it was made from (None when the input failed).

        ``cancel``: set it to give up on the description (a newer capture supersedes this one).
        """
        if source is None:
            source = str(image) if isinstance(image, str | Path) else "<image>"
        start = time.perf_counter()
        try:
            rgb = self.load(image)
        except ImageError as exc:
            return Analysis.from_error(source, str(exc)), None
        loaded = time.perf_counter()
        faces, timings = self.analyzer.analyze(rgb, whole=whole)
        timings = {"load": (loaded - start) * 1000, **timings}
        analysis = Analysis(source=source, width=int(rgb.shape[1]), height=int(rgb.shape[0]), faces=faces)
        if self.describer is not None:
            analysis = self.describer.describe(analysis, rgb, cancel)
            if analysis.description is not None:
                timings["describe"] = analysis.description.elapsed_ms
        timings["total"] = (time.perf_counter() - start) * 1000
        analysis.timings_ms = {stage: round(ms, 2) for stage, ms in timings.items()}
        return analysis, rgb

    def analyze(self, image: ImageInput, source: str | None = None, whole: bool = False) -> Analysis:
        """Analyse one image; ``whole`` treats it as a single pre-cropped face."""
        return self.run(image, source, whole)[0]


_default: Pipeline | None = None


def analyze_image(image: ImageInput, source: str | None = None, whole: bool = False) -> Analysis:
    """Analyse one image with a shared, lazily created pipeline (the models load once)."""
    global _default
    if _default is None:
        _default = Pipeline()
    return _default.analyze(image, source=source, whole=whole)

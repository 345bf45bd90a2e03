"""The one path every front end takes: input -> pixels -> vision -> description -> :class:`Analysis`.

The CLI and the tray are thin shells over :class:`Pipeline` (built by `Pipeline.from_config`)
and the `outcome` step; failures come back inside the Analysis (``error``) rather than as
exceptions, so a batch never stops on one bad file.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
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
    from .profile.calibration import Calibration
    from .profile.store import CalibrationCache

ImageInput = str | Path | bytes | Image.Image | np.ndarray  # bytes: an encoded file (stdin)
# "screen": interactive captures, detection within about 25 ms on a 1080p screen (faces from
# about 45 px); "photo": files, faces down to `min_face`.
Speed = Literal["photo", "screen"]
FULL_DETECTION_S = 0.5  # videos: a whole detection at least this often, for faces that appear


__all__ = [
    "ImageError",
    "ImageInput",
    "ModelError",
    "Pipeline",
    "Speed",
    "analyze_image",
    "analyze_images",
    "analyze_many",
    "find_images",
    "load_profile",
]


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

    def load(self, image: ImageInput, bgr: bool = False) -> np.ndarray:
        if isinstance(image, np.ndarray):
            return from_array(image, bgr=bgr)
        if isinstance(image, Image.Image):
            return to_rgb(image)
        return load_rgb(image if isinstance(image, bytes) else Path(image))

    def run(
        self,
        image: ImageInput,
        source: str | None = None,
        whole: bool = False,
        cancel: threading.Event | None = None,
        bgr: bool = False,
        follow: list[list[int]] | None = None,
        profile: Calibration | None = None,
    ) -> tuple[Analysis, np.ndarray | None]:
        """The analysis and the RGB pixels it was made from (None when the input failed).

        ``cancel``: set it to give up on the description (a newer capture supersedes this one).
        ``bgr``: a numpy array in OpenCV's channel order.
        ``profile``: read the faces with this expression profile (before describing them, so the
        language model's tie-break works on the personal reading).
        """
        if source is None:
            source = str(image) if isinstance(image, str | Path) else "<image>"
        start = time.perf_counter()
        try:
            rgb = self.load(image, bgr=bgr)
        except ImageError as exc:
            return Analysis.from_error(source, str(exc)), None
        loaded = time.perf_counter()
        faces, timings = self.analyzer.analyze(rgb, whole=whole, follow=follow)
        timings = {"load": (loaded - start) * 1000, **timings}
        analysis = Analysis(source=source, width=int(rgb.shape[1]), height=int(rgb.shape[0]), faces=faces)
        if profile is not None:
            analysis = profile.apply(analysis)
        if self.describer is not None:
            analysis = self.describer.describe(analysis, rgb, cancel)
            if analysis.description is not None:
                timings["describe"] = analysis.description.elapsed_ms
        timings["total"] = (time.perf_counter() - start) * 1000
        analysis.timings_ms = {stage: round(ms, 2) for stage, ms in timings.items()}
        return analysis, rgb

    def analyze_video(
        self,
        path: Path,
        *,
        fps: float,
        smooth: float = 0.0,
        whole: bool = False,
        profile: Calibration | None = None,
    ) -> Iterator[Analysis]:
        """One record per sampled frame, with `frame`, `time_s` and each face's `track`.

        Between full detections (every FULL_DETECTION_S of video time, or when a face is lost)
        the faces of the previous frame are looked for again where they were, which is several
        times cheaper. Raises video.VideoError, after the frames that could be read."""
        from .video import frames

        stream = FrameStream(self, str(path), smooth=smooth, whole=whole, profile=profile)
        for frame in frames(path, fps):
            yield stream.analyze(frame.rgb, frame.time_s, frame.index)

    def analyze(
        self,
        image: ImageInput,
        source: str | None = None,
        whole: bool = False,
        bgr: bool = False,
        profile: Calibration | None = None,
    ) -> Analysis:
        """Analyse one image; ``whole`` treats it as a single pre-cropped face."""
        return self.run(image, source, whole, bgr=bgr, profile=profile)[0]


class FrameStream:
    """Consecutive frames of one video or camera: faces followed as tracks, and between full
    detections (every FULL_DETECTION_S, or when a face is lost) looked for again where they were.
    Shared by `unifer analyze` on videos and the tray's live view."""

    def __init__(
        self,
        pipeline: Pipeline,
        source: str,
        smooth: float = 0.0,
        whole: bool = False,
        profile: Calibration | None = None,
    ) -> None:
        from .video.timeline import Smoother
        from .video.tracking import Tracker

        self.pipeline, self.source, self.whole, self.profile = pipeline, source, whole, profile
        self.tracker = Tracker()
        self.smoother = Smoother(smooth) if smooth else None
        self.previous: list[list[int]] = []
        self.detected_at = -np.inf

    def analyze(self, rgb: np.ndarray, time_s: float, index: int) -> Analysis:
        fresh = time_s - self.detected_at >= FULL_DETECTION_S or not self.previous
        follow = None if fresh else self.previous
        analysis, _ = self.pipeline.run(rgb, source=self.source, whole=self.whole, follow=follow, profile=self.profile)
        if fresh:
            self.detected_at = time_s
        analysis.frame, analysis.time_s = index, time_s
        for face in self.tracker.assign(analysis.faces, time_s):
            if self.smoother is not None:
                self.smoother.apply(face, time_s)
        self.previous = [face.box for face in analysis.faces]
        return analysis


_shared: dict[tuple[float | None, bool], Pipeline] = {}
_profiles: CalibrationCache | None = None


def _shared_pipeline(min_face: float | None, describe: bool) -> Pipeline:
    """One pipeline per set of options, created at first use (the models load once)."""
    key = (min_face, describe)
    if key not in _shared:
        ollama = None
        if describe:
            from .config import load_config

            ollama = load_config().ollama
        _shared[key] = Pipeline.from_config(ollama, min_face=min_face)
    return _shared[key]


def analyze_image(
    image: ImageInput,
    source: str | None = None,
    *,
    whole: bool = False,
    bgr: bool = False,
    min_face: float | None = None,
    describe: bool = False,
    raise_on_error: bool = False,
    profile: str | None = None,
) -> Analysis:
    """Analyse one image: a path, encoded bytes, a PIL image or a numpy array.

    A file that cannot be read is a result with `.error` set (`.failed` is True), so a loop over
    many files goes on; `raise_on_error=True` raises ImageError instead. `describe` asks the
    local vision model configured for `unifer` (see `unifer config`). `profile`: read the faces
    with that expression profile (`unifer profile`); raises profile.ProfileError if it cannot be
    used."""
    analysis = _shared_pipeline(min_face, describe).analyze(
        image, source=source, whole=whole, bgr=bgr, profile=load_profile(profile) if profile else None
    )
    if raise_on_error and analysis.error:
        raise ImageError(f"{analysis.source}: {analysis.error}")
    return analysis


def load_profile(name: str) -> Calibration:
    """The named expression profile, fitted; raises profile.ProfileError with the reason. Kept
    while its file is unchanged, so `analyze_image(..., profile=)` in a loop reads the keyring once."""
    from .profile.store import CalibrationCache, ProfileStore

    global _profiles
    store = ProfileStore()
    _profiles = _profiles or CalibrationCache()
    calibration = _profiles.get(store, name)
    if calibration is None:  # no such profile: says which there are (or, created meanwhile, reads it)
        store.require(name)
        calibration = store.calibration(name)
    return calibration


def analyze_images(
    images: Iterable[ImageInput],
    *,
    jobs: int | None = None,
    whole: bool = False,
    min_face: float | None = None,
    profile: str | None = None,
) -> Iterator[Analysis]:
    """Analyse many images over `jobs` processes (default: one per core), in input order.

    Each process loads the models once; a failure is that image's `.error`, the rest go on."""
    calibration = load_profile(profile) if profile else None
    for analysis, _ in analyze_many(
        list(images), jobs=jobs or os.cpu_count() or 1, whole=whole, min_face=min_face, profile=calibration
    ):
        yield analysis


def analyze_many(
    images: list[ImageInput],
    *,
    jobs: int,
    whole: bool = False,
    min_face: float | None = None,
    threads: int = 1,
    keep_pixels: bool = False,
    profile: Calibration | None = None,
) -> Iterator[tuple[Analysis, np.ndarray | None]]:
    """(analysis, pixels if kept) per image, in input order; over processes when that pays.
    ``profile`` is applied here, not in the workers: it is a vector addition per face."""
    jobs = min(jobs, len(images))
    if jobs <= 1:
        pipeline = Pipeline.from_config(None, min_face=min_face, threads=threads)
        for image in images:
            analysis, rgb = pipeline.run(image, whole=whole, profile=profile)
            yield analysis, rgb if keep_pixels else None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(min_face, threads)) as pool:
        for analysis, rgb in pool.map(_run_in_worker, [(image, whole, keep_pixels) for image in images], chunksize=4):
            yield (profile.apply(analysis) if profile else analysis), rgb


_worker_pipeline: Pipeline | None = None


def _start_worker(min_face: float | None, threads: int) -> None:
    """Each worker process loads the models once."""
    global _worker_pipeline
    _worker_pipeline = Pipeline.from_config(None, min_face=min_face, threads=threads)


def _run_in_worker(job: tuple[ImageInput, bool, bool]) -> tuple[Analysis, np.ndarray | None]:
    image, whole, keep_pixels = job
    assert _worker_pipeline is not None, "_start_worker runs first in every worker"
    analysis, rgb = _worker_pipeline.run(image, whole=whole)
    return analysis, rgb if keep_pixels else None

"""The one path every front end takes: input -> pixels -> vision -> description -> :class:`Analysis`.

Two ways in. `Pipeline.run(image, options)` reads one image (a path, bytes, a PIL image or an
array: the tray's captures, stdin, the API); `analyze_paths(paths, options, setup)` reads files
and folders' worth of inputs, images and videos alike, in input order, and owns the process
pool. Frames of a video or the camera go through a `FrameStream`, which follows faces between
full detections and leaves tracks and smoothing to `video/`. The CLI and the tray are thin
shells over these and the `outcome` step; failures come back inside the Analysis (``error``)
rather than as exceptions, so a batch never stops on one bad file.

The one module-level cache is `_LOADED`: pipelines by setup, so the models load once per process
(the API's `analyze_image` in a loop, each worker of the pool), and fitted expression profiles.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image

from .config import OllamaConfig
from .formats import is_video
from .imaging import ImageError, collect_images, from_array, load_rgb, to_rgb
from .result import Analysis
from .vision import DetectorSettings, FaceAnalyzer, Geometry, ModelError
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
OnReading = Callable[[Analysis, np.ndarray], None]  # the reading before its description, and its pixels


__all__ = [
    "ImageError",
    "ImageInput",
    "ModelError",
    "Options",
    "Pipeline",
    "Read",
    "Setup",
    "Speed",
    "analyze_image",
    "analyze_images",
    "analyze_paths",
    "find_images",
    "geometry_option",
    "load_profile",
]


@dataclass(frozen=True)
class Options:
    """How to read an input, the same for one image, a batch, a video and the camera."""

    whole: bool = False  # the input is one pre-cropped face
    bgr: bool = False  # numpy arrays in OpenCV's channel order
    profile: Calibration | None = None  # read the faces with this expression profile
    fps: float = 2.0  # videos: frames per second of video time (0: every frame)
    smooth: float = 0.0  # videos: labels smoothed over this many seconds
    geometry: Geometry = None  # "pose": head pose, eye and mouth openness; "mesh": the points too


def geometry_option(geometry: bool, landmarks: bool) -> Geometry:
    """The shells' two switches (`--geometry`, `--landmarks`) as one option; the mesh implies
    the rest."""
    return "mesh" if landmarks else "pose" if geometry else None


@dataclass(frozen=True)
class Setup:
    """How a pipeline is built: what the shells choose."""

    speed: Speed = "photo"
    min_face: float | None = None
    threads: int = 1
    ollama: OllamaConfig | None = field(default=None, compare=False)  # None: no descriptions

    @property
    def key(self) -> tuple[Speed, float | None, int, bool]:
        return self.speed, self.min_face, self.threads, self.ollama is not None


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
        """How the shells build their pipeline. `ollama`: describe with that server, None: do not."""
        return cls.from_setup(Setup(speed, min_face, threads, ollama))

    @classmethod
    def from_setup(cls, setup: Setup) -> Pipeline:
        settings = SCREEN_SETTINGS if setup.speed == "screen" else DetectorSettings()
        if setup.min_face is not None:
            settings = replace(settings, min_face=setup.min_face)
        pipeline = cls(settings, setup.threads)
        pipeline.describe_with(setup.ollama)
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
        options: Options = Options(),
        *,
        source: str | None = None,
        cancel: threading.Event | None = None,
        on_reading: OnReading | None = None,
    ) -> tuple[Analysis, np.ndarray | None]:
        """The analysis and the RGB pixels it was made from (None when the input failed).

        ``source``: what the result names as its input (default: the path, or "<image>");
        ``cancel``: set it to give up on the description (a newer capture supersedes this one);
        ``on_reading``: called with the classifier's reading before the description is asked
        for, so a shell can show it at once (the tray); not called when nothing is described.
        """
        if source is None:
            source = str(image) if isinstance(image, str | Path) else "<image>"
        start = time.perf_counter()
        try:
            rgb = self.load(image, bgr=options.bgr)
        except ImageError as exc:
            return Analysis.from_error(source, str(exc)), None
        return self._read(rgb, source, options, start, cancel=cancel, on_reading=on_reading), rgb

    def _read(
        self,
        rgb: np.ndarray,
        source: str,
        options: Options,
        start: float,
        cancel: threading.Event | None = None,
        follow: list[list[int]] | None = None,
        on_reading: OnReading | None = None,
    ) -> Analysis:
        """Vision, then the profile (before describing, so the language model's tie-break works
        on the personal reading), then the description. `follow`: the boxes of the previous
        frame to look at again instead of a whole detection (FrameStream)."""
        loaded = time.perf_counter()
        faces, timings = self.analyzer.analyze(rgb, whole=options.whole, follow=follow, geometry=options.geometry)
        timings = {"load": (loaded - start) * 1000, **timings}
        analysis = Analysis(source=source, width=int(rgb.shape[1]), height=int(rgb.shape[0]), faces=faces)
        if options.profile is not None:
            analysis = options.profile.apply(analysis)
        if self.describer is not None:
            if on_reading is not None and self.describer.will_ask(analysis):
                on_reading(_timed(replace(analysis), timings, start), rgb)
            analysis = self.describer.describe(analysis, rgb, cancel)
            if analysis.description is not None:
                timings["describe"] = analysis.description.elapsed_ms
        return _timed(analysis, timings, start)


def _timed(analysis: Analysis, timings: dict[str, float], start: float) -> Analysis:
    """The analysis with its stage timings and the total so far, in milliseconds."""
    analysis.timings_ms = {
        **{stage: round(ms, 2) for stage, ms in timings.items()},
        "total": round((time.perf_counter() - start) * 1000, 2),
    }
    return analysis


class FrameStream:
    """Consecutive frames of one video or camera: between full detections (every
    FULL_DETECTION_S, or when a face is lost) the faces are looked for again where they were,
    several times cheaper; then `video/` follows them as tracks and smooths their labels.
    Shared by `analyze_paths` on videos and the tray's live view."""

    def __init__(self, pipeline: Pipeline, source: str, options: Options = Options()) -> None:
        from .video.timeline import Smoother
        from .video.tracking import Tracker

        self.pipeline, self.source, self.options = pipeline, source, options
        self.tracker = Tracker()
        self.smoother = Smoother(options.smooth) if options.smooth else None
        self.previous: list[list[int]] = []
        self.detected_at = -np.inf

    def analyze(self, rgb: np.ndarray, time_s: float, index: int) -> Analysis:
        fresh = time_s - self.detected_at >= FULL_DETECTION_S or not self.previous
        analysis = self.pipeline._read(
            rgb, self.source, self.options, time.perf_counter(), follow=None if fresh else self.previous
        )
        if fresh:
            self.detected_at = time_s
        analysis.frame, analysis.time_s = index, time_s
        for face in self.tracker.assign(analysis.faces, time_s):
            if self.smoother is not None:
                self.smoother.apply(face, time_s)
        self.previous = [face.box for face in analysis.faces]
        return analysis


@dataclass
class Read:
    """One result of `analyze_paths`: an image's analysis, or one sampled frame of a video."""

    path: Path
    analysis: Analysis
    rgb: np.ndarray | None  # the pixels, when kept (`keep_pixels`)
    video: bool = False
    last: bool = True  # the last result of this path


@dataclass
class _Loaded:
    """What is loaded once per process: pipelines by setup (the models), and fitted expression
    profiles (the keyring is read again only when a profile's file changes)."""

    pipelines: dict[tuple[Speed, float | None, int, bool], Pipeline] = field(default_factory=dict)
    calibrations: CalibrationCache | None = None


_LOADED = _Loaded()  # the one module-level cache


def loaded(setup: Setup) -> Pipeline:
    """The pipeline for `setup`, loaded once per process."""
    if setup.key not in _LOADED.pipelines:
        _LOADED.pipelines[setup.key] = Pipeline.from_setup(setup)
    return _LOADED.pipelines[setup.key]


def analyze_paths(
    paths: Sequence[Path],
    options: Options = Options(),
    setup: Setup = Setup(),
    *,
    jobs: int = 1,
    keep_pixels: bool = False,
) -> Iterator[Read]:
    """Every path's results in input order: an image's analysis, or a video's sampled frames
    (faces followed as tracks; a video that cannot be read, or not to its end, adds an error
    record after what could be read). Images go over `jobs` processes when that pays;
    descriptions run in this process only, since a local Ollama serves one image at a time."""
    from .capture.frames import VideoError, frames

    videos = {path for path in paths if is_video(path)}
    images = [path for path in paths if path not in videos]
    image_reads = _images(images, options, setup, 1 if setup.ollama is not None else jobs, keep_pixels)
    for path in paths:
        if path not in videos:
            analysis, rgb = next(image_reads)
            yield Read(path, analysis, rgb)
            continue
        stream = FrameStream(loaded(setup), str(path), options)
        previous: Analysis | None = None
        try:
            for frame in frames(path, options.fps):
                if previous is not None:
                    yield Read(path, previous, None, video=True, last=False)
                previous = stream.analyze(frame.rgb, frame.time_s, frame.index)
        except VideoError as exc:
            if previous is not None:
                yield Read(path, previous, None, video=True, last=False)
            previous = Analysis.from_error(str(path), str(exc))
        if previous is not None:
            yield Read(path, previous, None, video=True)


def _images(
    images: Sequence[ImageInput], options: Options, setup: Setup, jobs: int, keep_pixels: bool
) -> Iterator[tuple[Analysis, np.ndarray | None]]:
    """(analysis, pixels if kept) per image, in input order; over processes when that pays."""
    if min(jobs, len(images)) <= 1:
        for image in images:
            analysis, rgb = loaded(setup).run(image, options)
            yield analysis, rgb if keep_pixels else None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(jobs, len(images)), initializer=loaded, initargs=(setup,)) as pool:
        work = [(image, options, setup, keep_pixels) for image in images]
        yield from pool.map(_run_in_worker, work, chunksize=4)


def _run_in_worker(job: tuple[ImageInput, Options, Setup, bool]) -> tuple[Analysis, np.ndarray | None]:
    image, options, setup, keep_pixels = job
    analysis, rgb = loaded(setup).run(image, options)  # loaded by the initializer, once per process
    return analysis, rgb if keep_pixels else None


# -- the Python API (README "Python API"): an image, many images, a profile by name ----------------


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
    geometry: bool = False,
    landmarks: bool = False,
) -> Analysis:
    """Analyse one image: a path, encoded bytes, a PIL image or a numpy array.

    A file that cannot be read is a result with `.error` set (`.failed` is True), so a loop over
    many files goes on; `raise_on_error=True` raises ImageError instead. `describe` asks the
    local vision model configured for `unifer` (see `unifer config`). `profile`: read the faces
    with that expression profile (`unifer profile`); raises profile.ProfileError if it cannot be
    used. `geometry`: add each face's head pose and eye and mouth openness; `landmarks`: and its
    468 mesh points (README, "Face geometry")."""
    ollama = None
    if describe:
        from .config import load_config

        ollama = load_config().ollama
    pipeline = loaded(Setup(min_face=min_face, ollama=ollama))
    options = Options(
        whole=whole,
        bgr=bgr,
        profile=load_profile(profile) if profile else None,
        geometry=geometry_option(geometry, landmarks),
    )
    analysis = pipeline.run(image, options, source=source)[0]
    if raise_on_error and analysis.error:
        raise ImageError(f"{analysis.source}: {analysis.error}")
    return analysis


def load_profile(name: str) -> Calibration:
    """The named expression profile, fitted; raises profile.ProfileError with the reason. Kept
    while its file is unchanged, so `analyze_image(..., profile=)` in a loop reads the keyring once."""
    from .profile.store import CalibrationCache, ProfileStore

    store = ProfileStore()
    _LOADED.calibrations = _LOADED.calibrations or CalibrationCache()
    calibration = _LOADED.calibrations.get(store, name)
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
    geometry: bool = False,
    landmarks: bool = False,
) -> Iterator[Analysis]:
    """Analyse many images over `jobs` processes (default: one per core), in input order.

    Each process loads the models once; a failure is that image's `.error`, the rest go on.
    The options are `analyze_image`'s."""
    options = Options(
        whole=whole, profile=load_profile(profile) if profile else None, geometry=geometry_option(geometry, landmarks)
    )
    setup = Setup(min_face=min_face)
    for analysis, _ in _images(list(images), options, setup, jobs or os.cpu_count() or 1, keep_pixels=False):
        yield analysis

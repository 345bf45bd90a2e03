"""Loading the shipped ONNX models: from the installed package only, checked against manifest.json.

Nothing is ever downloaded. A file whose sha256 does not match the manifest is refused with a
message that says to reinstall, because a silently different model gives silently different
results.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import onnxruntime as ort


class ModelError(RuntimeError):
    """A shipped model is missing, altered or unloadable."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    file: str
    labels: tuple[str, ...]
    preprocessing: dict[str, Any]
    sha256: str
    source: dict[str, str]
    license: str
    crop: dict[str, Any]  # classifiers: margin (crop side / box side), alignment, mirror-image averaging

    @property
    def version(self) -> str:
        return f"{self.source['package']} {self.source['version']}"


def _models_dir():
    return resources.files("unifer_tray.models")


@cache
def manifest() -> dict[str, ModelInfo]:
    try:
        raw = json.loads((_models_dir() / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, json.JSONDecodeError) as exc:
        raise ModelError(f"the model manifest is missing or unreadable ({exc}); reinstall unifer-tray") from None
    return {
        name: ModelInfo(
            name=name,
            file=entry["file"],
            labels=tuple(entry["labels"]),
            preprocessing=entry["preprocessing"],
            sha256=entry["sha256"],
            source=entry["source"],
            license=entry["license"],
            crop=entry.get("crop", {}),
        )
        for name, entry in raw["models"].items()
    }


def model_bytes(info: ModelInfo) -> bytes:
    """The verified bytes of a shipped model."""
    path = _models_dir() / info.file
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"model file {info.file} is missing from the installation; reinstall unifer-tray") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != info.sha256:
        raise ModelError(
            f"model file {info.file} does not match its recorded sha256 "
            f"(expected {info.sha256[:12]}…, found {digest[:12]}…): the installation is damaged "
            "or was modified; reinstall unifer-tray"
        )
    return data


def open_session(
    name: str, threads: int = 1, fixed: dict[str, int] | None = None
) -> tuple[ort.InferenceSession, ModelInfo]:
    """An onnxruntime CPU session for a shipped model.

    One thread is the default: these nets are small, and on a 2-core machine onnxruntime's own
    thread pool made a batch of 200 photos 2.5x slower (benchmarks/bench_analysis.py).
    `fixed` pins named free input dimensions (e.g. {"H": 256, "W": 256}): onnxruntime then plans
    for that shape, about 20 % faster for BlazeFace than with free dimensions.
    """
    try:
        info = manifest()[name]
    except KeyError:
        raise ModelError(f"no shipped model named {name!r}") from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    for dimension, size in (fixed or {}).items():
        options.add_free_dimension_override_by_name(dimension, size)
    try:
        session = ort.InferenceSession(model_bytes(info), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"cannot load model {info.file}: {exc}") from None
    return session, info

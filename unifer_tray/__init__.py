"""UniFER tray: on-device facial expression analysis.

>>> from unifer_tray import analyze_image
>>> analysis = analyze_image("photo.jpg")
>>> [(f.expression, f.confidence) for f in analysis.faces]
"""

from .result import LABELS, Analysis, Face

__version__ = "0.1.0"
__all__ = [
    "LABELS",
    "Analysis",
    "Face",
    "ImageError",
    "Pipeline",
    "__version__",
    "analyze_image",
    "analyze_images",
    "records_dataframe",
]

_LAZY = {
    "analyze_image": "pipeline",
    "analyze_images": "pipeline",
    "Pipeline": "pipeline",
    "ImageError": "imaging",
    "records_dataframe": "result",
}


def __getattr__(name: str):
    """Load the pipeline (onnxruntime, the models) only when it is used: an idle tray does not need it."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""UniFER tray: on-device facial expression analysis.

>>> from unifer_tray import analyze_image
>>> analysis = analyze_image("photo.jpg")
>>> [(f.expression, f.confidence) for f in analysis.faces]
"""

import os
import sys
import warnings

# onnxruntime's builds start Microsoft's 1DS telemetry when imported: a device id and an event
# database under ~/.cache/Microsoft, and uploads to mobile.events.data.microsoft.com (seen from
# 1.32 on Linux). Nothing may leave this machine, so it is switched off before any of our code
# imports onnxruntime: it reads this once, when it is imported. Worker processes inherit it.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
if "onnxruntime" in sys.modules:  # imported by the caller first: too late to switch it off here
    warnings.warn(
        "onnxruntime was imported before unifer_tray, so its telemetry to Microsoft is on in this process; "
        "set ORT_DISABLE_TELEMETRY=1 before importing onnxruntime",
        stacklevel=2,
    )

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

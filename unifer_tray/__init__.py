"""UniFER tray: on-device facial expression analysis.

>>> from unifer_tray import analyze_image
>>> analysis = analyze_image("photo.jpg")
>>> [(f.expression, f.confidence) for f in analysis.faces]
"""

from .imaging import ImageError
from .pipeline import Pipeline, analyze_image
from .result import LABELS, Analysis, Face

__version__ = "0.1.0"
__all__ = ["LABELS", "Analysis", "Face", "ImageError", "Pipeline", "__version__", "analyze_image"]

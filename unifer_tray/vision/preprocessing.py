"""Face crops for the classifiers: eye-aligned squares, or whole images for already-cropped faces.

Every classifier reads the same 112x112 RGB crop (face-api's input size) at the margin its crop
protocol in models/manifest.json names; the 64x64 grey nets derive theirs from it, so a face is
cut and rotated once.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from ..imaging import resize_to, window
from .detector import Detection

CROP_SIZE = 112


def eye_angle(detection: Detection) -> float:
    """Degrees the eye line is tilted (image-left eye to image-right eye)."""
    (rx, ry), (lx, ly) = detection.keypoints[0], detection.keypoints[1]
    return math.degrees(math.atan2(ly - ry, lx - rx))


def _square(detection: Detection, margin: float) -> tuple[float, float, float]:
    """Centre and side of the square a face is cut from."""
    x, y, w, h = detection.extent
    return x + w / 2, y + h / 2, max(w, h) * margin


def aligned_crop(rgb: np.ndarray, detection: Detection, margin: float, size: int = CROP_SIZE) -> np.ndarray:
    """Square crop around the face, rotated so the eyes are level, resized to size x size.

    Cut around the face's unclipped extent: where a tight region cut the face off, the crop is
    black there (as where it leaves the image anywhere) rather than shifted and shrunk onto what
    is left (benchmarks/bench_framing.py --dense: the most common label in 95.7 % of regions
    around the posed faces instead of 94.7 %)."""
    centre_x, centre_y, side = _square(detection, margin)
    # Cut a window large enough for any rotation, shrink big faces by an integer factor with
    # area averaging (no aliasing, and fast), then rotate and scale the rest of the way in one warp.
    window_side = max(2, math.ceil(side * 1.5))
    x0, y0 = round(centre_x - window_side / 2), round(centre_y - window_side / 2)
    cut = Image.fromarray(window(rgb, x0, y0, window_side))
    factor = max(1, int(side / size))
    if factor > 1:
        cut = cut.reduce(factor)
    # Pillow maps each output pixel back into the window, in coordinates where pixel i spans
    # [i, i + 1); the face centre lands on the middle of the output.
    local_x, local_y = (centre_x - x0 + 0.5) / factor, (centre_y - y0 + 0.5) / factor
    angle = math.radians(eye_angle(detection))
    per_output_pixel = side / factor / size
    cos, sin = math.cos(angle) * per_output_pixel, math.sin(angle) * per_output_pixel
    middle = size / 2 + 0.5
    inverse = (
        cos, -sin, local_x - (cos - sin) * middle,
        sin, cos, local_y - (sin + cos) * middle,
    )  # fmt: skip
    warped = cut.transform((size, size), Image.Transform.AFFINE, inverse, Image.Resampling.BILINEAR)
    return np.asarray(warped)


def whole_image_crop(rgb: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """The whole image as one face: zero-padded to a centred square, as face-api does."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    square = np.zeros((side, side, 3), np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = rgb
    return resize_to(square, (size, size), area=side > size)


def crop_to_image(points: np.ndarray, detection: Detection, margin: float, size: int) -> np.ndarray:
    """Points found in `aligned_crop(rgb, detection, margin, size)` (x, y in crop pixels, and
    any further coordinates in the same unit) back in image pixels: unrotated and rescaled."""
    centre_x, centre_y, side = _square(detection, margin)
    angle = math.radians(eye_angle(detection))
    cos, sin = math.cos(angle), math.sin(angle)
    scale = side / size
    local = (points[:, :2] - size / 2) * scale
    image = points.astype(np.float64) * scale
    image[:, 0] = centre_x + cos * local[:, 0] - sin * local[:, 1]
    image[:, 1] = centre_y + sin * local[:, 0] + cos * local[:, 1]
    return image

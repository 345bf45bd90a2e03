"""Face crops for the classifiers: eye-aligned squares, or whole images for already-cropped faces.

Every classifier reads the same 112x112 RGB crop (face-api's input size); the 64x64 grey nets
derive theirs from it, so a face is cut and rotated once.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..imaging import resize
from .detector import Detection

CROP_SIZE = 112
CROP_MARGIN = 1.25  # crop side / detector box side: the protocol the shipped models were scored with


def _window(rgb: np.ndarray, x0: int, y0: int, side: int) -> np.ndarray:
    """A side x side window of the image at (x0, y0), zero-padded where it leaves the image."""
    height, width = rgb.shape[:2]
    window = np.zeros((side, side, 3), np.uint8)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(width, x0 + side), min(height, y0 + side)
    if sx1 > sx0 and sy1 > sy0:
        window[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = rgb[sy0:sy1, sx0:sx1]
    return window


def eye_angle(detection: Detection) -> float:
    """Degrees the eye line is tilted (image-left eye to image-right eye)."""
    (rx, ry), (lx, ly) = detection.keypoints[0], detection.keypoints[1]
    return math.degrees(math.atan2(ly - ry, lx - rx))


def aligned_crop(
    rgb: np.ndarray, detection: Detection, margin: float = CROP_MARGIN, size: int = CROP_SIZE
) -> np.ndarray:
    """Square crop around the face, rotated so the eyes are level, resized to size x size."""
    x, y, w, h = detection.box
    centre_x, centre_y = x + w / 2, y + h / 2
    side = max(w, h) * margin
    # Cut a window large enough for any rotation, shrink it with area averaging (no aliasing on
    # big faces), then rotate and scale the rest of the way in one warp.
    window_side = max(2, math.ceil(side * 1.5))
    x0, y0 = round(centre_x - window_side / 2), round(centre_y - window_side / 2)
    window = _window(rgb, x0, y0, window_side)
    shrink = min(1.0, 2 * size / side)
    if shrink < 1.0:
        window = resize(window, shrink)
        shrink = window.shape[0] / window_side  # the exact factor after rounding
    local_x, local_y = (centre_x - x0) * shrink, (centre_y - y0) * shrink
    matrix = cv2.getRotationMatrix2D((local_x, local_y), eye_angle(detection), size / (side * shrink))
    matrix[:, 2] += (size / 2 - local_x, size / 2 - local_y)
    return cv2.warpAffine(
        window, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0)
    )


def whole_image_crop(rgb: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """The whole image as one face: zero-padded to a centred square, as face-api does."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    square = np.zeros((side, side, 3), np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = rgb
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(square, (size, size), interpolation=interpolation)

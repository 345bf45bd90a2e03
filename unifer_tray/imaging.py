"""Turning whatever the user hands us (a file, a PIL image, an array) into 8-bit RGB pixels.

Every failure becomes an :class:`ImageError` whose message says what is wrong with the input and,
where it helps, what to do; callers report it per file and carry on.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .formats import IMAGE_SUFFIXES, PILLOW_FORMATS, UNSUPPORTED, VIDEO_SUFFIXES

# Larger than three 4K monitors side by side (25 Mpx), far below what would exhaust memory:
# any image under it is converted in bands, so the peak stays under about 800 MB whatever its
# mode (16-bit, alpha); see benchmarks/bench_images.py.
MAX_PIXELS = 80_000_000
BAND_ROWS = 512  # rows converted at a time: the temporary arrays stay small


class ImageError(ValueError):
    """An input that cannot be analysed, with a message meant for the user."""


def too_large(width: int, height: int, what: str = "image", max_pixels: int = MAX_PIXELS) -> str | None:
    """Why `width` x `height` pixels are refused (None: they are not): images and video frames
    share one limit and one message."""
    if width * height <= max_pixels:
        return None
    return (
        f"{what} too large: {width}x{height} = {width * height / 1e6:.0f} Mpx; the limit is "
        f"{max_pixels / 1e6:.0f} Mpx (protects against decompression bombs); downscale it first"
    )


def is_image_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def open_image(source: Path | bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an image file (or its bytes, e.g. from stdin), refusing oversized ones before
    their pixels are allocated."""
    if isinstance(source, bytes):
        if not source:
            raise ImageError("empty input (0 bytes)")
        path: Path | io.BytesIO = io.BytesIO(source)
    else:
        if not source.exists():
            raise ImageError("file not found")
        if source.is_dir():
            raise ImageError("is a folder, not an image")
        if not os.access(source, os.R_OK):
            raise ImageError("permission denied: the file is not readable by this user")
        if source.stat().st_size == 0:
            raise ImageError("empty file (0 bytes)")
        path = source
    try:
        with warnings.catch_warnings():  # our own limit below speaks for itself
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=PILLOW_FORMATS)
    except Image.DecompressionBombError:
        limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
        raise ImageError(
            f"image too large: over {limit:.0f} Mpx; the limit is {max_pixels / 1e6:.0f} Mpx "
            "(protects against decompression bombs); downscale it first"
        ) from None
    except UnidentifiedImageError:
        raise ImageError(UNSUPPORTED) from None
    except ValueError as exc:  # e.g. a PNG text chunk that would decompress to gigabytes
        raise ImageError(f"the image's metadata is malformed or too large ({exc})") from None
    except OSError as exc:
        raise ImageError(f"corrupt or truncated image: {exc}") from None
    refused = too_large(*image.size, max_pixels=max_pixels)
    if refused:
        raise ImageError(refused)
    try:
        image.load()  # first frame of a GIF or multi-page TIFF
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"corrupt or truncated image: {exc}") from None
    return image


# EXIF orientation -> the numpy operation that makes the picture upright (as ImageOps.exif_transpose)
_UPRIGHT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
    8: lambda a: np.rot90(a, 1),
}


def to_rgb(image: Image.Image) -> np.ndarray:
    """8-bit RGB pixels, upright per EXIF, transparency flattened onto white.

    The decoded image is copied into the one output array a band of rows at a time (deep and
    transparent ones converted on the way), and turned upright as an array: a large image costs
    its decoded size plus the output, not several full copies."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        low_high = image.getextrema()  # one band: (lowest, highest)
        top = float(low_high[1]) or 1.0  # type: ignore[arg-type]
        rgb = _banded(image, lambda band: _scaled_gray(band, top))
    elif image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgb = _banded(image, lambda band: _flattened(np.asarray(band.convert("RGBA"))))
    else:
        rgb = _banded(image, lambda band: np.asarray(band if band.mode == "RGB" else band.convert("RGB")))
    upright = _UPRIGHT.get(image.getexif().get(0x0112, 1))
    return np.ascontiguousarray(upright(rgb)) if upright else rgb


def _banded(image: Image.Image, convert: Callable[[Image.Image], np.ndarray]) -> np.ndarray:
    width, height = image.size
    rgb = np.empty((height, width, 3), np.uint8)
    for row in range(0, height, BAND_ROWS):
        rgb[row : row + BAND_ROWS] = convert(image.crop((0, row, width, min(height, row + BAND_ROWS))))
    return rgb


def _scaled_gray(band: Image.Image, top: float) -> np.ndarray:
    """Deep gray (16-bit, 32-bit, float) stretched so the image's brightest value is 255, as RGB."""
    values = np.asarray(band).astype(np.float32)
    return np.clip(values * (255.0 / top), 0, 255)[..., None].astype(np.uint8)


def _flattened(rgba: np.ndarray) -> np.ndarray:
    """RGBA over white, as RGB."""
    band = rgba.astype(np.uint16)
    alpha = band[..., 3:4]
    return ((band[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def load_rgb(source: Path | bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    return to_rgb(open_image(source if isinstance(source, bytes) else Path(source), max_pixels))


def from_array(pixels: np.ndarray, bgr: bool = False) -> np.ndarray:
    """8-bit RGB from HxW gray, HxWx3 RGB or HxWx4 RGBA arrays (screen grabs, video frames).

    `bgr=True` for OpenCV's channel order. Floats in [0, 1] are scaled to 0-255, floats and
    integers already in 0-255 are taken as they are; anything else is a clear error rather
    than a silent "no face"."""
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ImageError(f"unsupported pixel array of shape {pixels.shape}; expected HxW, HxWx3 or HxWx4")
    if pixels.dtype != np.uint8:
        pixels = _as_8bit(pixels)
    channels = pixels[..., 2::-1] if bgr else pixels[..., :3]
    return np.ascontiguousarray(channels)


def _as_8bit(pixels: np.ndarray) -> np.ndarray:
    if not (np.issubdtype(pixels.dtype, np.floating) or np.issubdtype(pixels.dtype, np.integer)):
        raise ImageError(f"unsupported pixel type {pixels.dtype}; expected uint8, or floats in [0, 1]")
    if pixels.size == 0:
        raise ImageError("empty pixel array")
    low, high = float(np.min(pixels)), float(np.max(pixels))
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0:
        raise ImageError(f"pixel values from {low} to {high}; expected 0-255, or floats in [0, 1]")
    if np.issubdtype(pixels.dtype, np.floating) and high <= 1.0:
        return np.round(pixels * 255.0).astype(np.uint8)
    if high <= 255:
        return np.round(pixels).astype(np.uint8)
    raise ImageError(
        f"{pixels.dtype} pixel values up to {high:g}; scale them to 0-255 first (for 16-bit images, "
        "pass the file or a PIL image: those are scaled for you)"
    )


def collect_images(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders recursively (images and videos); return the files and the inputs that are
    not usable."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            wanted = IMAGE_SUFFIXES | VIDEO_SUFFIXES
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
            if not found:
                problems.append((path, "folder contains no images or videos (" + ", ".join(sorted(wanted)) + ")"))
            files.extend(found)
        else:
            files.append(path)  # non-image names are still tried: the decoder decides
    return files, problems


def window(rgb: np.ndarray, x0: int, y0: int, side: int) -> np.ndarray:
    """A side x side window of the image at (x0, y0), zero-padded where it leaves the image."""
    height, width = rgb.shape[:2]
    window = np.zeros((side, side, 3), np.uint8)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(width, x0 + side), min(height, y0 + side)
    if sx1 > sx0 and sy1 > sy0:
        window[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = rgb[sy0:sy1, sx0:sx1]
    return window


def resize_to(pixels: np.ndarray, size: tuple[int, int], *, area: bool = False) -> np.ndarray:
    """Resize gray or RGB pixels to `size` (width, height) with Pillow.

    Reductions by 2 or more average pixel areas (no aliasing, and the classifiers' training
    preprocessing when `area` is set); the rest is bilinear, which Pillow anti-aliases.
    """
    if (pixels.shape[1], pixels.shape[0]) == size:
        return pixels
    image = Image.fromarray(pixels)
    if area:
        return np.asarray(image.resize(size, Image.Resampling.BOX))
    if min(image.width / size[0], image.height / size[1]) >= 2:
        # An integer-factor reduction first (fast), then area averaging the rest of the way.
        return np.asarray(image.resize(size, Image.Resampling.BOX, reducing_gap=1.1))
    return np.asarray(image.resize(size, Image.Resampling.BILINEAR))


def resize(rgb: np.ndarray, scale: float) -> np.ndarray:
    """Resize by `scale`."""
    height, width = rgb.shape[:2]
    return resize_to(rgb, (max(1, round(width * scale)), max(1, round(height * scale))))


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma, as the FER2013 nets were trained on."""
    return np.asarray(Image.fromarray(rgb).convert("L"))


def encode_jpeg(rgb: np.ndarray, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()

"""The image file types UniFER reads: what folders are searched for, and what the file dialog
offers. A leaf module, so the tray's dialog process need not load the imaging code."""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".jfif", ".ppm", ".pgm"})

# The only decoders Pillow may use, whatever a file's name or first bytes claim: Pillow otherwise
# picks one from the content, and some (EPS runs Ghostscript) are no place for a hostile file.
# (JPEG includes MPO, the variant many phone cameras write.)
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF", "PPM")
UNSUPPORTED = "not an image, or an unsupported format (UniFER reads JPEG, PNG, WebP, BMP, TIFF, GIF and PPM/PGM)"

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm"})


def is_video(path: Path) -> bool:
    """By content, not by name: MP4/MOV (ISO media boxes), AVI (RIFF) and Matroska/WebM (EBML)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(12)
    except OSError:
        return False
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[:4] == b"\x1a\x45\xdf\xa3"
    )

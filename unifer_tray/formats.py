"""The image file types UniFER reads: what folders are searched for, and what the file dialog
offers. A leaf module, so the tray's dialog process need not load the imaging code."""

from __future__ import annotations

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".jfif", ".ppm", ".pgm"})

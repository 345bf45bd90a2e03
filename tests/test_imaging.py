"""Every bad input ends in a clear per-file error, never an exception, and never allocates a bomb."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from unifer_tray.imaging import MAX_PIXELS, ImageError, collect_images, load_rgb


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that claims width x height but holds almost no data (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, d: None, "file not found"),
        (lambda p, d: p.write_bytes(b""), "empty file"),
        (lambda p, d: p.write_text("this is not a picture\n"), "not an image"),
        (lambda p, d: p.write_bytes((d / "single_face.jpg").read_bytes()[:4000]), "corrupt or truncated"),
        (lambda p, d: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"no chunks here " * 14), "corrupt or truncated"),
        (lambda p, d: png_header_only(p, 20000, 20000), "image too large"),
    ],
    ids=["missing", "zero-bytes", "text-named-jpg", "truncated-jpeg", "corrupt-png", "decompression-bomb"],
)
def test_bad_file_gives_clear_error(pipeline, data_dir, tmp_path, make, message):
    path = tmp_path / "input.jpg"
    make(path, data_dir)
    analysis = pipeline.run(path)[0]
    assert analysis.error is not None and message in analysis.error
    assert analysis.faces == []


def test_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    png_header_only(path, 100_000, 100_000)  # 10 Gpx: decoding would need 30 GB
    with pytest.raises(ImageError, match="too large"):
        load_rgb(path)
    assert MAX_PIXELS < 100_000 * 100_000


def test_folder_without_images(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    files, problems = collect_images([tmp_path])
    assert files == []
    assert problems and "contains no images" in problems[0][1]


def test_folder_given_as_image(pipeline, tmp_path):
    assert "is a folder" in pipeline.run(tmp_path)[0].error


def test_unreadable_file(data_dir):
    with tempfile.TemporaryDirectory() as folder:  # not under pytest's 0700 tmp: nobody must reach it
        Path(folder).chmod(0o755)
        path = Path(folder) / "secret.jpg"
        shutil.copy(data_dir / "single_face.jpg", path)
        path.chmod(0)
        probe = (
            f"from unifer_tray.imaging import *\ntry:\n load_rgb(__import__('pathlib').Path({str(path)!r}))\n"
            "except ImageError as e: print(e)"
        )
        command = [sys.executable, "-c", probe]
        if os.geteuid() == 0:  # root reads anything: check as an unprivileged user
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "permission denied" in result.stdout


def test_one_pixel_image(pipeline, tmp_path):
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), "red").save(path)
    analysis = pipeline.run(path)[0]
    assert analysis.error is None and analysis.faces == [] and analysis.width == 1


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "L", "LA", "RGBA", "1"])
def test_pixel_modes(data_dir, tmp_path, mode):
    source = Image.open(data_dir / "single_face.jpg")
    if mode == "I;16":
        grey = np.asarray(source.convert("L"), dtype=np.uint16) * 257
        image, suffix = Image.fromarray(grey), ".png"
    else:
        image = source.convert(mode)
        suffix = ".jpg" if mode == "CMYK" else ".png"
    path = tmp_path / f"face{suffix}"
    image.save(path)
    rgb = load_rgb(path)
    assert rgb.dtype == np.uint8 and rgb.shape == (source.height, source.width, 3)
    assert rgb.std() > 10  # real picture content survived the conversion


def test_sixteen_bit_png_is_still_a_happy_face(pipeline, data_dir, tmp_path):
    grey = np.asarray(Image.open(data_dir / "single_face.jpg").convert("L"), dtype=np.uint16) * 257
    path = tmp_path / "deep.png"
    Image.fromarray(grey).save(path)
    assert Image.open(path).mode.startswith("I;16")
    assert [f.expression for f in pipeline.run(path)[0].faces] == ["happiness"]


@pytest.mark.parametrize("suffix", [".webp", ".bmp", ".tiff", ".gif", ".png"])
def test_common_formats(pipeline, data_dir, tmp_path, suffix):
    path = tmp_path / f"face{suffix}"
    Image.open(data_dir / "single_face.jpg").save(path)
    assert [f.expression for f in pipeline.run(path)[0].faces] == ["happiness"]


def test_animated_gif_uses_first_frame(pipeline, data_dir, tmp_path):
    face = Image.open(data_dir / "single_face.jpg").convert("P")
    blank = Image.new("P", face.size)
    path = tmp_path / "anim.gif"
    face.save(path, save_all=True, append_images=[blank, blank])
    assert len(pipeline.run(path)[0].faces) == 1


def test_exif_orientation_is_respected(pipeline, data_dir, tmp_path):
    """A photo stored sideways with Orientation=6 (rotate 90° clockwise to view) is analysed upright."""
    upright = Image.open(data_dir / "single_face.jpg")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what a sideways camera writes
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    stored.save(path, exif=exif)
    analysis = pipeline.run(path)[0]
    assert (analysis.width, analysis.height) == upright.size
    assert [f.expression for f in analysis.faces] == ["happiness"]


def test_a_png_text_bomb_is_one_file_error_and_the_batch_goes_on(data_dir, tmp_path, capsys):
    from PIL.PngImagePlugin import PngInfo

    from unifer_tray.cli.main import main

    metadata = PngInfo()
    metadata.add_text("comment", "0" * 50_000_000, zip=True)  # 50 kB on disk, 50 MB decompressed
    Image.new("RGB", (8, 8)).save(tmp_path / "a-text-bomb.png", pnginfo=metadata)
    shutil.copy(data_dir / "single_face.jpg", tmp_path / "b-face.jpg")
    assert main(["analyze", "--format", "jsonl", "--jobs", "1", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "metadata is malformed or too large" in err and '"expression": "happiness"' in out


def test_pillows_bomb_warning_never_reaches_the_user(tmp_path):
    import warnings

    path = tmp_path / "large.png"
    png_header_only(path, 10_000, 10_000)  # 100 Mpx: over Pillow's warning threshold and our limit
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ImageError, match="the limit is 80 Mpx"):
            load_rgb(path)
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


def test_above_pillows_own_limit_the_message_is_ours(tmp_path):
    path = tmp_path / "huge.png"
    png_header_only(path, 20_000, 10_000)  # 200 Mpx: Pillow refuses by itself
    with pytest.raises(ImageError, match=r"over 179 Mpx; the limit is 80 Mpx"):
        load_rgb(path)


@pytest.mark.parametrize("mode", ["I;16", "RGBA", "LA", "F"])
def test_banded_conversion_matches_a_direct_one(mode):
    rng = np.random.default_rng(3)
    height = 3 * 512 + 17  # several bands and a short last one
    if mode in ("RGBA", "LA"):
        pixels = rng.integers(0, 256, (height, 40, 4 if mode == "RGBA" else 2), dtype=np.uint8)
        image = Image.fromarray(pixels, mode)
        rgba = np.asarray(image.convert("RGBA")).astype(float)
        expected = rgba[..., :3] * rgba[..., 3:] / 255 + 255 * (1 - rgba[..., 3:] / 255)
    else:
        pixels = rng.integers(0, 4000, (height, 40)).astype(np.uint16 if mode == "I;16" else np.float32)
        image = Image.fromarray(pixels)  # uint16 -> I;16, float32 -> F
        assert image.mode == mode
        expected = np.repeat((pixels / pixels.max() * 255)[..., None], 3, axis=-1)
    from unifer_tray.imaging import to_rgb

    assert np.abs(to_rgb(image).astype(float) - expected).max() <= 1.0


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_made_upright_as_pillow_would(tmp_path, orientation):
    from PIL import ImageOps

    from unifer_tray.imaging import to_rgb

    pixels = np.random.default_rng(orientation).integers(0, 256, (30, 50, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "oriented.png"
    Image.fromarray(pixels).save(path, exif=exif)
    with Image.open(path) as image:
        expected = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
        assert np.array_equal(to_rgb(image), expected)


def test_a_postscript_file_named_jpg_is_refused_without_ghostscript(tmp_path, monkeypatch):
    """Pillow picks its decoder from the content: an EPS named photo.jpg would reach Ghostscript."""
    marker = tmp_path / "gs-ran"
    fake_gs = tmp_path / "bin" / "gs"
    fake_gs.parent.mkdir()
    fake_gs.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    fake_gs.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_gs.parent}{os.pathsep}{os.environ['PATH']}")
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (16, 16), "white").save(photo, "EPS")
    assert photo.read_bytes().startswith(b"%!PS")
    with pytest.raises(ImageError, match="unsupported format"):
        load_rgb(photo)
    assert not marker.exists()
